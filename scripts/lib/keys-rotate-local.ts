/**
 * `npm run keys:rotate` against local-cloud's data directory: the scheduler's rotation job
 * (cloudfunctions/scheduler/rotation.ts) over the SQLite database `npm start` uses.
 * Bundled and run by scripts/keys-rotate.mjs.
 */
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { vaultFromEnv } from '../../cloudfunctions/common/vault'
import { retiredKeyIds } from '../../cloudfunctions/scheduler/jobs'
import { createKeyRotation, type RotationRun } from '../../cloudfunctions/scheduler/rotation'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'

export interface LocalRotation {
  run: RotationRun | null
  remaining: number
}

export async function rotateLocal(options: {
  dataDir: string
  env: Record<string, string | undefined>
  pageSize?: number
  maxPages?: number
  statusOnly?: boolean
}): Promise<LocalRotation> {
  const vault = vaultFromEnv(options.env)
  const cloud = createLocalCloud({ dataDir: options.dataDir, manifest })
  try {
    const db = asDb(cloud.database(DB_OPTIONS))
    const rotation = createKeyRotation({
      db,
      vault,
      clock: systemClock,
      retiredKeyIds: retiredKeyIds(options.env),
    })
    const run = options.statusOnly
      ? null
      : await rotation.run({ pageSize: options.pageSize, maxPages: options.maxPages })
    return { run, remaining: await rotation.remaining() }
  } finally {
    cloud.close()
  }
}
