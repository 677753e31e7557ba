/**
 * Verification of the audit log (5.5, L-14): walks every chain (common/chain.ts) in order and
 * names the first entry that is broken (its MAC, its link to the entry before, or its chain's
 * head does not hold) or missing (a gap in a chain's numbers, a head beyond its last entry, a
 * chain number without a head). It is
 * - paged: chain heads in `_id` order, each chain's entries by the `chain_seq` index, at most
 *   1000 per get();
 * - resumable: the pass's cursor (chain, seq, last MAC) and findings are saved in
 *   `jobs/audit-verify` after every page, so the next run (timer tick) continues; a finished pass
 *   is kept as `last` and the next run starts a new one;
 * - aware of retention: entries removed by the 3-year sweep are not tampering. A gap before an
 *   entry whose predecessor was past the retention (`prevAt`), or a head beyond the last entry
 *   when the head itself is past it, is accepted.
 * Entries written before chaining (no `chain`) are not visited.
 */
import { AUDIT_RETENTION_MS } from '../common/audit'
import {
  chainId,
  chainNumber,
  entryId,
  entryIntact,
  headSig,
  type AuditSigner,
  type ChainHead,
  type RedactionDoc,
} from '../common/chain'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { JOBS_COLLECTION } from './jobs'

export const VERIFY_PAGE_MAX = 1000
const HEADS_PAGE = 100
/** Findings kept per pass (the count is always complete). */
const PROBLEMS_KEPT = 20
const REDACTIONS_CACHED = 50

export interface AuditProblem {
  kind: 'broken' | 'missing'
  /** The entry (`audit_log/<chain>:<seq>`) or head (`audit_chains/<chain>`) concerned. */
  where: string
  detail: string
}

interface Cursor {
  chain: string
  seq: number
  mac: string
  at: Date | null
  head: { seq: number; mac: string; at: Date | null }
}

export interface PassSummary {
  startedAt: Date
  finishedAt: Date
  checked: number
  chains: number
  problemCount: number
  problems: AuditProblem[]
}

export interface VerificationProgress {
  _id: string
  job: 'audit-verify'
  pass: number
  startedAt: Date
  /** Last chain finished in this pass ('' before the first). */
  lastChain: string
  /** The chain being walked, null between chains. */
  cursor: Cursor | null
  checked: number
  chains: number
  problemCount: number
  problems: AuditProblem[]
  updatedAt: Date
  /** The pass finished before this one. */
  last?: PassSummary
}

export interface VerificationRun {
  /** Entries checked in this run. */
  checked: number
  /** True when this run finished a pass (then `pass` is its summary). */
  done: boolean
  /** The first finding of the current pass, else of the last finished one; null when clean. */
  first: AuditProblem | null
  pass: Omit<PassSummary, 'finishedAt'> & { finishedAt?: Date }
}

export interface VerificationOptions {
  budgetMs?: number
  pageSize?: number
  /** Start a new pass, whatever the saved progress (`npm run audit:verify`). */
  fresh?: boolean
}

export interface AuditVerification {
  run(options?: VerificationOptions): Promise<VerificationRun>
}

const asDate = (value: unknown): Date | null => (value instanceof Date ? value : null)

