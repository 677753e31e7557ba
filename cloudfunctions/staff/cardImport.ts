/**
 * Importing pre-issued service-desk cards (4.2.2.1, 5.1): the dry run and the import of one
 * batch of a CSV file's rows (src/domain/contracts/cardImport.ts). The file itself is never
 * stored: each row becomes a card document as the service desk issues one — name, phone and
 * card number encrypted under the card's own data key (key store, key environment), the phone's
 * blind index, store, tier, points — and its opening points a ledger entry of the card.
 *
 * Writes per batch, whatever its size (≤ IMPORT_BATCH_ROWS rows): one read of the batch's cards,
 * one of their key documents; one request adding the new keys, one the opening points, one the
 * cards; the audit entry. Order makes a batch resumable: keys, then points, then the card, whose
 * document is the row's commit — a batch cut short and sent again finds the key (reused) and the
 * ledger entry (its `_id` names the card), and counts a card that exists as this file describes
 * it (same store, phone and points) as imported already, never twice.
 */
import type { CardImportContract } from '../../src/domain/contracts/cardImport'
import { checkRows, rowProblem, type ImportCard, type RowProblem } from '../../src/domain/cardImport/model'
import type { StaffContract } from '../../src/domain/contracts/staff'
import { fail, ok } from '../../src/domain/errors'
import { cardOpeningId } from '../../src/domain/points/model'
import type { Caller } from '../../src/domain/access'
import { staffActor } from '../common/audit'
import { addUnique, COLLECTIONS, isDuplicateKeyError, type Db, type Doc } from '../common/db'
import { cardKey, keyDocId, keyDocument, wrappedKeyOf } from '../common/keystore'
import type { Handlers } from '../common/router'
import type { MemberCipher } from '../common/vault'
import type { CardDoc } from '../member/cards'
import type { StaffDeps } from './actions'

type CardImportActions = Pick<Handlers<StaffContract, { status: 'active' }>, keyof CardImportContract>

type Batch = Parameters<CardImportActions['importCards']>[0]

/** Adds `docs` in one request; when some exist already (a batch sent again), one by one. Answers the ids added. */
async function addAll(db: Db, collection: string, docs: Doc[]): Promise<Set<string>> {
  if (docs.length === 0) return new Set()
  try {
    await db.collection(collection).add({ data: docs })
    return new Set(docs.map((doc) => doc._id))
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error
  }
  const added = new Set<string>()
  for (const doc of docs) if (await addUnique(db, collection, doc)) added.add(doc._id)
  return added
}

/** The documents of `collection` among `ids` (≤ 1000: one page). */
async function byIds(db: Db, collection: string, ids: string[]): Promise<Map<string, Doc>> {
  if (ids.length === 0) return new Map()
  const { data } = await db
    .collection(collection)
    .where({ _id: db.command.in(ids) })
    .limit(ids.length)
    .get()
  return new Map(data.map((doc) => [doc._id, doc]))
}

