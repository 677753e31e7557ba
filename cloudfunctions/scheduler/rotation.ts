/**
 * Master-key rotation (5.3): re-wraps every data key of the key store under the current master
 * key.
 *
 * The encrypted fields never change: only `keyId` + `wrappedKey` of each `member_keys`
 * document (key environment) are replaced. The job is
 * - resumable: it walks the key documents still on a retired key in `_id` order, a page (≤ 1000)
 *   at a time, and records the last `_id` done in `jobs/key-rotation:<current key id>` (main
 *   environment), so a restart (timeout, crash, next timer tick) continues after it;
 * - idempotent per key: the write is conditional on the old `keyId`, so a key re-wrapped twice,
 *   destroyed meanwhile (a deletion) or rotated by a parallel run is left alone;
 * - verified: before writing, the new wrapped key is unwrapped again and one encrypted field of
 *   its owner (the member's identity, or the card) is decrypted with it; a key that fails is
 *   counted, listed (owner ids only) and skipped — never written.
 *
 * Keys still on a document written before the key store are not rotated here: the key migration
 * (migration.ts, the job before this one) moves them into the store first, and `remaining()`
 * counts them, so a retired master key is never dropped while one of them still needs it.
 *
 * Each verifying decryption is a read of the owner's data by the system, audited as one entry per
 * key (`system:key-rotation`, L-14), a page's entries in one write; an unbound card is named
 * `card:<card id>` in them. These entries are not counted per day: the rotation reads for the
 * system's own upkeep, and a count per member would double the rotation's writes.
 *
 * After the members' and cards' keys, the same run re-wraps the key environment's other wrapped
 * secrets: devices' signing secrets (`device_keys`) and the car parks' day keys (`parking_keys`),
 * each verified by unwrapping it again under the new key and written on the old `keyId` only. They
 * are few (a device per till or gate, a key per car park and day for 32 days), read in pages by
 * `_id` within one run; nothing of a person is decrypted, so nothing is audited.
 *
 * It needs the keys only where the functions have them: the current master key and the old ones
 * in `PI_RETIRED_MASTER_KEYS`.
 */
import { systemActor, type AuditLog, type AuditRecorder } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { ownerOf, wrappedKeyOf, type KeyDoc } from '../common/keystore'
import { dayKeyOwner } from '../common/parking/dayKeys'
import type { Sealed, Vault, WrappedKey } from '../common/vault'
import type { FieldKey } from '../../src/domain/identity/inventory'
import { JOBS_COLLECTION } from './jobs'
import { keyOwners, OWNER_COLLECTIONS } from './owners'

export const ROTATION_PAGE_MAX = 1000
/** Who the audit log names for the rotation's decryptions. */
export const ROTATION_ACTOR = systemActor('key-rotation')
/** Failed owner ids kept in the progress document (the count is always complete). */
const FAILED_IDS_KEPT = 100

export interface RotationProgress {
  _id: string
  job: 'key-rotation'
  targetKeyId: string
  /** `_id` of the last key document handled; the next page starts after it. */
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
  /** True when no key document on a retired key is left after the cursor. */
  done: boolean
}

export interface RotationOptions {
  /** Key documents per page, at most 1000 (the SDK's maximum per get()). */
  pageSize?: number
  /** Stop starting new pages after this long (a function has a time limit). */
  budgetMs?: number
  /** Stop after this many pages (tests use it to interrupt a run). */
  maxPages?: number
}

export interface KeyRotation {
  run(options?: RotationOptions): Promise<RotationRun>
  /**
   * Data keys still wrapped under a retired key (indexed counts): in the key store, plus those
   * still on main-environment documents written before it (until the key migration moved them).
   */
  remaining(): Promise<number>
}

interface OwnerDoc extends Doc {
  fields?: Record<string, Sealed>
}

/**
 * The key environment's other wrapped secrets: how each is re-wrapped under the current master
 * key and verified (the re-wrap unwraps again, or throws).
 */
