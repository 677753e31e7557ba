/**
 * Retention sweeps (7.1, L-6): one sweep per timed rule of `database/manifest.ts`, named by the
 * rule. Nothing here knows a period: each rule says how long after which indexed anchor field a
 * document goes, and what going means:
 * - `delete`: the documents, a page of ids at a time (an indexed range query on the anchor, then
 *   removal by `_id` with the condition repeated); with `unlessOwner`, only documents whose owner
 *   does not exist, found by a resumable forward walk (walk.ts) since the others stay;
 * - `shred`: the owner's data key in the key environment first (crypto-shredding: every copy of
 *   its fields becomes unreadable), then the document;
 * - `erase`: the member, through the erasure path (key, identity, claims, record; what is kept is
 *   unlinked).
 * Every round is one get() page (≤ SWEEP_PAGE); a sweep stops starting rounds when its time budget
 * is spent and the next timer tick continues where it stopped.
 */
import { manifest } from '../../database/manifest'
import { isTimed, type TimedRetention } from '../../database/retention'
import { chinaDate, durationMs } from '../../src/domain/dates'
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db, type Doc } from '../common/db'
import { keyDocId, type KeyKind } from '../common/keystore'
import { docsById, OWNER_COLLECTIONS } from './owners'
import { walkForward } from './walk'

/** Documents removed or examined per round: one get() page. */
export const SWEEP_PAGE = 1000

export interface SweepResult {
  removed: number
  /** False when the budget ran out before everything due was handled. */
  complete: boolean
  /** Documents looked at, for sweeps that leave some in place (`unlessOwner`). */
  examined?: number
}

export interface SweepOptions {
  /** Stop starting new rounds after this long. */
  budgetMs?: number
  pageSize?: number
}

/** A timed retention rule with the collection it belongs to. */
export interface RetentionSweep extends TimedRetention {
  collection: string
  env?: (typeof manifest.collections)[number]['env']
}

/** Every timed rule of the manifest, in manifest order. */
export const RETENTION_SWEEPS: readonly RetentionSweep[] = manifest.collections.flatMap((collection) =>
  (collection.retention?.rules ?? [])
    .filter(isTimed)
    .map((rule) => ({ ...rule, collection: collection.name, env: collection.env })),
)

export function retentionSweep(name: string): RetentionSweep | undefined {
  return RETENTION_SWEEPS.find((rule) => rule.sweep === name)
}

/** The period of a named sweep, in milliseconds. */
export function retentionMs(name: string): number {
  const rule = retentionSweep(name)
  if (!rule) throw new Error(`no retention sweep ${name} in the manifest`)
  return durationMs(rule.after)
}

export interface SweepDeps {
  db: Db
  /** The key environment's database, opened by the sweeps that shred. */
  keyDb: () => Db
  clock: Clock
  /** Erases a member through the erasure path, for `erase` rules (built on first use). */
  eraseMember: () => (memberId: string) => Promise<void>
}

export interface Sweeps {
  run(rule: RetentionSweep, options?: SweepOptions): Promise<SweepResult>
}

const KEY_KINDS = new Map(Object.entries(OWNER_COLLECTIONS).map(([kind, name]) => [name, kind as KeyKind]))

