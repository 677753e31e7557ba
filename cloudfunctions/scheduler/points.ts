/**
 * The points jobs (6.4): expiry and reconciliation.
 *
 * - Expiry reads the members whose first lot has expired (index `lots_expire`, pages within the
 *   1000-record limit, each the range's first) and writes one expire entry per member for everything due: one
 *   transaction per member, on the member's lots, so a run cut short by the function's timeout
 *   and the next one never expire a point twice.
 * - Reconciliation proves, member by member, that the balance on the member document equals the
 *   sum of the member's entries and what the member's lots hold (less what is owed), that the
 *   lots hold, expiry by expiry, what the entries put in and drew, and that the entries' chain is
 *   whole up to the head on the member document: the ledger's invariant. A finding names the
 *   member's pseudonymous id, the three numbers and the first problem.
 */
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { auditSignerFromEnv, type AuditSigner } from '../common/chain'
import {
  ledgerMac,
  type BalanceFields,
  type Ledger,
  type LedgerEntry,
  type LedgerHead,
} from '../common/points/ledger'
import { JOBS_COLLECTION } from './jobs'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'
import { pageAfterId } from './walk'

/** Who the ledger names for expiries. */
export const EXPIRY_ACTOR = 'system:points-expiry'

export interface ExpiryRun {
  expired: number
  points: number
  examined: number
  complete: boolean
}

/** Members written off at once by a run. */
export const EXPIRY_CONCURRENCY = 8

/** Members a run passes over before it stops (each is a reconciliation finding to look at). */
const MAX_STAYED = SWEEP_PAGE

export function createPointsExpiry(deps: { db: Db; clock: Clock; ledger: Ledger }) {
  const { db, clock, ledger } = deps
  const _ = db.command
  return {
    async run(options: SweepOptions = {}): Promise<ExpiryRun> {
      const out = { expired: 0, points: 0, examined: 0 }
      const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      // A lot expires once its last millisecond is past.
      const due = new Date(clock.now() - 1)
      // Each member written leaves the range (its first expiry moves on), so every page is the
      // range's first one again: no cursor and no order. (A cursor on `_id` beside the expiry
      // would let local-cloud's planner walk every member by `_id`, and an ordered page of the
      // year-end range is sorted whole.) A run cut short by the timeout is picked up by the next
      // one; a member left in the range (nothing due after all) is passed over by id.
      const stayed: string[] = []
      while (clock.now() < deadline && stayed.length < MAX_STAYED) {
        const where: Record<string, unknown> = { lotsExpireAt: _.lte(due) }
        if (stayed.length > 0) where._id = _.nin(stayed)
        const { data } = await db.collection(COLLECTIONS.members).where(where).limit(pageSize).get()
        // Members apart are transactions apart: a few at once (on CloudBase each waits on the
        // network), each taken only while the run has time left.
        let next = 0
        const worker = async () => {
          while (next < data.length && clock.now() < deadline) {
            const member = data[next++]
            out.examined += 1
            const written = await ledger.expireDue(member._id, EXPIRY_ACTOR)
            if ('entry' in written && !written.repeated) {
              out.expired += 1
              out.points -= written.entry.delta
            } else stayed.push(member._id)
          }
        }
        await Promise.all(Array.from({ length: EXPIRY_CONCURRENCY }, worker))
        if (next < data.length) break
        if (data.length < pageSize) return { ...out, complete: true }
      }
      return { ...out, complete: false }
    },
  }
}

export interface Finding {
  memberId: string
  /** The balance on the member document. */
  balance: number
  /** Σ of the member's entries. */
  entries: number
  /** Σ of what the member's lots hold. */
  lots: number
  /** What disagrees besides the three sums: lots by expiry, or the entries' chain. */
  problem?: string
}

export interface ReconciliationRun {
  checked: number
  findings: Finding[]
  complete: boolean
}

/** Findings kept per run: the first ones are what an operator reads. */
const MAX_FINDINGS = 100

export function createPointsReconciliation(deps: {
  db: Db
  clock: Clock
  progressId?: string
  signer?: AuditSigner
}) {
  const { db, clock } = deps
  const progressId = deps.progressId ?? 'points:reconcile'
  const _ = db.command
  let signer = deps.signer
  const sign = () => (signer ??= auditSignerFromEnv())

  /**
   * The member's entries, page by page. The first page asks by member alone: a range on `_id`
   * beside it would let local-cloud's planner walk the ledger by `_id` instead of the member's
   * index — one pass over the whole ledger per member. Only a member with more entries than a
   * page continues after the last `_id` read.
   */
  async function entriesOf(memberId: string): Promise<LedgerEntry[]> {
    const out: LedgerEntry[] = []
    let last: string | undefined
    for (;;) {
      const { data } = await db
        .collection(COLLECTIONS.pointsLedger)
        .where(last === undefined ? { memberId } : { memberId, _id: _.gt(last) })
        .orderBy('_id', 'asc')
        .limit(SWEEP_PAGE)
        .get()
      out.push(...(data as LedgerEntry[]))
      if (data.length < SWEEP_PAGE) return out
      last = data[data.length - 1]._id
    }
  }

  /** The first break in the member's chain of entries, if any. */
  function chainProblem(entries: LedgerEntry[], head: LedgerHead | undefined): string | undefined {
    const chain = entries.filter((e) => typeof e.seq === 'number').sort((a, b) => a.seq - b.seq)
    let prev = ''
    for (const [i, entry] of chain.entries()) {
      if (entry.seq !== i + 1) return `entry ${i + 1} missing`
      if (ledgerMac(sign(), prev, entry) !== entry.mac) return `entry ${entry.seq} altered`
      prev = entry.mac
    }
    const last = chain[chain.length - 1]
    if ((head?.seq ?? 0) !== (last?.seq ?? 0) || (head?.mac ?? '') !== (last?.mac ?? ''))
      return `entries after ${last?.seq ?? 0} missing`
    return undefined
  }

  /** The finding for one member, or undefined when the member's points and entries agree. */
  async function check(member: Doc): Promise<Finding | undefined> {
    const fields = member as Doc & BalanceFields
    const balance = Number(fields.points ?? 0)
    const entries = await entriesOf(member._id)
    const sum = entries.reduce((total, entry) => total + Number(entry.delta ?? 0), 0)
    // What the entries put in and drew, expiry by expiry, against what the lots hold.
    const byExpiry = new Map<string, number>()
    const add = (expiresAt: string, points: number) =>
      byExpiry.set(expiresAt, (byExpiry.get(expiresAt) ?? 0) + points)
    for (const entry of entries) {
      if (entry.lot) add(entry.lot.expiresAt, entry.lot.points)
      for (const a of entry.allocations ?? []) add(a.expiresAt, -a.points)
      for (const a of entry.returned ?? []) add(a.expiresAt, a.points)
    }
    const held = new Map<string, number>()
    for (const t of fields.lots ?? []) held.set(t.expiresAt, (held.get(t.expiresAt) ?? 0) + t.points)
    const lots = [...held.values()].reduce((total, points) => total + points, 0)
    const finding = { memberId: member._id, balance, entries: sum, lots }
    // What is owed is a negative balance, and no lot holds points meanwhile.
    if (sum !== balance || lots !== Math.max(0, balance)) return finding
    for (const expiresAt of new Set([...byExpiry.keys(), ...held.keys()]))
      if ((byExpiry.get(expiresAt) ?? 0) !== (held.get(expiresAt) ?? 0))
        return { ...finding, problem: `lots expiring ${expiresAt} disagree` }
    const problem = chainProblem(entries, fields.ledgerHead)
    return problem ? { ...finding, problem } : undefined
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
