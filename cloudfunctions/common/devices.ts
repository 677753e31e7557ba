/**
 * Devices that push to the `ingest` function (issue #11): a store's POS, a car park's gate. Each
 * has a record in `devices` (kind, store, status) and a 32-byte signing secret, wrapped under the
 * master key like a member's data key and kept in `device_keys` of the key environment
 * (`PI_KEY_ENV`): a copy of the main environment holds no credential of any device.
 */
import { randomBytes } from 'node:crypto'

import type { Clock } from './clock'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from './db'
import { wrappedKeyOf } from './keystore'
import type { Vault } from './vault'

export const DEVICE_KINDS = ['pos', 'carpark'] as const
export type DeviceKind = (typeof DEVICE_KINDS)[number]

export interface DeviceDoc extends Doc {
  kind: DeviceKind
  storeId: string
  carParkId?: string
  status: 'active' | 'disabled'
  createdAt: Date
  /** Which secret is current: a new secret (rotation) raises it. */
  keyVersion: number
}

/** A new device as its integrator receives it: the secret is shown once and stored nowhere in clear. */
export interface RegisteredDevice {
  deviceId: string
  kind: DeviceKind
  storeId: string
  /** base64 of the 32 random bytes. */
  secret: string
}

const SECRET_BYTES = 32

/** A device id: the kind and 12 random bytes, URL-safe. */
export const newDeviceId = (kind: DeviceKind): string => `${kind}-${randomBytes(12).toString('base64url')}`

export function createDevices(deps: { db: Db; keyDb: () => Db; vault: Vault; clock: Clock }) {
  const { db, keyDb, vault, clock } = deps

  return {
    /** The device, active or not; null for an id never registered. */
    async byId(deviceId: string): Promise<DeviceDoc | null> {
      return (await getDoc(db, COLLECTIONS.devices, deviceId)) as DeviceDoc | null
    },

    /** The device's secret; null when its key document is missing or of another key version. */
    async secretOf(device: DeviceDoc): Promise<Buffer | null> {
      const doc = await getDoc(keyDb(), COLLECTIONS.deviceKeys, device._id)
      const wrapped = wrappedKeyOf(doc)
      if (!doc || !wrapped || doc.keyVersion !== device.keyVersion) return null
      return vault.openDeviceSecret(device._id, wrapped)
    },

    /**
     * Registers a device with a fresh secret (or `secret`, the demo device's): the key document
     * first, so a device record never exists without its secret.
     */
    async register(input: {
      kind: DeviceKind
      storeId: string
      carParkId?: string
      deviceId?: string
      secret?: Buffer
    }): Promise<RegisteredDevice> {
      const deviceId = input.deviceId ?? newDeviceId(input.kind)
      const secret = input.secret ?? randomBytes(SECRET_BYTES)
      const at = new Date(clock.now())
      const keyDoc = {
        _id: deviceId,
        keyVersion: 1,
        ...vault.wrapDeviceSecret(deviceId, secret),
        createdAt: at,
      }
      if (!(await addUnique(keyDb(), COLLECTIONS.deviceKeys, keyDoc)))
        throw new Error(`device ${deviceId} has a secret already`)
      const device: DeviceDoc = {
        _id: deviceId,
        kind: input.kind,
        storeId: input.storeId,
        ...(input.carParkId ? { carParkId: input.carParkId } : {}),
        status: 'active',
        createdAt: at,
        keyVersion: 1,
      }
      if (!(await addUnique(db, COLLECTIONS.devices, device)))
        throw new Error(`device ${deviceId} exists already`)
      return { deviceId, kind: input.kind, storeId: input.storeId, secret: secret.toString('base64') }
    },
  }
}

export type Devices = ReturnType<typeof createDevices>