export function createCardImportActions(deps: StaffDeps): CardImportActions {
  const { db, vault, clock, stores } = deps

  /**
   * The rows of a batch checked: the cards to write, those that exist as described already, and
   * every problem, in row order.
   */
  async function review(batch: Batch) {
    const { cards, problems } = checkRows(batch.rows)
    const ids = cards.map((card) => vault.blindIndex('card', card.cardNo))
    const existing = await byIds(db, COLLECTIONS.cards, ids)
    const fresh: Array<{ card: ImportCard; id: string }> = []
    let alreadyImported = 0
    cards.forEach((card, i) => {
      const id = ids[i]
      const found = existing.get(id) as CardDoc | undefined
      if (!found) fresh.push({ card, id })
      else if (
        found.status === 'issued' &&
        found.storeId === batch.storeId &&
        found.phoneIndex === vault.blindIndex('phone', card.phone) &&
        found.points === card.points
      )
        alreadyImported++
      else {
        const code =
          found.status === 'bound'
            ? 'CARD_ALREADY_BOUND'
            : found.status === 'cancelled'
              ? 'CARD_CANCELLED'
              : 'CARD_IMPORT_EXISTS'
        problems.push(rowProblem(card.row, card.cardNo, code))
      }
    })
    problems.sort((a, b) => a.row - b.row)
    return { fresh, alreadyImported, problems }
  }

  async function known(storeId: string): Promise<boolean> {
    return (await stores.byId(db, storeId)) !== null
  }

  /** Data keys of the cards: one a run cut short left behind, else a new one (added in one request). */
  async function keysFor(ids: string[], at: Date): Promise<Map<string, MemberCipher>> {
    const keyDb = deps.keyDb()
    const left = await byIds(
      keyDb,
      COLLECTIONS.memberKeys,
      ids.map((id) => keyDocId(cardKey(id))),
    )
    const ciphers = new Map<string, MemberCipher>()
    const created: Doc[] = []
    for (const id of ids) {
      const stored = left.get(keyDocId(cardKey(id)))
      const wrapped = wrappedKeyOf(stored)
      if (stored && wrapped && stored.kind === 'card' && stored.owner === id) {
        ciphers.set(id, vault.openMemberKey(id, wrapped))
        continue
      }
      const { cipher, ...fresh } = vault.createMemberKey(id)
      ciphers.set(id, cipher)
      created.push(keyDocument(cardKey(id), fresh, at))
    }
    const added = await addAll(keyDb, COLLECTIONS.memberKeys, created)
    // A key another run of the same batch added meanwhile: that run writes the card.
    for (const doc of created) if (!added.has(doc._id)) ciphers.delete(String(doc.owner))
    return ciphers
  }

  async function audit(caller: Caller, storeId: string, counts: Record<string, number>) {
    const staffId = caller.staff?.id ?? 'unknown'
    const summary = Object.entries(counts)
      .map(([key, value]) => `${key}=${value}`)
      .join(',')
    await deps.audit.record(
      {
        actor: staffActor(staffId),
        action: 'create',
        purpose: 'staffAdmin',
        memberId: `cardImport:${storeId}:${summary}`,
        fields: ['cardNo', 'name', 'phone'],
        success: true,
      },
      { counted: false },
    )
  }

  return {
    async dryRunCardImport(batch) {
      if (!(await known(batch.storeId))) return fail('STORE_UNKNOWN', 'storeId')
      const { fresh, alreadyImported, problems } = await review(batch)
      return ok({ rows: batch.rows.length, imported: fresh.length, alreadyImported, problems })
    },

    async importCards(batch, { caller }) {
      if (!(await known(batch.storeId))) return fail('STORE_UNKNOWN', 'storeId')
      const { fresh, alreadyImported, problems } = await review(batch)
      const at = new Date(clock.now())
      const ciphers = await keysFor(
        fresh.map((f) => f.id),
        at,
      )
      const writing = fresh.filter((f) => ciphers.has(f.id))
      await addAll(
        db,
        COLLECTIONS.pointsLedger,
        writing
          .filter(({ card }) => card.points > 0)
          .map(({ card, id }) => ({
            _id: cardOpeningId(id),
            cardId: id,
            delta: card.points,
            reason: 'card_opening',
            note: '期初积分',
            at,
          })),
      )
      const cards: CardDoc[] = writing.map(({ card, id }) => {
        const cipher = ciphers.get(id) as MemberCipher
        return {
          _id: id,
          fields: {
            cardNo: cipher.encrypt('cardNo', card.cardNo),
            name: cipher.encrypt('name', card.name),
            phone: cipher.encrypt('phone', card.phone),
          },
          phoneIndex: vault.blindIndex('phone', card.phone),
          storeId: batch.storeId,
          tier: card.tier,
          points: card.points,
          status: 'issued',
          issuedAt: at,
        }
      })
      const added = await addAll(db, COLLECTIONS.cards, cards)
      const result = {
        rows: batch.rows.length,
        imported: added.size,
        alreadyImported: alreadyImported + (fresh.length - added.size),
        problems: problems satisfies RowProblem[],
      }
      await audit(caller, batch.storeId, {
        rows: result.rows,
        imported: result.imported,
        alreadyImported: result.alreadyImported,
        rejected: problems.length,
      })
      return ok(result)
    },
  }
}
