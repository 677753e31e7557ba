/**
 * The key migration (5.1, 7.2): moves wrapped data keys written before the key store — `keyId` +
 * `wrappedKey` on `identities` and `cards` documents of the main environment — into
 * `member_keys` of the key environment, then removes them from the main document.
 *
 * Until a document is moved, a backup of the main environment holds its ciphertexts and its
 * wrapped key together, which the master key opens even after the owner was deleted; once it is
 * moved, destroying the key document makes every such copy unreadable.
 *
 * The move copies the wrapped key as it is (no key is needed: it is already ciphertext under a
 * master key, possibly a retired one, which the rotation then handles). Per document:
 * 1. add the key document with the owner's fixed `_id` — when it exists already (a previous run
 *    stopped after this step), the store's copy is kept: both wrap the same data key;
 * 2. remove `keyId` + `wrappedKey` from the main document, conditionally on the same `keyId`.
 * Readers use the document's own key until step 2 and the store's from step 1 on, so a member
 * stays readable throughout. A run stops between documents when its budget is spent; the next
 * run finds what is left through the `key_id` index (moved documents drop out of it), so it is
 * resumable without a cursor and any number of runs, even parallel ones, are harmless.
 */
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, type Db, type Doc } from '../common/db'
import { keyDocument, wrappedKeyOf, type KeyKind } from '../common/keystore'

export const MIGRATION_PAGE_MAX = 1000

/** Main-environment collections whose documents carried their own wrapped key. */
const LEGACY_COLLECTIONS: Array<{ kind: KeyKind; name: string }> = [
  { kind: 'member', name: COLLECTIONS.identities },
  { kind: 'card', name: COLLECTIONS.cards },
]

export interface MigrationRun {
  /** Keys moved into the key store in this run. */
  moved: number
  /** Documents with a malformed key, left as they are (unreadable anyway). */
  failed: number
  failedIds: string[]
  /** True when no document with a movable key is left. */
  done: boolean
}

export interface KeyMigration {
  run(options?: { pageSize?: number; budgetMs?: number }): Promise<MigrationRun>
}

const FAILED_IDS_KEPT = 100

export function createKeyMigration(deps: { db: Db; keyDb: Db; clock: Clock }): KeyMigration {
  const { db, keyDb, clock } = deps
  const _ = db.command

  return {
    async run(options = {}) {
      const pageSize = Math.min(Math.max(1, options.pageSize ?? MIGRATION_PAGE_MAX), MIGRATION_PAGE_MAX)
      const budgetMs = options.budgetMs ?? Infinity
      const started = clock.now()
      const out: MigrationRun = { moved: 0, failed: 0, failedIds: [], done: true }
      const failed = new Set<string>()

      for (const { kind, name } of LEGACY_COLLECTIONS) {
        for (;;) {
          if (clock.now() - started >= budgetMs) return { ...out, done: false }
          // keyId is a non-empty string on every legacy document: an indexed range finds them all.
          const limit = Math.min(pageSize + failed.size, MIGRATION_PAGE_MAX)
          const { data } = await db
            .collection(name)
            .where({ keyId: _.gt('') })
            .limit(limit)
            .get()
          const pending = (data as Doc[]).filter((doc) => !failed.has(`${name}/${doc._id}`))
          if (pending.length === 0) break
          for (const doc of pending) {
            if (clock.now() - started >= budgetMs) return { ...out, done: false }
            const wrapped = wrappedKeyOf(doc)
            if (!wrapped) {
              failed.add(`${name}/${doc._id}`)
              out.failed++
              if (out.failedIds.length < FAILED_IDS_KEPT) out.failedIds.push(`${name}/${doc._id}`)
              continue
            }
            const owner = { kind, id: doc._id }
            await addUnique(keyDb, COLLECTIONS.memberKeys, keyDocument(owner, wrapped, new Date(clock.now())))
            const { stats } = await db
              .collection(name)
              .where({ _id: doc._id, keyId: wrapped.keyId })
              .update({ data: { keyId: _.remove(), wrappedKey: _.remove() } })
            out.moved += stats.updated
          }
          if (data.length < limit) break
        }
      }
      return out
    },
  }
}
