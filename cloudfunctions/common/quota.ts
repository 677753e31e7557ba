/**
 * Daily counts in `sms_quota`: SMS sends (sms.ts) and the tries a WeChat user gets a day at
 * answers that would otherwise tell about other people (a wrong card number or phone, a plate
 * another member holds). `_id` = `<China date>:<kind>:<phone index?>:<requester?>`; what a count
 * is about is also in its indexed fields `phoneIndex` and `requester`, so deleting a member finds
 * it (7.2).
 */
import { chinaDate } from '../../src/domain/dates'
import { failUntil, secondsToChinaMidnight, type ErrorCode, type Failure } from '../../src/domain/errors'
import type { Clock } from './clock'
import { addUnique, COLLECTIONS, getDoc, type Db } from './db'
import type { Vault } from './vault'

/** Count documents outlive their day a little, then a sweep may remove them. */
export const QUOTA_RETENTION_MS = 2 * 24 * 3600_000

/**
 * Removes every SMS code and daily count about a phone or a requester (7.2: a deleted member's
 * SMS records go with the member, not at their sweep).
 */
export async function removeSmsRecords(db: Db, { phoneIndex, requester }: Subjects): Promise<void> {
  const _ = db.command
  const about = [...(phoneIndex ? [{ phoneIndex }] : []), ...(requester ? [{ requester }] : [])]
  if (about.length === 0) return
  for (const name of [COLLECTIONS.smsCodes, COLLECTIONS.smsQuota])
    await db.collection(name).where(_.or(about)).remove()
}

/**
 * Who asks, in SMS and count documents: the blind index of the OPENID, the value the member's
 * identity keeps (`openidIndex`), so a deletion finds them without the OPENID.
 */
export const requesterOf = (vault: Vault, openid: string): string => vault.blindIndex('openid', openid)

/** What an SMS or count document is about: a phone (its blind index), a requester, or both. */
export interface Subjects {
  phoneIndex?: string
  requester?: string
}

export interface DailyCounts {
  idOf(kind: string, about: Subjects): string
  /** Adds one unit while the count is below `limit`; false when it is not. */
  take(id: string, about: Subjects, limit?: number): Promise<boolean>
  /** `take` for a count known to exist. */
  bump(id: string, limit: number): Promise<boolean>
  giveBack(id: string): Promise<void>
  count(id: string): Promise<number>
}

export function createDailyCounts({ db, clock }: { db: Db; clock: Clock }): DailyCounts {
  const _ = db.command
  const quota = () => db.collection(COLLECTIONS.smsQuota)

  async function bump(id: string, limit: number): Promise<boolean> {
    const where = Number.isFinite(limit) ? { _id: id, count: _.lt(limit) } : { _id: id }
    const { stats } = await quota()
      .where(where)
      .update({ data: { count: _.inc(1) } })
    return stats.updated === 1
  }

  return {
    idOf: (kind, { phoneIndex, requester }) =>
      [chinaDate(clock.now()), kind, phoneIndex, requester].filter((part) => part !== undefined).join(':'),
    // Created with the unit taken: the first of the day is one write.
    async take(id, about, limit = Infinity) {
      const created = await addUnique(db, COLLECTIONS.smsQuota, {
        _id: id,
        ...about,
        day: chinaDate(clock.now()),
        count: 1,
        expiresAt: new Date(clock.now() + QUOTA_RETENTION_MS),
      })
      return created || bump(id, limit)
    },
    bump,
    async giveBack(id) {
      await quota()
        .where({ _id: id, count: _.gt(0) })
        .update({ data: { count: _.inc(-1) } })
    },
    async count(id) {
      const doc = await getDoc(db, COLLECTIONS.smsQuota, id)
      return doc ? Number(doc.count) : 0
    },
  }
}

/**
 * A WeChat user's daily tries at an answer about others: `spent` tells before the request
 * whether none are left, `spend` counts one when such an answer is due — and only when it took
 * a try is the answer given, so parallel requests get no more than `limit` answers.
 */
export interface DailyTries {
  /** The refusal when the caller has no tries left today. */
  spent(openid: string): Promise<Failure | null>
  /** Counts one try; the refusal when none was left. */
  spend(openid: string): Promise<Failure | null>
}

export function createDailyTries(
  deps: { db: Db; clock: Clock; vault: Vault },
  rule: { kind: string; limit: number; refusal: ErrorCode },
): DailyTries {
  const counts = createDailyCounts(deps)
  const refuse = () => failUntil(rule.refusal, secondsToChinaMidnight(deps.clock.now()))
  const about = (openid: string): Subjects => ({ requester: requesterOf(deps.vault, openid) })
  return {
    async spent(openid) {
      return (await counts.count(counts.idOf(rule.kind, about(openid)))) >= rule.limit ? refuse() : null
    },
    async spend(openid) {
      const taken = await counts.take(counts.idOf(rule.kind, about(openid)), about(openid), rule.limit)
      return taken ? null : refuse()
    },
  }
}
