/**
 * Master-key rotation (5.3): re-wraps every member's data key under the current master key.
 *
 * The encrypted fields never change: only `keyId` + `wrappedKey` of each identity document are
 * replaced. The job is
 * - resumable: it walks the identities still on a retired key in `_id` order, a page (≤ 1000)
 *   at a time, and records the last `_id` done in `jobs/key-rotation:<current key id>`, so a
 *   restart (timeout, crash, next timer tick) continues after it;
 * - idempotent per member: the write is conditional on the old `keyId`, so a member re-wrapped
 *   twice, cancelled meanwhile or rotated by a parallel run is left alone;
 * - verified: before writing, the new wrapped key is unwrapped again and one encrypted field of
 *   the member is decrypted with it; a member that fails is counted, listed (ids only) and
 *   skipped — never written.
 *
 * It needs the keys only where the functions have them: the current master key and the old ones
 * in `PI_RETIRED_MASTER_KEYS`.
 */
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Sealed, Vault, WrappedKey } from '../common/vault'
import { JOBS_COLLECTION } from './jobs'

export const ROTATION_PAGE_MAX = 1000
/** Failed member ids kept in the progress document (the count is always complete). */
const FAILED_IDS_KEPT = 100

export interface RotationProgress {
  _id: string
  job: 'key-rotation'
  targetKeyId: string
  /** `_id` of the last identity handled; the next page starts after it. */
  cursor: string
  rewrapped: number
  skipped: number
  failed: number
  failedIds: string[]
  done: boolean
  startedAt: Date
  updatedAt: Date
  finishedAt?: Date
}

export interface RotationRun {
  targetKeyId: string
  retiredKeyIds: string[]
  /** Handled in this run. */
  rewrapped: number
  skipped: number
  failed: number
  /** Totals since the rotation to this key id started. */
  progress: Omit<RotationProgress, '_id' | 'job'>
  /** True when no identity on a retired key is left after the cursor. */
  done: boolean
}

export interface RotationOptions {
  /** Identities per page, at most 1000 (the SDK's maximum per get()). */
  pageSize?: number
  /** Stop starting new pages after this long (a function has a time limit). */
  budgetMs?: number
  /** Stop after this many pages (tests use it to interrupt a run). */
  maxPages?: number
}

export interface KeyRotation {
  run(options?: RotationOptions): Promise<RotationRun>
  /** Identities still wrapped under a retired key (indexed count). */
  remaining(): Promise<number>
}

interface IdentityKeyDoc extends Doc {
  keyId: string
  wrappedKey: Sealed
  fields?: Record<string, Sealed>
}

export function createKeyRotation(deps: {
  db: Db
  vault: Vault
  clock: Clock
  retiredKeyIds: string[]
}): KeyRotation {
  const { db, vault, clock } = deps
  const _ = db.command
  const target = vault.currentKeyId
  const retired = deps.retiredKeyIds.filter((id) => id !== target)
  const progressId = `key-rotation:${target}`
  const identities = () => db.collection(COLLECTIONS.identities)

  async function loadProgress(): Promise<RotationProgress> {
    const saved = (await getDoc(db, JOBS_COLLECTION, progressId)) as RotationProgress | null
    if (saved) return saved
    const now = new Date(clock.now())
    const fresh: RotationProgress = {
      _id: progressId,
      job: 'key-rotation',
      targetKeyId: target,
      cursor: '',
      rewrapped: 0,
      skipped: 0,
      failed: 0,
      failedIds: [],
      done: false,
      startedAt: now,
      updatedAt: now,
    }
    const { _id, ...data } = fresh
    await db.collection(JOBS_COLLECTION).doc(_id).set({ data })
    return fresh
  }

  async function saveProgress(progress: RotationProgress): Promise<void> {
    const { _id, ...data } = progress
    await db.collection(JOBS_COLLECTION).doc(_id).set({ data })
  }

  /** 'rewrapped' | 'skipped' (no longer on that key) | 'failed' (cannot be verified). */
  async function rotateOne(doc: IdentityKeyDoc): Promise<'rewrapped' | 'skipped' | 'failed'> {
    let next: WrappedKey
    try {
      next = vault.rewrapMemberKey(doc._id, { keyId: doc.keyId, wrappedKey: doc.wrappedKey })
      const cipher = vault.openMemberKey(doc._id, next)
      const [field, sealed] = Object.entries(doc.fields ?? {})[0] ?? []
      if (field && sealed) cipher.decrypt(field, sealed)
    } catch {
      return 'failed'
    }
    const { stats } = await identities()
      .where({ _id: doc._id, keyId: doc.keyId })
      .update({ data: { keyId: next.keyId, wrappedKey: next.wrappedKey, updatedAt: new Date(clock.now()) } })
    return stats.updated === 1 ? 'rewrapped' : 'skipped'
  }

  async function remaining(): Promise<number> {
    if (retired.length === 0) return 0
    return (
      await identities()
        .where({ keyId: _.in(retired) })
        .count()
    ).total
  }

  return {
    remaining,

    async run(options = {}) {
      const pageSize = Math.min(Math.max(1, options.pageSize ?? ROTATION_PAGE_MAX), ROTATION_PAGE_MAX)
      const started = clock.now()
      const budgetMs = options.budgetMs ?? Infinity
      const maxPages = options.maxPages ?? Infinity
      const progress = await loadProgress()
      // A finished pass can miss members wrapped under the old key afterwards (a function
      // instance that had not yet picked up the new key): when more identities than the known
      // failures are still on a retired key, start a new pass from the beginning.
      if (progress.done && (await remaining()) > progress.failed) {
        Object.assign(progress, { cursor: '', done: false, failed: 0, failedIds: [] })
        delete progress.finishedAt
      }
      const run = { rewrapped: 0, skipped: 0, failed: 0 }
      let done = progress.done || retired.length === 0
      let pages = 0

      while (!done && pages < maxPages && clock.now() - started < budgetMs) {
        const where: Record<string, unknown> = { keyId: _.in(retired) }
        if (progress.cursor !== '') where._id = _.gt(progress.cursor)
        const { data } = await identities().where(where).orderBy('_id', 'asc').limit(pageSize).get()
        pages++
        let handled = 0
        for (const doc of data as IdentityKeyDoc[]) {
          // A page can take longer than the budget: stop between members, the cursor says where.
          if (clock.now() - started >= budgetMs) break
          handled++
          const outcome = await rotateOne(doc)
          run[outcome]++
          progress[outcome]++
          if (outcome === 'failed' && progress.failedIds.length < FAILED_IDS_KEPT)
            progress.failedIds.push(doc._id)
          progress.cursor = doc._id
        }
        done = handled === data.length && data.length < pageSize
        progress.done = done
        progress.updatedAt = new Date(clock.now())
        if (done) progress.finishedAt = progress.updatedAt
        await saveProgress(progress)
      }

      const { _id: _ignored, job: _job, ...totals } = progress
      return { targetKeyId: target, retiredKeyIds: retired, ...run, progress: totals, done }
    },
  }
}
