/**
 * A car park's tariff versions (`parking_tariffs`, src/domain/parking/tariffs.ts), read once per
 * car park and kept by the function instance for TARIFF_CACHE_MS; a new version takes effect no
 * sooner than that after it is published, so every instance prices alike.
 */
import { tariffAt, type ParkingTariffVersion } from '../../../src/domain/parking/tariffs'
import type { Clock } from '../clock'
import { COLLECTIONS, type Db } from '../db'

export const TARIFF_CACHE_MS = 60_000

/** Versions read at most: decades of changes. */
const MAX_VERSIONS = 200

export type TariffDoc = ParkingTariffVersion & { _id: string }

export interface TariffBook {
  /** Every version of the car park, newest first. */
  versions(db: Db, carParkId: string): Promise<TariffDoc[]>
  /** The version in force at `iso`. */
  at(db: Db, carParkId: string, iso: string): Promise<TariffDoc | undefined>
  forget(): void
}

export function createTariffBook(clock: Clock): TariffBook {
  const cached = new Map<string, { readAt: number; versions: Promise<TariffDoc[]> }>()

  async function read(db: Db, carParkId: string): Promise<TariffDoc[]> {
    const { data } = await db
      .collection(COLLECTIONS.parkingTariffs)
      .where({ carParkId })
      .orderBy('version', 'desc')
      .limit(MAX_VERSIONS)
      .get()
    return data as unknown as TariffDoc[]
  }

  function versions(db: Db, carParkId: string) {
    const now = clock.now()
    const hit = cached.get(carParkId)
    if (hit && now - hit.readAt < TARIFF_CACHE_MS) return hit.versions
    const pending = read(db, carParkId)
    cached.set(carParkId, { readAt: now, versions: pending })
    pending.catch(() => {
      if (cached.get(carParkId)?.versions === pending) cached.delete(carParkId)
    })
    return pending
  }

  return {
    versions,
    async at(db, carParkId, iso) {
      return tariffAt(await versions(db, carParkId), iso)
    },
    forget() {
      cached.clear()
    },
  }
}
