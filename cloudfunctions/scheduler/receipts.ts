/**
 * Closing receipt claims nobody reviewed (issue #11): a claim pending longer than
 * RECEIPT_CLAIM_DAYS is rejected as 超期未审核 and its photo deleted (common/receipts.ts
 * `closeClaim`), so no photo waits in storage for longer than that. Oldest first, by the
 * `status_time` index; a run stops when its budget is spent and the next tick goes on.
 */
import { RECEIPT_CLAIM_DAYS, RECEIPT_EXPIRED_REASON } from '../../src/domain/receipt/model'
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db } from '../common/db'
import type { FileStore } from '../common/files'
import { closeClaim, type ReceiptClaimDoc } from '../common/receipts'
import type { SweepOptions } from './sweeps'

/** Claims closed per round: each deletes a file and updates its claim. */
const CLOSE_PAGE = 100
export const RECEIPT_SWEEP_ACTOR = 'system:receipts'

export function createReceiptClaimSweep(deps: { db: Db; clock: Clock; files: FileStore }) {
  const { db, clock } = deps
  const _ = db.command
  return {
    async run(options: SweepOptions = {}): Promise<{ closed: number; complete: boolean }> {
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const pageSize = Math.min(options.pageSize ?? CLOSE_PAGE, CLOSE_PAGE)
      let closed = 0
      while (clock.now() < deadline) {
        const before = new Date(clock.now() - RECEIPT_CLAIM_DAYS * 24 * 3600_000)
        const { data } = await db
          .collection(COLLECTIONS.receiptClaims)
          .where({ status: 'pending', submittedAt: _.lt(before) })
          .orderBy('submittedAt', 'asc')
          .limit(pageSize)
          .get()
        for (const claim of data as unknown as ReceiptClaimDoc[]) {
          const done = await closeClaim(deps, claim, {
            status: 'rejected',
            reason: RECEIPT_EXPIRED_REASON,
            reviewer: RECEIPT_SWEEP_ACTOR,
            at: new Date(clock.now()),
          })
          if (done) closed += 1
        }
        if (data.length < pageSize) return { closed, complete: true }
      }
      return { closed, complete: false }
    },
  }
}
