/**
 * Batched look-ups the scheduler's jobs share: which documents of a page still exist, and the
 * owners (identity or card) of a page of key documents — one indexed `_id` query each.
 */
import { COLLECTIONS, type Db, type Doc } from '../common/db'
import { ownerOf, type KeyDoc, type KeyKind } from '../common/keystore'

/** The most ids one look-up takes: one get() page. */
export const LOOKUP_MAX = 1000

/** Where each kind of key owner keeps its encrypted fields (main environment). */
export const OWNER_COLLECTIONS: Record<KeyKind, string> = {
  member: COLLECTIONS.identities,
  card: COLLECTIONS.cards,
}

/** The documents of `collection` among `ids` (at most LOOKUP_MAX), by id. */
export async function docsById(db: Db, collection: string, ids: string[]): Promise<Map<string, Doc>> {
  const found = new Map<string, Doc>()
  if (ids.length === 0) return found
  const { data } = await db
    .collection(collection)
    .where({ _id: db.command.in(ids) })
    .limit(LOOKUP_MAX)
    .get()
  for (const doc of data) found.set(doc._id, doc)
  return found
}

/** The owner documents of a page of key documents, by `<kind>:<owner id>`. */
export async function keyOwners(db: Db, page: KeyDoc[]): Promise<Map<string, Doc>> {
  const owners = new Map<string, Doc>()
  for (const kind of Object.keys(OWNER_COLLECTIONS) as KeyKind[]) {
    const ids = page
      .map(ownerOf)
      .filter((owner) => owner.kind === kind)
      .map((owner) => owner.id)
    for (const [id, doc] of await docsById(db, OWNER_COLLECTIONS[kind], ids)) owners.set(`${kind}:${id}`, doc)
  }
  return owners
}
