/**
 * Deletion (7.2, L-6, L-9, L-10), shared by the member's own actions and WeChat's
 * authorisation events:
 *
 * - plates: the encrypted plates and their uniqueness claims go (unbinding, parking withdrawn,
 *   RevokeInfo 1), and with them the member's 商圈 parking syncs (wxpay/parkings.ts), which
 *   also go alone when the businessCircleParking consent is withdrawn;
 * - phone: the encrypted phone, its blind index and claim go (RevokeInfo 8);
 * - the whole member: the member's data key is destroyed in the key store first (crypto-shredding:
 *   from that moment no backup or export of the main environment can be decrypted for the
 *   member), then the identity document and the audit log's per-day counts of the member are
 *   removed, every claim is released, the member code goes, the member record is removed, pending receipt
 *   claims and their photos go, campaign claims lose their
 *   answers, and what must be kept as evidence is unlinked: consent receipts, campaign claims and points-ledger
 *   entries are re-keyed to one fresh random id, and so are the ledger entries of the member's
 *   card (its history and the transfer to the member, under new `_id`s); the card document
 *   becomes a tombstone that only says "cancelled" (whatever key or copy of identifiers a binding
 *   that died half-way left on it goes too).
 *
 * Each step is idempotent and the WeChat identity claim is released last, so a deletion that
 * dies half-way can simply be run again by the same shopper or event.
 */
import { randomBytes } from 'node:crypto'

import type { Channel } from '../../src/domain/consent/model'
import { cardTransferIds } from '../../src/domain/points/model'
import type { AuditLog } from './audit'
import type { Clock } from './clock'
import type { ConsentRecorder } from './consents/recorder'
import { ERASED_ACTOR } from './chain'
import { between, COLLECTIONS, getDoc, inTransaction, type Db } from './db'
import type { FileStore } from './files'
import type { IdentityStore } from './identity'
import { cardKey, type KeyStore } from './keystore'
import { removeSmsRecords } from './quota'
import { WXPAY_COLLECTIONS } from './wxpay/collections'

export interface Erasure {
  deletePlates(memberId: string, actor: string): Promise<void>
  dropParkingSyncs(memberId: string): Promise<void>
  deletePhone(memberId: string, actor: string): Promise<void>
  deleteIdNumber(memberId: string, actor: string): Promise<void>
  eraseMember(memberId: string, actor: string, channel: Channel): Promise<void>
}

/** Collections whose entries are kept after deletion, unlinked from the member (L-10). */
export const ANONYMISED_ON_ERASURE = [
  COLLECTIONS.consentReceipts,
  COLLECTIONS.pointsLedger,
  COLLECTIONS.campaignClaims,
  COLLECTIONS.receiptClaims,
] as const

/** A member has at most this many pending receipt claims (RECEIPT_PENDING_MAX), a few more are read. */
const PENDING_CLAIMS_MAX = 100

const textOf = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

/** A member holds one card; a few more are read in case an old binding left more. */
const CARDS_PER_MEMBER_MAX = 10

/** Ledger entries of a card read per page while they are re-keyed (one transaction each). */
const LEDGER_MOVE_BATCH = 100