export function createAuditVerification(deps: {
  db: Db
  signer: AuditSigner
  clock: Clock
  /** The progress document's id in `jobs`. */
  progressId?: string
}): AuditVerification {
  const { db, signer, clock } = deps
  const _ = db.command
  const progressId = deps.progressId ?? 'audit-verify'
  const redactions = new Map<string, RedactionDoc | null>()

  function freshPass(previous: VerificationProgress | null): VerificationProgress {
    const now = new Date(clock.now())
    return {
      _id: progressId,
      job: 'audit-verify',
      pass: (previous?.pass ?? 0) + 1,
      startedAt: now,
      lastChain: '',
      cursor: null,
      checked: 0,
      chains: 0,
      problemCount: 0,
      problems: [],
      updatedAt: now,
      ...(previous?.last ? { last: previous.last } : {}),
    }
  }

  async function save(progress: VerificationProgress): Promise<void> {
    const { _id, ...data } = progress
    progress.updatedAt = new Date(clock.now())
    await db
      .collection(JOBS_COLLECTION)
      .doc(_id)
      .set({ data: { ...data, updatedAt: progress.updatedAt } })
  }

  async function redaction(id: string): Promise<RedactionDoc | null> {
    if (!redactions.has(id)) {
      if (redactions.size >= REDACTIONS_CACHED) redactions.clear()
      redactions.set(id, (await getDoc(db, COLLECTIONS.auditRedactions, id)) as RedactionDoc | null)
    }
    return redactions.get(id) ?? null
  }

  return {
    async run(options = {}) {
      const pageSize = Math.min(Math.max(1, options.pageSize ?? VERIFY_PAGE_MAX), VERIFY_PAGE_MAX)
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const saved = (await getDoc(db, JOBS_COLLECTION, progressId)) as VerificationProgress | null
      const progress = !saved || options.fresh ? freshPass(saved) : saved
      // Anything older than this may have been removed by the retention sweep.
      const cutoff = clock.now() - AUDIT_RETENTION_MS
      const aged = (at: Date | null) => at !== null && at.getTime() < cutoff
      const found = (problem: AuditProblem) => {
        progress.problemCount++
        if (progress.problems.length < PROBLEMS_KEPT) progress.problems.push(problem)
      }
      let checked = 0
      let heads: ChainHead[] = []
      let done = false

      while (!done && clock.now() < deadline) {
        if (!progress.cursor) {
          if (heads.length === 0) {
            const { data } = await db
              .collection(COLLECTIONS.auditChains)
              .where({ _id: _.gt(progress.lastChain) })
              .orderBy('_id', 'asc')
              .limit(HEADS_PAGE)
              .get()
            heads = data as unknown as ChainHead[]
          }
          const head = heads.shift()
          if (!head) {
            done = true
            break
          }
          const expected = progress.lastChain === '' ? 1 : chainNumber(progress.lastChain) + 1
          if (chainNumber(head._id) !== expected)
            found({
              kind: 'missing',
              where: `audit_chains/${chainId(expected)}`,
              detail: `no chain numbered ${expected} to ${chainNumber(head._id) - 1}`,
            })
          const at = asDate(head.at)
          if (headSig(signer, { _id: head._id, seq: head.seq, mac: head.mac, at }) !== head.sig)
            found({
              kind: 'broken',
              where: `audit_chains/${head._id}`,
              detail: 'the head’s signature does not hold',
            })
          progress.cursor = {
            chain: head._id,
            seq: -1,
            mac: '',
            at: null,
            head: { seq: head.seq, mac: head.mac, at },
          }
        }
        const cursor = progress.cursor
        const { data } = await db
          .collection(COLLECTIONS.auditLog)
          .where({ chain: cursor.chain, seq: _.gt(cursor.seq) })
          .orderBy('seq', 'asc')
          .limit(pageSize)
          .get()
        for (const doc of data as Array<Doc & { seq: number; prev?: unknown; mac?: unknown }>) {
          const expected = cursor.seq + 1
          if (doc.seq !== expected) {
            if (!aged(asDate(doc.prevAt)))
              found({
                kind: 'missing',
                where: `audit_log/${entryId(cursor.chain, expected)}`,
                detail: `the chain goes on at ${doc._id}`,
              })
          } else if (doc.prev !== cursor.mac) {
            found({
              kind: 'broken',
              where: `audit_log/${doc._id}`,
              detail: 'does not follow the entry before',
            })
          }
          const record = typeof doc.redaction === 'string' ? await redaction(doc.redaction) : undefined
          if (!entryIntact(signer, doc, record))
            found({ kind: 'broken', where: `audit_log/${doc._id}`, detail: 'its MAC does not hold' })
          Object.assign(cursor, { seq: doc.seq, mac: String(doc.mac), at: asDate(doc.at) })
          checked++
          progress.checked++
        }
        if (data.length < pageSize) {
          const { head } = cursor
          if (head.seq > cursor.seq && !aged(head.at))
            found({
              kind: 'missing',
              where: `audit_log/${entryId(cursor.chain, cursor.seq + 1)}`,
              detail: `the chain’s head names entry ${head.seq}`,
            })
          else if (head.seq === cursor.seq && head.seq >= 0 && head.mac !== cursor.mac)
            found({
              kind: 'broken',
              where: `audit_chains/${cursor.chain}`,
              detail: 'the head names another entry',
            })
          progress.lastChain = cursor.chain
          progress.cursor = null
          progress.chains++
        }
        await save(progress)
      }

      const summary = {
        startedAt: progress.startedAt,
        checked: progress.checked,
        chains: progress.chains,
        problemCount: progress.problemCount,
        problems: progress.problems,
      }
      if (done) {
        const finished = { ...summary, finishedAt: new Date(clock.now()) }
        const next = freshPass({ ...progress, last: finished })
        await save(next)
        return { checked, done, first: finished.problems[0] ?? null, pass: finished }
      }
      return {
        checked,
        done,
        first: progress.problems[0] ?? progress.last?.problems[0] ?? null,
        pass: summary,
      }
    },
  }
}