const SIDE_KEYS: {
  collection: string
  rewrap: (vault: Vault, doc: Doc, wrapped: WrappedKey) => WrappedKey
}[] = [
  {
    collection: COLLECTIONS.deviceKeys,
    rewrap(vault, doc, wrapped) {
      const next = vault.wrapDeviceSecret(doc._id, vault.openDeviceSecret(doc._id, wrapped))
      vault.openDeviceSecret(doc._id, next)
      return next
    },
  },
  {
    collection: COLLECTIONS.parkingKeys,
    rewrap(vault, doc, wrapped) {
      const owner = dayKeyOwner(String(doc.carParkId), String(doc.day))
      const next = vault.rewrapMemberKey(owner, wrapped)
      vault.openMemberKey(owner, next)
      return next
    },
  },
]

export function createKeyRotation(deps: {
  /** The main environment: owners' encrypted fields, legacy keys, the progress document. */
  db: Db
  /** The key environment: `member_keys`. */
  keyDb: Db
  vault: Vault
  clock: Clock
  /** Where the verifying decryptions are audited. */
  audit: AuditLog
  retiredKeyIds: string[]
}): KeyRotation {
  const { db, keyDb, vault, clock } = deps
  const _ = db.command
  const target = vault.currentKeyId
  const retired = deps.retiredKeyIds.filter((id) => id !== target)
  const progressId = `key-rotation:${target}`
  const keys = () => keyDb.collection(COLLECTIONS.memberKeys)

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
  async function rotateOne(
    doc: KeyDoc,
    owner: OwnerDoc | undefined,
    entries: AuditRecorder,
  ): Promise<'rewrapped' | 'skipped' | 'failed'> {
    const { kind, id: subject } = ownerOf(doc)
    const [field, sealed] = Object.entries(owner?.fields ?? {})[0] ?? []
    const decrypted = (success: boolean) =>
      field
        ? entries.record({
            actor: ROTATION_ACTOR,
            action: 'read',
            purpose: 'membership',
            memberId: kind === 'card' ? `card:${subject}` : subject,
            fields: [field as FieldKey],
            success,
          })
        : Promise.resolve()
    let next: WrappedKey
    try {
      next = vault.rewrapMemberKey(subject, { keyId: doc.keyId, wrappedKey: doc.wrappedKey })
      const cipher = vault.openMemberKey(subject, next)
      if (field && sealed) cipher.decrypt(field, sealed)
    } catch {
      await decrypted(false)
      return 'failed'
    }
    await decrypted(true)
    const { stats } = await keys()
      .where({ _id: doc._id, keyId: doc.keyId })
      .update({ data: { keyId: next.keyId, wrappedKey: next.wrappedKey, updatedAt: new Date(clock.now()) } })
    return stats.updated === 1 ? 'rewrapped' : 'skipped'
  }

  async function inStore(): Promise<number> {
    if (retired.length === 0) return 0
    return (
      await keys()
        .where({ keyId: _.in(retired) })
        .count()
    ).total
  }

  /** The side secrets still on a retired key. */
  async function sideRemaining(): Promise<number> {
    if (retired.length === 0) return 0
    let total = 0
    for (const side of SIDE_KEYS)
      total += (
        await keyDb
          .collection(side.collection)
          .where({ keyId: _.in(retired) })
          .count()
      ).total
    return total
  }

  /**
   * Re-wraps the side secrets on a retired key, a page at a time by `_id` within this run (a
   * failed one stays behind without stopping the rest). `done`: none left but the failures.
   */
  async function rotateSide(pageSize: number, withinBudget: () => boolean) {
    const run = { rewrapped: 0, skipped: 0, failed: 0, failedIds: [] as string[], done: true }
    for (const side of SIDE_KEYS) {
      let after = ''
      for (;;) {
        if (!withinBudget()) return { ...run, done: false }
        const where: Record<string, unknown> = { keyId: _.in(retired) }
        if (after !== '') where._id = _.gt(after)
        const { data } = await keyDb
          .collection(side.collection)
          .where(where)
          .orderBy('_id', 'asc')
          .limit(pageSize)
          .get()
        for (const doc of data as Doc[]) {
          after = doc._id
          const wrapped = wrappedKeyOf(doc)
          let next: WrappedKey
          try {
            if (!wrapped) throw new Error('no wrapped key')
            next = side.rewrap(vault, doc, wrapped)
          } catch {
            run.failed++
            if (run.failedIds.length < FAILED_IDS_KEPT) run.failedIds.push(`${side.collection}/${doc._id}`)
            continue
          }
          const { stats } = await keyDb
            .collection(side.collection)
            .where({ _id: doc._id, keyId: wrapped.keyId })
            .update({ data: { keyId: next.keyId, wrappedKey: next.wrappedKey } })
          run[stats.updated === 1 ? 'rewrapped' : 'skipped']++
        }
        if (data.length < pageSize) break
      }
    }
    return run
  }

  async function remaining(): Promise<number> {
    if (retired.length === 0) return 0
    let total = (await inStore()) + (await sideRemaining())
    for (const name of Object.values(OWNER_COLLECTIONS)) {
      total += (
        await db
          .collection(name)
          .where({ keyId: _.in(retired) })
          .count()
      ).total
    }
    return total
  }

  return {
    remaining,

    async run(options = {}) {
      const pageSize = Math.min(Math.max(1, options.pageSize ?? ROTATION_PAGE_MAX), ROTATION_PAGE_MAX)
      const started = clock.now()
      const budgetMs = options.budgetMs ?? Infinity
      const maxPages = options.maxPages ?? Infinity
      const progress = await loadProgress()
      // A finished pass can miss keys wrapped under the old key afterwards (a function instance
      // that had not yet picked up the new key, a key the migration moved since): when more keys
      // than the known failures are still on a retired key, start a new pass from the beginning.
      if (progress.done && (await inStore()) > progress.failed) {
        Object.assign(progress, { cursor: '', done: false, failed: 0, failedIds: [] })
        delete progress.finishedAt
      }
      const run = { rewrapped: 0, skipped: 0, failed: 0 }
      let done = progress.done || retired.length === 0
      let pages = 0

      while (!done && pages < maxPages && clock.now() - started < budgetMs) {
        const where: Record<string, unknown> = { keyId: _.in(retired) }
        if (progress.cursor !== '') where._id = _.gt(progress.cursor)
        const { data } = await keys().where(where).orderBy('_id', 'asc').limit(pageSize).get()
        const page = data as KeyDoc[]
        pages++
        const owners = await keyOwners(db, page)
        const entries = deps.audit.batch()
        let handled = 0
        for (const doc of page) {
          // A page can take longer than the budget: stop between keys, the cursor says where.
          if (clock.now() - started >= budgetMs) break
          handled++
          const owner = ownerOf(doc)
          const outcome = await rotateOne(doc, owners.get(`${owner.kind}:${owner.id}`), entries)
          run[outcome]++
          progress[outcome]++
          if (outcome === 'failed' && progress.failedIds.length < FAILED_IDS_KEPT)
            progress.failedIds.push(doc._id)
          progress.cursor = doc._id
        }
        await entries.flush({ counted: false })
        done = handled === page.length && page.length < pageSize
        progress.done = done
        progress.updatedAt = new Date(clock.now())
        if (done) progress.finishedAt = progress.updatedAt
        await saveProgress(progress)
      }

      if (done && retired.length > 0) {
        const side = await rotateSide(pageSize, () => pages < maxPages && clock.now() - started < budgetMs)
        run.rewrapped += side.rewrapped
        run.skipped += side.skipped
        run.failed += side.failed
        done = side.done
        if (side.failed > 0) {
          progress.failedIds = [...progress.failedIds, ...side.failedIds].slice(0, FAILED_IDS_KEPT)
          await saveProgress(progress)
        }
      }

      const { _id: _ignored, job: _job, ...totals } = progress
      return { targetKeyId: target, retiredKeyIds: retired, ...run, progress: totals, done }
    },
  }
}
