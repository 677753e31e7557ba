/**
 * The member's tier changes (`tier_changes`): an upgrade written with the earn that crossed the
 * threshold, a review's change written by the yearly review. Each is keyed by what caused it, so a
 * retried earn or a rerun review never records a change twice. No audit entry and no ledger
 * entry: the member reads them on the 会员等级 page and in the copy of their data.
 */
import type { Tier } from '../../../src/domain/member/model'
import type { TierChangeReason, TierChangeView } from '../../../src/domain/points/tierModel'
import { COLLECTIONS, type Db, type Doc } from '../db'

interface TierChangeFields {
  memberId: string
  from: Tier
  to: Tier
  reason: TierChangeReason
  spendFen: number
  at: Date
}

export interface TierChangeDoc extends Doc, TierChangeFields {
  _id: string
}

export function tierChange({ id, ...fields }: TierChangeFields & { id: string }): TierChangeDoc {
  return { _id: id, ...fields }
}

/** Changes the page shows: years of reviews and upgrades. */
const HISTORY_MAX = 20

/** The member's latest tier changes, newest first. */
export async function tierHistory(db: Db, memberId: string): Promise<TierChangeView[]> {
  const { data } = await db
    .collection(COLLECTIONS.tierChanges)
    .where({ memberId })
    .orderBy('at', 'desc')
    .limit(HISTORY_MAX)
    .get()
  return (data as TierChangeDoc[]).map((doc) => ({
    from: doc.from,
    to: doc.to,
    reason: doc.reason,
    spendFen: doc.spendFen,
    at: new Date(doc.at).toISOString(),
  }))
}
