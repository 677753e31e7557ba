/**
 * Settling redemptions left `reserved` (6.4.2): a redeem that stopped between its steps (a
 * timeout, a crash) leaves stock and a place under the member's limit taken. After
 * REDEMPTION_SETTLE_MS each is settled as a retry would: points spent → the voucher is issued;
 * otherwise the stock and the place go back (common/points/redemptions.ts).
 */
import type { Clock } from '../common/clock'
import type { Db } from '../common/db'
import { createRedemptions } from '../common/points/redemptions'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'

export interface SettlementRun {
  issued: number
  released: number
  complete: boolean
}

export function createRedemptionSettlement(deps: { db: Db; clock: Clock }) {
  const { clock } = deps
  const redemptions = createRedemptions(deps)
  return {
    async run(options: SweepOptions = {}): Promise<SettlementRun> {
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const out = { issued: 0, released: 0 }
      const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
      while (clock.now() < deadline) {
        const stale = await redemptions.stale(pageSize)
        for (const doc of stale) {
          const settled = await redemptions.settle(doc)
          if (settled.status === 'issued') out.issued += 1
          else if (settled.status === 'released') out.released += 1
        }
        if (stale.length < pageSize) return { ...out, complete: true }
      }
      return { ...out, complete: false }
    },
  }
}
