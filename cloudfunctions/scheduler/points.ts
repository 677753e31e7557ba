/**
 * The points jobs (6.4): expiry and reconciliation.
 *
 * - Expiry walks `points_lots` forward on `expiresAt` (walk.ts: a resumable cursor in `jobs`, each
 *   lot looked at once, pages within the 1000-record limit) and writes an expire entry for every
 *   lot that still holds points: one transaction per lot, keyed by the lot, so a run cut short by
 *   the function's timeout and the next one never expire a lot twice.
 * - Reconciliation proves, member by member, that the balance on the member document equals the
 *   sum of the member's entries and what the member's lots hold (less what is owed): the ledger's
 *   invariant. A finding names the member's pseudonymous id and the three numbers.
 */
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Ledger, LotDoc } from '../common/points/ledger'
import { JOBS_COLLECTION } from './jobs'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'
import { pageAfterId, walkForward } from './walk'

/** Who the ledger names for expiries. */
export const EXPIRY_ACTOR = 'system:points-expiry'

export interface ExpiryRun {
  expired: number
  points: number
  examined: number
  complete: boolean
}

export function createPointsExpiry(deps: { db: Db; clock: Clock; ledger: Ledger }) {
  const { db, clock, ledger } = deps
  return {
    async run(options: SweepOptions = {}): Promise<ExpiryRun> {
      const out = { expired: 0, points: 0 }
      const walk = await walkForward(
        db,
        clock,
        {
          store: db,
          collection: COLLECTIONS.pointsLots,
          field: 'expiresAt',
          cursor: 'points:expiry',
          // A lot expires once its last millisecond is past.
          until: new Date(clock.now() - 1),
          pageSize: Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE),
          deadline: clock.now() + (options.budgetMs ?? Infinity),
        },
        async (docs) => {
          for (const lot of docs as LotDoc[]) {
            if (lot.remaining <= 0) continue
            const written = await ledger.expireLot(lot, EXPIRY_ACTOR)
            if ('entry' in written && !written.repeated) {
              out.expired += 1
              out.points -= written.entry.delta
            }
          }
        },
      )
      return { ...out, ...walk }
    },
  }
}

export interface Finding {
  memberId: string
  /** The balance on the member document. */
  balance: number
  /** Σ of the member's entries. */
  entries: number
  /** Σ of what the member's lots still hold. */
  lots: number
}

export interface ReconciliationRun {
  checked: number
  findings: Finding[]
  complete: boolean
}

/** Findings kept per run: the first ones are what an operator reads. */
const MAX_FINDINGS = 100

export function createPointsReconciliation(deps: { db: Db; clock: Clock; progressId?: string }) {
  const { db, clock } = deps
  const progressId = deps.progressId ?? 'points:reconcile'
  const _ = db.command

  /** Σ of `field` over the documents of `collection` whose memberId is `memberId`, page by page. */
  async function sum(collection: string, memberId: string, field: string): Promise<number> {
    let total = 0
    let last = ''
    for (;;) {
      const { data } = await db
        .collection(collection)
        .where({ memberId, _id: _.gt(last) })
        .orderBy('_id', 'asc')
        .limit(SWEEP_PAGE)
        .get()
      for (const doc of data) total += Number(doc[field] ?? 0)
      if (data.length < SWEEP_PAGE) return total
      last = data[data.length - 1]._id
    }
  }

  /** The finding for one member, or undefined when the three agree. */
  async function check(member: Doc): Promise<Finding | undefined> {
    const balance = Number(member.points ?? 0)
    const entries = await sum(COLLECTIONS.pointsLedger, member._id, 'delta')
    const lots = await sum(COLLECTIONS.pointsLots, member._id, 'remaining')
    // What is owed is a negative balance, and no lot holds points meanwhile.
    if (entries === balance && lots === Math.max(0, balance)) return undefined
    return { memberId: member._id, balance, entries, lots }
  }

  return {
    check,
    /** A pass over every member, resumable: the cursor is saved after each page. */
    async run(options: SweepOptions & { fresh?: boolean } = {}): Promise<ReconciliationRun> {
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
      const saved = options.fresh ? null : await getDoc(db, JOBS_COLLECTION, progressId)
      let last = typeof saved?.last === 'string' ? saved.last : ''
      let checked = typeof saved?.checked === 'number' ? saved.checked : 0
      const findings = Array.isArray(saved?.findings) ? (saved.findings as Finding[]) : []
      const save = (done: boolean) =>
        db
          .collection(JOBS_COLLECTION)
          .doc(progressId)
          .set({
            data: done
              ? {
                  job: progressId,
                  last: '',
                  checked: 0,
                  findings: [],
                  lastPass: { checked, findings },
                  updatedAt: new Date(clock.now()),
                }
              : { job: progressId, last, checked, findings, updatedAt: new Date(clock.now()) },
          })
      while (clock.now() < deadline) {
        const data = await pageAfterId(db, COLLECTIONS.members, last, pageSize)
        for (const member of data) {
          const finding = await check(member)
          if (finding && findings.length < MAX_FINDINGS) findings.push(finding)
        }
        checked += data.length
        if (data.length > 0) last = data[data.length - 1]._id
        if (data.length < pageSize) {
          await save(true)
          return { checked, findings, complete: true }
        }
        await save(false)
      }
      return { checked, findings, complete: false }
    },
  }
}
