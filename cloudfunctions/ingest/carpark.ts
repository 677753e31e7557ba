/**
 * A car park's plate-recognition system (issue #12): each entry or exit it posts to
 * `/ingest/carpark` is applied to the plate's sessions by common/parking/sessions.ts — repeats,
 * a second camera read, out-of-order delivery and exits without an entry included. The device is
 * registered for one car park (`carParkId`) of its store; the event names no car park of its own.
 */
import { fail } from '../../src/domain/errors'
import { COLLECTIONS, getDoc, type Doc } from '../common/db'
import { createParkingSessions } from '../common/parking/sessions'
import type { DeviceHandler } from './handlers'

interface CarParkDoc extends Doc {
  storeId: string
  status: 'active' | 'closed'
}

export const carParkHandler: DeviceHandler = {
  kind: 'carpark',
  async handle(body, { device, deps }) {
    const { db } = deps
    const carParkId = device.carParkId
    const carPark = carParkId
      ? ((await getDoc(db, COLLECTIONS.carParks, carParkId)) as CarParkDoc | null)
      : null
    if (!carParkId || !carPark || carPark.status !== 'active' || carPark.storeId !== device.storeId)
      return fail('CAR_PARK_UNKNOWN')
    const sessions = createParkingSessions(deps)
    return sessions.applyCarParkEvent({ carParkId, storeId: carPark.storeId }, body)
  },
}
