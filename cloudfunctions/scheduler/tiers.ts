/**
 * The yearly tier review (6.6.1): on the review day of the rules in force (or the first daily run
 * after it), every member's tier is set from their 12-month qualifying spend, downgrades included.
 * Between reviews the ledger only ever raises a tier. A review that could not run or finish on its
 * day is caught up by the daily runs of the next REVIEW_CATCH_UP_DAYS, and never later (a late
 * downgrade months after the day would surprise members).
 *
 * Resumable in pages like the other sweeps: the cursor (`tiers:review:<year>` in `jobs`) is saved
 * after each page, and a change is one transaction per member that writes the tier and the change
 * record (`review:<year>:<member>`) together, so a run cut short and the next never change a member
 * twice. Once the year's pass is done, later runs that year do nothing.
 */
import type { Tier } from '../../src/domain/member/model'
import { chinaDate } from '../../src/domain/dates'
import { atReview, reviewDate, tierPolicyOf, type TierPolicy } from '../../src/domain/points/tiers'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, inTransaction, type Db, type Doc } from '../common/db'
import { qualifyingSpend, type BalanceFields } from '../common/points/ledger'
import { createRulesBook, type RulesBook } from '../common/points/rules'
import { tierChange } from '../common/points/tierChanges'
import { JOBS_COLLECTION } from './jobs'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'
import { pageAfterId } from './walk'

/** Days after a review day during which a review that did not run (or finish) still runs. */
export const REVIEW_CATCH_UP_DAYS = 31

export type TierReviewRun =
  | { due: false; reviewOn: string }
  | { due: true; year: number; reviewed: number; changed: number; complete: boolean }

export function createTierReview(deps: { db: Db; clock: Clock; rules?: RulesBook }) {
  const { db, clock } = deps
  const rules = deps.rules ?? createRulesBook(clock)

  /** Sets one member's tier from the spend; true when it changed (one transaction). */
  async function review(memberId: string, year: number, policy: TierPolicy, at: Date): Promise<boolean> {
    return inTransaction(db, async (tx) => {
      const member = (await tx.collection(COLLECTIONS.members).doc(memberId).get()).data as
        (Doc & BalanceFields & { tier?: Tier }) | null
      if (!member?.tier) return false
      const spendFen = qualifyingSpend(member, at.toISOString())
      const { tier, changed } = atReview(member.tier, spendFen, policy)
      if (!changed) return false
      await tx.collection(COLLECTIONS.members).doc(memberId).update({ data: { tier } })
      await tx.collection(COLLECTIONS.tierChanges).add({
        data: tierChange({
          id: `review:${year}:${memberId}`,
          memberId,
          from: member.tier,
          to: tier,
          reason: 'review',
          spendFen,
          at,
        }),
      })
      return true
    })
  }

  return {
    async run(options: SweepOptions = {}): Promise<TierReviewRun> {
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
      const at = new Date(clock.now())
      const today = chinaDate(at.getTime())
      const policy = tierPolicyOf((await rules.at(db, at.toISOString()))?.rules)
      const thisYear = Number(today.slice(0, 4))
      // The latest review day up to today: a review day's run that failed is caught up after it.
      const year = today >= reviewDate(thisYear, policy) ? thisYear : thisYear - 1
      const reviewOn = reviewDate(year, policy)
      const since = Date.parse(`${today}T00:00:00Z`) - Date.parse(`${reviewOn}T00:00:00Z`)
      if (since > REVIEW_CATCH_UP_DAYS * 86_400_000)
        return { due: false, reviewOn: reviewDate(thisYear, policy) }

      const progressId = `tiers:review:${year}`
      const saved = await getDoc(db, JOBS_COLLECTION, progressId)
      let last = typeof saved?.last === 'string' ? saved.last : ''
      let reviewed = typeof saved?.reviewed === 'number' ? saved.reviewed : 0
      let changed = typeof saved?.changed === 'number' ? saved.changed : 0
      if (saved?.done === true) return { due: true, year, reviewed: 0, changed: 0, complete: true }
      const save = (done: boolean) =>
        db
          .collection(JOBS_COLLECTION)
          .doc(progressId)
          .set({ data: { job: progressId, last, reviewed, changed, done, updatedAt: new Date(clock.now()) } })

      while (clock.now() < deadline) {
        const page = await pageAfterId(db, COLLECTIONS.members, last, pageSize)
        for (const member of page) if (await review(member._id, year, policy, at)) changed += 1
        reviewed += page.length
        if (page.length > 0) last = page[page.length - 1]._id
        const done = page.length < pageSize
        await save(done)
        if (done) return { due: true, year, reviewed, changed, complete: true }
      }
      return { due: true, year, reviewed, changed, complete: false }
    },
  }
}
