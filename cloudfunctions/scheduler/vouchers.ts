/**
 * Vouchers that expired unused (6.4.2): each issued voucher past its last day gives its points
 * back to the member and its item back to the stock, once (common/points/redemptions.ts
 * `expire`). Pages within the 1000-record limit; each voucher expired leaves the query's range,
 * so a run cut short by the function's timeout is simply run again.
 */
import type { Clock } from '../common/clock'
import type { Db } from '../common/db'
import type { Ledger } from '../common/points/ledger'
import { createRedemptions } from '../common/points/redemptions'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'

/** Who the ledger names for the points given back. */
export const VOUCHER_EXPIRY_ACTOR = 'system:voucher-expiry'

export interface VoucherExpiryRun {
  expired: number
  points: number
  complete: boolean
}

export function createVoucherExpiry(deps: { db: Db; clock: Clock; ledger: Ledger }) {
  const { clock, ledger } = deps
  const redemptions = createRedemptions(deps)
  return {
    async run(options: SweepOptions = {}): Promise<VoucherExpiryRun> {
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
      const out = { expired: 0, points: 0 }
      const seen = new Set<string>()
      while (clock.now() < deadline) {
        const due = (await redemptions.pastTheirDay(pageSize)).filter((doc) => !seen.has(doc._id))
        for (const doc of due) {
          seen.add(doc._id)
          const outcome = await redemptions.expire(doc, ledger, VOUCHER_EXPIRY_ACTOR)
          if (outcome.expired) out.expired += 1
          out.points += outcome.points
        }
        // A page with nothing new: what is left could not be expired in this run.
        if (due.length === 0) return { ...out, complete: true }
      }
      return { ...out, complete: false }
    },
  }
}
