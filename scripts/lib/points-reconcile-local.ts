/**
 * `npm run points:reconcile` against local-cloud's data directory: one whole pass of the
 * scheduler's reconciliation (cloudfunctions/scheduler/points.ts) over the SQLite database
 * `npm start` uses. Bundled and run by scripts/points-reconcile.mjs.
 */
import { auditSignerFromEnv } from '../../cloudfunctions/common/chain'
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { createPointsReconciliation, type ReconciliationRun } from '../../cloudfunctions/scheduler/points'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'

export async function reconcileLocal(options: {
  dataDir: string
  env: Record<string, string | undefined>
}): Promise<ReconciliationRun> {
  const signer = auditSignerFromEnv(options.env)
  const cloud = createLocalCloud({ dataDir: options.dataDir, manifest })
  try {
    const db = asDb(cloud.database(DB_OPTIONS))
    // A progress document of its own: the scheduler's pass is left where it is.
    const reconciliation = createPointsReconciliation({
      db,
      clock: systemClock,
      progressId: 'points:reconcile:cli',
      signer,
    })
    return await reconciliation.run({ fresh: true })
  } finally {
    cloud.close()
  }
}
