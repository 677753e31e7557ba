/**
 * `npm run device:register` against local-cloud's data directory: a device record in `devices`
 * and its signing secret, wrapped under the master key, in `device_keys` of the key environment
 * (cloudfunctions/common/devices.ts). Bundled and run by scripts/device-register.mjs.
 */
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import {
  createDevices,
  DEVICE_KINDS,
  type DeviceKind,
  type RegisteredDevice,
} from '../../cloudfunctions/common/devices'
import { createStoreDirectory } from '../../cloudfunctions/common/stores'
import { vaultFromEnv } from '../../cloudfunctions/common/vault'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'

export async function registerLocal(options: {
  dataDir: string
  env: Record<string, string | undefined>
  kind: string
  storeId: string
  carParkId?: string
}): Promise<RegisteredDevice> {
  if (!(DEVICE_KINDS as readonly string[]).includes(options.kind))
    throw new Error(`--kind must be one of ${DEVICE_KINDS.join(', ')}`)
  const cloud = createLocalCloud({ dataDir: options.dataDir, manifest })
  try {
    const db = asDb(cloud.database(DB_OPTIONS))
    const keyDb = asDb(cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }))
    if (!(await createStoreDirectory(systemClock).byId(db, options.storeId)))
      throw new Error(`no store ${options.storeId}`)
    const devices = createDevices({
      db,
      keyDb: () => keyDb,
      vault: vaultFromEnv(options.env),
      clock: systemClock,
    })
    return await devices.register({
      kind: options.kind as DeviceKind,
      storeId: options.storeId,
      ...(options.carParkId ? { carParkId: options.carParkId } : {}),
    })
  } finally {
    cloud.close()
  }
}
