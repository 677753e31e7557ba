/**
 * Backfills of fields that later versions index (nothing to do once done):
 * - `memberNoTail`, the last four digits of the member number that the counter's lookup queries
 *   (`tail_store` index): members who joined before it existed have none, and the lookup would
 *   never find them.
 * The walk goes forward on `_id` with a cursor in `jobs`, a page at a time within the run's budget;
 * a finished walk is remembered, so later runs cost one read.
 */
import { memberNoTail } from '../../src/domain/staff/lookup'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import { JOBS_COLLECTION } from './jobs'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'
import { pageAfterId } from './walk'

const PROGRESS_ID = 'backfill:member-tail'

export interface BackfillRun {
  updated: number
  examined: number
  done: boolean
}

export function createMemberTailBackfill(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  return {
    async run(options: SweepOptions = {}): Promise<BackfillRun> {
      const saved = await getDoc(db, JOBS_COLLECTION, PROGRESS_ID)
      if (saved?.done === true) return { updated: 0, examined: 0, done: true }
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
      let last = typeof saved?.last === 'string' ? saved.last : ''
      const out = { updated: 0, examined: 0 }
      const save = (done: boolean) =>
        db
          .collection(JOBS_COLLECTION)
          .doc(PROGRESS_ID)
          // A finished walk keeps no member id (erasure must leave nothing that names a member).
          .set({ data: { job: PROGRESS_ID, last: done ? '' : last, done, updatedAt: new Date(clock.now()) } })
      while (clock.now() < deadline) {
        const data = await pageAfterId(db, COLLECTIONS.members, last, pageSize)
        for (const member of data) {
          out.examined += 1
          const memberNo = typeof member.memberNo === 'string' ? member.memberNo : ''
          if (memberNo === '' || typeof member.memberNoTail === 'string') continue
          await db
            .collection(COLLECTIONS.members)
            .doc(member._id)
            .update({ data: { memberNoTail: memberNoTail(memberNo) } })
          out.updated += 1
        }
        if (data.length > 0) last = data[data.length - 1]._id
        const done = data.length < pageSize
        await save(done)
        if (done) return { ...out, done: true }
      }
      return { ...out, done: false }
    },
  }
}
