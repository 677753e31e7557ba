/**
 * Leftovers of writes that died half-way (L-6, 7.1). A sign-up writes the member's data key (key
 * environment), the identity, the membership receipt and, last, the member record; a function
 * stopped in between (a timeout, a lost instance) leaves encrypted personal information of
 * someone who never became a member, and its undo never ran. The abandoned-claim sweep frees the
 * phone; this sweep removes the rest:
 * - an identity older than ORPHAN_AFTER_MS without a member record: its data key first (every copy
 *   becomes unreadable), then the identity and the receipts of that member id;
 * - a key older than ORPHAN_AFTER_MS whose owner is gone: a member key without an identity, a card
 *   key without its card or of a card whose identifiers were already removed (bound).
 * Each collection is walked forward on `createdAt` (walk.ts): a document is looked at once, when
 * it is old enough; a page costs one read plus one read of its owners.
 */
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db, type Doc } from '../common/db'
import { keyDocId, memberKey, ownerOf, type KeyDoc, type KeyOwner } from '../common/keystore'
import { ABANDONED_CLAIM_MS } from '../common/members/registration'
import { docsById, keyOwners } from './owners'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'
import { walkForward } from './walk'

/** Older than any write still running: the same rule as for abandoned claims. */
export const ORPHAN_AFTER_MS = ABANDONED_CLAIM_MS

export interface OrphanRun {
  /** Identities (with their key and receipts) of members that never came to be. */
  identities: number
  /** Keys whose owner is gone. */
  keys: number
  examined: number
  complete: boolean
}

export interface OrphanSweep {
  run(options?: SweepOptions): Promise<OrphanRun>
}

export function createOrphanSweep(deps: { db: Db; keyDb: Db; clock: Clock }): OrphanSweep {
  const { db, keyDb, clock } = deps
  const destroyKey = (owner: KeyOwner) =>
    keyDb.collection(COLLECTIONS.memberKeys).doc(keyDocId(owner)).remove()

  return {
    async run(options = {}) {
      const walk = (store: Db, collection: string, cursor: string, handle: (docs: Doc[]) => Promise<void>) =>
        walkForward(
          db,
          clock,
          {
            store,
            collection,
            field: 'createdAt',
            cursor,
            until: new Date(clock.now() - ORPHAN_AFTER_MS),
            pageSize: Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE),
            deadline: clock.now() + (options.budgetMs ?? Infinity),
          },
          handle,
        )
      const out: OrphanRun = { identities: 0, keys: 0, examined: 0, complete: true }

      const identities = await walk(db, COLLECTIONS.identities, 'sweep:orphan-identities', async (docs) => {
        const members = await docsById(
          db,
          COLLECTIONS.members,
          docs.map((doc) => doc._id),
        )
        for (const doc of docs) {
          if (members.has(doc._id)) continue
          await destroyKey(memberKey(doc._id))
          await db.collection(COLLECTIONS.identities).doc(doc._id).remove()
          await db.collection(COLLECTIONS.consentReceipts).where({ memberId: doc._id }).remove()
          out.identities++
        }
      })
      out.examined += identities.examined
      if (!identities.complete) return { ...out, complete: false }

      const keyDocs = await walk(keyDb, COLLECTIONS.memberKeys, 'sweep:orphan-keys', async (docs) => {
        const owners = await keyOwners(db, docs as KeyDoc[])
        for (const doc of docs as KeyDoc[]) {
          const owner = ownerOf(doc)
          // Gone: no identity or card any more, or a card whose identifiers were removed (bound).
          if (owners.get(`${owner.kind}:${owner.id}`)?.fields !== undefined) continue
          await destroyKey(owner)
          out.keys++
        }
      })
      out.examined += keyDocs.examined
      return { ...out, complete: keyDocs.complete }
    },
  }
}