export function createErasure(deps: {
  db: Db
  clock: Clock
  audit: AuditLog
  identities: IdentityStore
  keys: KeyStore
  consents: ConsentRecorder
  /** Cloud storage: the photos of pending receipt claims. */
  files: FileStore
}): Erasure {
  const { db, clock, identities, keys, consents } = deps
  const _ = db.command
  const claims = () => db.collection(COLLECTIONS.identityIndex)
  const ledger = () => db.collection(COLLECTIONS.pointsLedger)

  /**
   * Re-keys one ledger entry that names a card to the anonymous id: the entry keeps its amount,
   * reason and time for the accounts, under a fresh random `_id` (an `_id` cannot change, and the
   * old one may name the card). Copy and removal are one transaction: a deletion that dies
   * half-way leaves each entry either moved or untouched, never twice.
   */
  async function moveLedgerEntry(id: string, anonymousId: string, at: Date): Promise<void> {
    await inTransaction(db, async (tx) => {
      const entries = tx.collection(COLLECTIONS.pointsLedger)
      const entry = (await entries.doc(id).get()).data
      if (!entry) return
      const { _id: _old, cardId: _card, ...kept } = entry
      await entries.add({
        data: { ...kept, _id: randomBytes(16).toString('hex'), memberId: anonymousId, anonymisedAt: at },
      })
      await entries.doc(id).remove()
    })
  }

  /**
   * The member's card keeps nothing that leads to the person (3.8): whoever holds the physical
   * card can find its document (its `_id` is the card number's blind index), so its ledger
   * entries move to the anonymous id and the document becomes a bare tombstone — no member, no
   * times, no store, no points — that still refuses to bind the card again (CARD_CANCELLED).
   * The card is found by its `memberId` until the tombstone, the last step, replaces it.
   */
  async function unlinkCards(memberId: string, anonymousId: string, at: Date): Promise<void> {
    const { data: cards } = await db
      .collection(COLLECTIONS.cards)
      .where({ memberId })
      .limit(CARDS_PER_MEMBER_MAX)
      .get()
    for (const card of cards) {
      const transfer = cardTransferIds(card._id)
      const { data: named } = await ledger()
        .where({ _id: _.in([transfer.out, transfer.in]) })
        .get()
      for (const entry of named) await moveLedgerEntry(entry._id, anonymousId, at)
      // The card's own history (before binding): moved entries drop out of the query.
      for (;;) {
        const { data: page } = await ledger().where({ cardId: card._id }).limit(LEDGER_MOVE_BATCH).get()
        for (const entry of page) await moveLedgerEntry(entry._id, anonymousId, at)
        if (page.length < LEDGER_MOVE_BATCH) break
      }
      // A bound card's key went at binding; one a binding left behind goes now, before its copy.
      await keys.destroy(cardKey(card._id))
      await db
        .collection(COLLECTIONS.cards)
        .doc(card._id)
        .set({ data: { status: 'cancelled' } })
    }
  }

  async function removeField(memberId: string, actor: string, field: 'plates' | 'phone' | 'idNumber') {
    const purpose = field === 'plates' ? 'parking' : field === 'idNumber' ? 'idNumber' : 'membership'
    await identities.modify(memberId, [field], { purpose, actor }, (current) => ({
      ok: true,
      data: { remove: current[field] === undefined ? [] : [field], value: null },
    }))
  }

  // Sent ones too: their session id still ties the member to a car park's times.
  const dropParkingSyncs = async (memberId: string) => {
    await db.collection(WXPAY_COLLECTIONS.sync).where({ memberId, kind: 'parking' }).remove()
  }

  return {
    async deletePlates(memberId, actor) {
      await removeField(memberId, actor, 'plates')
      await claims().where({ memberId, kind: 'plate' }).remove()
      await dropParkingSyncs(memberId)
    },

    dropParkingSyncs,

    async deletePhone(memberId, actor) {
      await removeField(memberId, actor, 'phone')
      await claims().where({ memberId, kind: 'phone' }).remove()
    },

    async deleteIdNumber(memberId, actor) {
      await removeField(memberId, actor, 'idNumber')
    },

    async eraseMember(memberId, actor, channel) {
      const at = new Date(clock.now())
      const anonymousId = `anon-${randomBytes(16).toString('hex')}`
      // The end of the basic consent is itself evidence worth keeping (anonymised below).
      await consents.receipt({ memberId, purpose: 'membership', granted: false, channel, at })
      // Campaign claims keep only what the stock and the counts need: the answers go (their key
      // goes with the member's below), then the claims are unlinked with the rest.
      await db
        .collection(COLLECTIONS.campaignClaims)
        .where({ memberId })
        .update({ data: { answers: _.remove(), fieldKeys: [] } })
      // Pending receipt claims go with their photos (the receipt number in them is sealed under the
      // member's key); decided ones hold no photo and are unlinked with the rest.
      const { data: pending } = await db
        .collection(COLLECTIONS.receiptClaims)
        .where({ memberId, status: 'pending' })
        .limit(PENDING_CLAIMS_MAX)
        .get()
      await deps.files.remove(
        pending.map((claim) => claim.fileId).filter((id): id is string => typeof id === 'string'),
      )
      await db.collection(COLLECTIONS.receiptClaims).where({ memberId, status: 'pending' }).remove()
      // The member's own writes to the ledger name them by their WeChat actor (a keyed hash of
      // the OPENID, the same after a new sign-up): erased, as in the audit log.
      await ledger()
        .where({ memberId, actor: between(_.gte('wx:'), _.lt('wx;')) })
        .update({ data: { actor: ERASED_ACTOR } })
      for (const name of ANONYMISED_ON_ERASURE) {
        await db
          .collection(name)
          .where({ memberId })
          .update({ data: { memberId: anonymousId, anonymisedAt: at } })
      }
      // Parking payments are payment records: kept, unlinked (the payer too).
      await db
        .collection(COLLECTIONS.parkingPayments)
        .where({ memberId })
        .update({ data: { memberId: anonymousId, payer: anonymousId, anonymisedAt: at } })
      await unlinkCards(memberId, anonymousId, at)
      // SMS codes and counts of the member's phone and of their requests go now, not at their
      // sweep (7.2): found by the identity's blind indexes, so before the identity goes.
      const identity = await getDoc(db, COLLECTIONS.identities, memberId)
      await removeSmsRecords(db, {
        phoneIndex: textOf(identity?.phoneIndex),
        requester: textOf(identity?.openidIndex),
      })
      // The member code's secret (its key goes with the identity's below).
      await db.collection(COLLECTIONS.memberCodes).where({ memberId }).remove()
      // The 商圈 authorisation and the points syncs not sent yet (their OpenID is the member's).
      await db.collection(WXPAY_COLLECTIONS.mallAuth).where({ memberId }).remove()
      await db.collection(WXPAY_COLLECTIONS.sync).where({ memberId }).remove()
      await db.collection(COLLECTIONS.tierChanges).where({ memberId }).remove()
      await identities.destroy(memberId, { purpose: 'membership', actor })
      // The audit entries stay, re-keyed to the same anonymous id in a form the chains verify.
      await deps.audit.redactMember(memberId, anonymousId)
      // The per-day counts exist for the member's data copy only; the entries themselves stay.
      await db.collection(COLLECTIONS.auditDays).where({ memberId }).remove()
      await db.collection(COLLECTIONS.members).doc(memberId).remove()
      // Claims last, the WeChat identity's among them: until then a retry finds this member.
      await claims()
        .where({ memberId, kind: _.neq('openid') })
        .remove()
      await claims().where({ memberId }).remove()
    },
  }
}
