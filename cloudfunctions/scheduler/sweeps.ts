/**
 * Retention sweeps (7.1, L-6): what the manifest's retention rules allow to enforce today.
 *
 * - `sms_codes`: removed 1 hour after they expire (manifest: PT1H after expiresAt).
 * - `sms_quota`: removed once `expiresAt` (day + 2 days) has passed (manifest: P2D).
 * - `identity_index`: uniqueness claims left by a sign-up that died half-way (older than
 *   ABANDONED_CLAIM_MS and no member with that id) are released, so nobody's phone stays blocked
 *   and no blind index of a non-member is kept.
 * - `audit_log`: entries older than 3 years are removed (manifest: P3Y);
 * - `audit_days`: the per-day counts of those entries, once their China day is past the same 3
 *   years (manifest: P3Y).
 *
 * Every query is on an indexed field (expiresAt, at, memberId, _id); removals go in bounded
 * batches so one call never exceeds the platform's limits, and a sweep stops when its time
 * budget is spent: the next timer tick continues.
 */
import { chinaDate } from '../../src/domain/dates'
import { ABANDONED_CLAIM_MS } from '../common/members/registration'
import { AUDIT_RETENTION_MS } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db, type Doc } from '../common/db'
import { docsById } from './owners'
import { walkForward } from './walk'

export const SMS_CODE_GRACE_MS = 3600_000
export { AUDIT_RETENTION_MS }
/** Documents removed or examined per round: one get() page. */
export const SWEEP_PAGE = 1000

export interface SweepResult {
  removed: number
  /** False when the budget ran out before everything due was handled. */
  complete: boolean
}

export interface SweepOptions {
  /** Stop starting new rounds after this long. */
  budgetMs?: number
  pageSize?: number
}

export interface Sweeps {
  smsCodes(options?: SweepOptions): Promise<SweepResult>
  smsQuota(options?: SweepOptions): Promise<SweepResult>
  abandonedClaims(options?: SweepOptions): Promise<SweepResult & { examined: number }>
  auditLog(options?: SweepOptions): Promise<SweepResult>
  auditDays(options?: SweepOptions): Promise<SweepResult>
}

interface ClaimDoc extends Doc {
  memberId: string
  at: Date
}

export function createSweeps({ db, clock }: { db: Db; clock: Clock }): Sweeps {
  const _ = db.command

  /**
   * Removes the documents of `collection` whose `field` is before `cutoff`, a page of ids at a
   * time: the ids are read with an indexed range query, then removed by `_id`, so every round
   * is bounded whatever the platform's cap on `where().remove()` is.
   */
  async function removeBefore(
    collection: string,
    field: string,
    cutoff: Date | string,
    options: SweepOptions,
  ): Promise<SweepResult> {
    const started = clock.now()
    const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
    let removed = 0
    while (clock.now() - started < (options.budgetMs ?? Infinity)) {
      const { data } = await db
        .collection(collection)
        .where({ [field]: _.lt(cutoff) })
        .limit(pageSize)
        .get()
      if (data.length === 0) return { removed, complete: true }
      const ids = data.map((doc) => doc._id)
      // The condition is repeated: a document refreshed meanwhile (a new code) is kept.
      const { stats } = await db
        .collection(collection)
        .where({ _id: _.in(ids), [field]: _.lt(cutoff) })
        .remove()
      removed += stats.removed
      if (data.length < pageSize) return { removed, complete: true }
    }
    return { removed, complete: false }
  }

  const CLAIMS_CURSOR = 'sweep:abandoned-claims'

  return {
    smsCodes: (options = {}) =>
      removeBefore(COLLECTIONS.smsCodes, 'expiresAt', new Date(clock.now() - SMS_CODE_GRACE_MS), options),

    smsQuota: (options = {}) =>
      removeBefore(COLLECTIONS.smsQuota, 'expiresAt', new Date(clock.now()), options),

    auditLog: (options = {}) =>
      removeBefore(COLLECTIONS.auditLog, 'at', new Date(clock.now() - AUDIT_RETENTION_MS), options),

    // A day goes when all of it is past the retention: its counts never outlive its entries.
    auditDays: (options = {}) =>
      removeBefore(COLLECTIONS.auditDays, 'day', chinaDate(clock.now() - AUDIT_RETENTION_MS), options),

    /**
     * Walks the claims made since the last sweep (walk.ts: cursor in `jobs`) up to
     * ABANDONED_CLAIM_MS ago; a claim whose member does not exist is removed, conditionally on
     * being the same claim (a concurrent takeover by a new sign-up is left alone).
     */
    async abandonedClaims(options = {}) {
      let removed = 0
      const walked = await walkForward(
        db,
        clock,
        {
          store: db,
          collection: COLLECTIONS.identityIndex,
          field: 'at',
          cursor: CLAIMS_CURSOR,
          until: new Date(clock.now() - ABANDONED_CLAIM_MS),
          pageSize: Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE),
          deadline: clock.now() + (options.budgetMs ?? Infinity),
        },
        async (docs) => {
          const claims = docs as ClaimDoc[]
          const members = await docsById(db, COLLECTIONS.members, [
            ...new Set(claims.map((claim) => claim.memberId)),
          ])
          for (const claim of claims) {
            if (members.has(claim.memberId)) continue
            const { stats } = await db
              .collection(COLLECTIONS.identityIndex)
              .where({ _id: claim._id, memberId: claim.memberId })
              .remove()
            removed += stats.removed
          }
        },
      )
      return { removed, examined: walked.examined, complete: walked.complete }
    },
  }
}
