/**
 * `npm run audit:verify` against local-cloud's data directory: one whole pass of the scheduler's
 * audit verification (cloudfunctions/scheduler/integrity.ts) over the SQLite database `npm start`
 * uses. Bundled and run by scripts/audit-verify.mjs.
 */
import { auditSignerFromEnv } from '../../cloudfunctions/common/chain'
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { createAuditVerification, type VerificationRun } from '../../cloudfunctions/scheduler/integrity'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'

export async function verifyLocal(options: {
  dataDir: string
  env: Record<string, string | undefined>
  pageSize?: number
}): Promise<VerificationRun> {
  const signer = auditSignerFromEnv(options.env)
  const cloud = createLocalCloud({ dataDir: options.dataDir, manifest })
  try {
    const db = asDb(cloud.database(DB_OPTIONS))
    // A progress document of its own: the scheduler's pass is left where it is.
    const verification = createAuditVerification({
      db,
      signer,
      clock: systemClock,
      progressId: 'audit-verify:cli',
    })
    return await verification.run({ fresh: true, pageSize: options.pageSize })
  } finally {
    cloud.close()
  }
}
