/**
 * How many points a refund of a scored purchase takes back (6.4): what is kept before and after
 * the refund, scored under the purchase's own rules version, tier and birthday, so that the partial
 * refunds of a purchase take back, together, exactly what it earned — never more than is left.
 * Used by the counter's refunds and by WeChat Pay's refund notices.
 *
 * The score runs inside the ledger's reversal transaction, on the purchase's refund totals read
 * there (`points_refunds`, see ledger.ts): concurrent refunds of one purchase under different
 * references are serialised by the transaction's conflict, each deciding on what the ones before
 * it left.
 */
import {
  earn,
  type EarningMember,
  type EarningRules,
  type Purchase,
} from '../../../src/domain/points/earning'
import type { Tier } from '../../../src/domain/member/model'
import type { RefundScore } from './ledger'

/** The points a refund of `refundFen` takes back, or REFUND_EXCEEDS_PURCHASE. */
export function refundScore(input: { refundFen: number; rules: EarningRules }): RefundScore {
  return (earned, before) => {
    const amountFen = earned.amountFen ?? 0
    if (before.refundedFen + input.refundFen > amountFen) return 'REFUND_EXCEEDS_PURCHASE'
    const purchase: Purchase = {
      amountFen,
      at: earned.purchase?.at ?? new Date(earned.at).toISOString(),
      storeId: earned.storeId,
      ...(earned.purchase?.brandId ? { brandId: earned.purchase.brandId } : {}),
      ...(earned.purchase?.counterId ? { counterId: earned.purchase.counterId } : {}),
    }
    const member: EarningMember = {
      tier: (earned.purchase?.tier ?? 'normal') as Tier,
      ...(earned.purchase?.birthday ? { birthday: earned.purchase.birthday } : {}),
    }
    const keptBefore = amountFen - before.refundedFen
    const scored = (fen: number) => earn({ ...purchase, amountFen: fen }, member, input.rules).points
    const points = Math.min(
      scored(keptBefore) - scored(keptBefore - input.refundFen),
      earned.delta - before.reversedPoints,
    )
    return Math.max(0, points)
  }
}
