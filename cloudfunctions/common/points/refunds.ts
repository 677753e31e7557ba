/**
 * How many points a refund of a scored purchase takes back (6.4): what is kept before and after
 * the refund, scored under the purchase's own rules version, tier and birthday, so that the partial
 * refunds of a purchase take back, together, exactly what it earned — never more than is left.
 * Used by the counter's refunds and by WeChat Pay's refund notices.
 */
import {
  earn,
  type EarningMember,
  type EarningRules,
  type Purchase,
} from '../../../src/domain/points/earning'
import type { Tier } from '../../../src/domain/member/model'
import { COLLECTIONS, type Db } from '../db'
import type { LedgerEntry } from './ledger'

/** Reversals of one purchase read at most: more partial refunds than a receipt has lines. */
const MAX_REFUNDS = 100

export type PlannedReversal =
  /** This refund was written before; `refundedFen` counts it. */
  | { kind: 'repeated'; entry: LedgerEntry; refundedFen: number; reversedPoints: number }
  /** More than is left of the purchase. */
  | { kind: 'exceeds'; refundedFen: number }
  /** To take back `points`; `refundedFen` / `reversedPoints`: what earlier refunds did. */
  | { kind: 'new'; points: number; refundedFen: number; reversedPoints: number }

/** Points a reversal took back, the mall's absorbed part included. */
const reversedOf = (entry: LedgerEntry) => -entry.delta + (entry.absorbed ?? 0)

export async function planReversal(
  db: Db,
  input: { earned: LedgerEntry; reversalId: string; refundFen: number; rules: EarningRules },
): Promise<PlannedReversal> {
  const { earned } = input
  const { data } = await db
    .collection(COLLECTIONS.pointsLedger)
    .where({ memberId: earned.memberId, reverses: earned._id })
    .limit(MAX_REFUNDS)
    .get()
  const refunds = data as LedgerEntry[]
  const refundedFen = refunds.reduce((sum, entry) => sum + (entry.refundFen ?? 0), 0)
  const reversedPoints = refunds.reduce((sum, entry) => sum + reversedOf(entry), 0)
  const previous = refunds.find((entry) => entry._id === input.reversalId)
  if (previous) return { kind: 'repeated', entry: previous, refundedFen, reversedPoints }
  const amountFen = earned.amountFen ?? 0
  if (refundedFen + input.refundFen > amountFen) return { kind: 'exceeds', refundedFen }
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
  const keptBefore = amountFen - refundedFen
  const scored = (fen: number) => earn({ ...purchase, amountFen: fen }, member, input.rules).points
  const points = Math.min(
    scored(keptBefore) - scored(keptBefore - input.refundFen),
    earned.delta - reversedPoints,
  )
  return { kind: 'new', points: Math.max(0, points), refundedFen, reversedPoints }
}
