/**
 * `npm run keys:rotate` against local-cloud's data directory: the scheduler's key migration and
 * rotation jobs (cloudfunctions/scheduler/migration.ts, rotation.ts) over the SQLite databases
 * `npm start` uses (main and key environment). Bundled and run by scripts/keys-rotate.mjs.
 */
import { createAuditLog } from '../../cloudfunctions/common/audit'
import { auditSignerFromEnv } from '../../cloudfunctions/common/chain'
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { vaultFromEnv } from '../../cloudfunctions/common/vault'
import { retiredKeyIds } from '../../cloudfunctions/scheduler/jobs'
import { createKeyMigration, type MigrationRun } from '../../cloudfunctions/scheduler/migration'
import { createKeyRotation, type RotationRun } from '../../cloudfunctions/scheduler/rotation'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'

export interface LocalRotation {
  /** Keys moved from documents written before the key store (null with statusOnly). */
  migration: MigrationRun | null
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
    const keyDb = asDb(cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }))
    const clock = systemClock
    const migration = options.statusOnly ? null : await createKeyMigration({ db, keyDb, clock }).run()
    const audit = createAuditLog({ db, signer: auditSignerFromEnv(options.env), clock })
    const rotation = createKeyRotation({
      db,
      keyDb,
      vault,
      clock,
      audit,
      retiredKeyIds: retiredKeyIds(options.env),
    })
    const run = options.statusOnly
      ? null
      : await rotation.run({ pageSize: options.pageSize, maxPages: options.maxPages })
    return { migration, run, remaining: await rotation.remaining() }
  } finally {
    cloud.close()
  }
}