export function createSweeps(deps: SweepDeps): Sweeps {
  const { db, clock } = deps
  const _ = db.command

  /** The database a rule's collection is in: the key environment's for `env: 'keys'`. */
  const storeOf = (rule: RetentionSweep): Db => (rule.env === 'keys' ? deps.keyDb() : db)

  function cutoffOf(rule: RetentionSweep): Date | string {
    const at = clock.now() - durationMs(rule.after)
    return rule.anchorKind === 'chinaDay' ? chinaDate(at) : new Date(at)
  }

  /**
   * Hands each page of due documents to `handle` until none is left or the budget is spent; the
   * handler removes them, so the next page is the next due documents.
   */
  async function pages(
    rule: RetentionSweep,
    options: SweepOptions,
    handle: (docs: Doc[], due: Record<string, unknown>) => Promise<number>,
  ): Promise<SweepResult> {
    const started = clock.now()
    const pageSize = Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE)
    const due = { ...rule.where, [rule.anchor]: _.lt(cutoffOf(rule)) }
    let removed = 0
    while (clock.now() - started < (options.budgetMs ?? Infinity)) {
      const { data } = await storeOf(rule).collection(rule.collection).where(due).limit(pageSize).get()
      if (data.length === 0) return { removed, complete: true }
      removed += await handle(data, due)
      if (data.length < pageSize) return { removed, complete: true }
    }
    return { removed, complete: false }
  }

  /** Removes the documents still due among `docs`: one that changed meanwhile is kept. */
  async function removeDue(rule: RetentionSweep, docs: Doc[], due: Record<string, unknown>): Promise<number> {
    const { stats } = await storeOf(rule)
      .collection(rule.collection)
      .where({ ...due, _id: _.in(docs.map((doc) => doc._id)) })
      .remove()
    return stats.removed
  }

  /** Walks the documents due since the last run; removes those whose owner does not exist. */
  async function removeOrphans(
    rule: RetentionSweep & { unlessOwner: { field: string; collection: string } },
    options: SweepOptions,
  ): Promise<SweepResult> {
    const { field, collection } = rule.unlessOwner
    let removed = 0
    const walked = await walkForward(
      db,
      clock,
      {
        store: db,
        collection: rule.collection,
        field: rule.anchor,
        cursor: `sweep:${rule.sweep.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        until: cutoffOf(rule) as Date,
        pageSize: Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE),
        deadline: clock.now() + (options.budgetMs ?? Infinity),
      },
      async (docs) => {
        const owners = await docsById(db, collection, [...new Set(docs.map((doc) => String(doc[field])))])
        for (const doc of docs) {
          if (owners.has(String(doc[field]))) continue
          // Conditionally on the same owner: a concurrent takeover by a new one is left alone.
          const { stats } = await db
            .collection(rule.collection)
            .where({ _id: doc._id, [field]: doc[field] })
            .remove()
          removed += stats.removed
        }
      },
    )
    return { removed, examined: walked.examined, complete: walked.complete }
  }

  /**
   * Marks a member due for erasure with `expiredAt`, on the condition that it is still due: from
   * then on no write that would take it out of the rule (a guardian's consent) succeeds, so what
   * was due when read is what gets erased. A member that left the rule meanwhile is skipped; one
   * whose erasure died half-way is due, and claimed, again.
   */
  async function claimed(rule: RetentionSweep, id: string, due: Record<string, unknown>): Promise<boolean> {
    const expiredAt = new Date(clock.now())
    await db
      .collection(rule.collection)
      .where({ ...due, _id: id, expiredAt: _.exists(false) })
      .update({ data: { expiredAt } })
    const { data } = await db
      .collection(rule.collection)
      .where({ ...due, _id: id, expiredAt: _.exists(true) })
      .limit(1)
      .get()
    return data.length === 1
  }

  return {
    async run(rule, options = {}) {
      switch (rule.action) {
        case 'delete':
          return rule.unlessOwner
            ? removeOrphans({ ...rule, unlessOwner: rule.unlessOwner }, options)
            : pages(rule, options, (docs, due) => removeDue(rule, docs, due))
        case 'shred': {
          const kind = KEY_KINDS.get(rule.collection)
          if (!kind) throw new Error(`${rule.collection} holds no data keys to shred`)
          return pages(rule, options, async (docs, due) => {
            const keys = deps.keyDb().collection(COLLECTIONS.memberKeys)
            for (const doc of docs) await keys.doc(keyDocId({ kind, id: doc._id })).remove()
            return removeDue(rule, docs, due)
          })
        }
        case 'erase':
          return pages(rule, options, async (docs, due) => {
            const erase = deps.eraseMember()
            let erased = 0
            for (const doc of docs) {
              if (!(await claimed(rule, doc._id, due))) continue
              await erase(doc._id)
              erased++
            }
            return erased
          })
      }
    },
  }
}
