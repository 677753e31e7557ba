/**
 * Binding a service-desk card (4.2.1.1 绑定会员卡, 4.2.2.1). Cards exist before any WeChat user:
 * `cards/<card-number blind index>` holds the card's name and phone encrypted under the card's
 * own data key (wrapped in the key store, `member_keys/card:<card id>`, key environment), its
 * phone's blind index, store, points and status.
 *
 * The shopper gives the card number and the phone on the card; an SMS code to that phone proves
 * they hold it. A card binds to one member (a claim `card:<index>` decides races) and a member
 * holds one card.
 * - Not yet a member: after accepting the notice (receipt) and declaring their age (a card has
 *   no birth date, L-5) the shopper becomes the member of that card — name and phone from the
 *   card, the card's store as service store.
 * - Already a member (joined online): the member keeps their own data; the card's number is
 *   added to their identity.
 * In both cases the card's points move to the member as two ledger entries (out of the card,
 * into the member; idempotency keys derived from the card) in one transaction with the member's
 * balance cache and the card's status; afterwards the card's data key is destroyed and its own
 * copy of name and phone removed (the member's identity, under the member's key, now holds what
 * is needed).
 */
import { randomBytes } from 'node:crypto'

import { allows } from '../../src/domain/consent/rules'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import type { Caller } from '../../src/domain/access'
import type { MemberContract } from '../../src/domain/contracts/member'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import type { Tier } from '../../src/domain/member/model'
import { cardTransferIds } from '../../src/domain/points/model'
import { wechatActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { channelOf } from '../common/consents/recorder'
import { COLLECTIONS, getDoc, inTransaction, isTransactionConflict, type Db, type Doc } from '../common/db'
import type { Erasure } from '../common/erasure'
import { errorSummary, fail, ok, type ErrorCode, type Result } from '../common/errors'
import type { Claims, IdentityStore } from '../common/identity'
import { cardKey, type KeyStore } from '../common/keystore'
import type { MemberDoc } from '../common/members/model'
import type { Registration } from '../common/members/registration'
import { storeOf } from '../common/members/repository'
import { HOME_FIELDS, toHome } from '../common/members/views'
import type { Notifier } from '../common/notify'
import { earnWithin } from '../common/points/ledger'
import { createDailyTries } from '../common/quota'
import type { Handlers } from '../common/router'
import type { ScopeGuard } from '../common/scope'
import type { SmsService } from '../common/sms'
import type { StoreDirectory } from '../common/stores'
import type { Sealed, Vault } from '../common/vault'

/**
 * A card document. A card whose member deleted the account is a tombstone, `{ _id, status:
 * 'cancelled' }` and nothing else (erasure.ts): `status` is read before any other field.
 */
export interface CardDoc extends Doc {
  /** Only on cards issued before the key store, until the key migration moved them. */
  keyId?: string
  wrappedKey?: Sealed
  fields?: { cardNo?: Sealed; name?: Sealed; phone?: Sealed }
  phoneIndex?: string
  storeId: string
  /** Cards imported from a file (staff/cardImport.ts): the tier the file gave. */
  tier?: Tier
  points: number
  status: 'issued' | 'bound' | 'cancelled'
  memberId?: string
  issuedAt: Date
  boundAt?: Date
}

interface CardRequest {
  cardNo: string
  phone: string
  card: CardDoc
}

/**
 * Wrong card numbers or phones a WeChat user may try per day (China date): without a limit,
 * `sendCardCode` would answer "is this the phone on card N?" for any guess.
 */
export const CARD_TRIES_PER_DAY = 10

const TIER_RANK: Record<Tier, number> = { normal: 0, vip: 1, vvip: 2 }

type CardActions = Pick<Handlers<MemberContract, MemberDoc>, 'sendCardCode' | 'bindCard'>

export interface CardDeps {
  db: Db
  stores: StoreDirectory
  vault: Vault
  clock: Clock
  sms: SmsService
  claims: Claims
  keys: KeyStore
  identities: IdentityStore
  registration: Registration
  erasure: Erasure
  notifier: Notifier
  guard: ScopeGuard
  audit: AuditLog
}

export function createCardActions(deps: CardDeps): CardActions {
  const { db, vault, sms, claims, clock, identities, keys } = deps
  const actorOf = (caller: Caller) => wechatActor(vault, caller.openid)

  const tries = createDailyTries(deps, {
    kind: 'cardtry',
    limit: CARD_TRIES_PER_DAY,
    refusal: 'CARD_TRIES_LIMIT',
  })

  /** Checks the card in the order the shopper can act on (the input is parsed already). */
  async function check(
    caller: Caller,
    input: { cardNo: string; phone: string },
    member: MemberDoc | null,
  ): Promise<Result<CardRequest>> {
    const { cardNo, phone } = input
    if (member?.cardId) return fail('MEMBER_HAS_CARD')
    // A member adds the card number under the basic purpose, at its current scope (6.1.2).
    if (member) {
      const admitted = await deps.guard.admit(member, 'membership', actorOf(caller), ['cardNo'])
      if (!admitted.ok) return admitted
    }

    const spent = await tries.spent(caller.openid)
    if (spent) return spent
    const card = (await getDoc(db, COLLECTIONS.cards, vault.blindIndex('card', cardNo))) as CardDoc | null
    // A wrong guess is answered only when it took one of the day's tries.
    if (!card) return (await tries.spend(caller.openid)) ?? fail('CARD_UNKNOWN', 'cardNo')
    if (card.status === 'cancelled') return fail('CARD_CANCELLED', 'cardNo')
    if (card.status === 'bound') return fail('CARD_ALREADY_BOUND', 'cardNo')
    if (card.phoneIndex !== vault.blindIndex('phone', phone))
      return (await tries.spend(caller.openid)) ?? fail('CARD_PHONE_MISMATCH', 'phone')
    return ok({ cardNo, phone, card })
  }

  /** Card → member: status, balance cache and two ledger entries, all in one transaction. */
  async function transfer(cardId: string, memberId: string, actor: string): Promise<Result<number>> {
    const at = new Date(clock.now())
    const outcome = await inTransaction(db, async (tx) => {
      const card = (await tx.collection(COLLECTIONS.cards).doc(cardId).get()).data as CardDoc | null
      const member = (await tx.collection(COLLECTIONS.members).doc(memberId).get()).data as MemberDoc | null
      if (!card || !member) return { error: 'CARD_UNKNOWN' as ErrorCode }
      if (card.status !== 'issued') return { error: 'CARD_ALREADY_BOUND' as ErrorCode }
      if (member.cardId !== undefined && member.cardId !== cardId)
        return { error: 'MEMBER_HAS_CARD' as ErrorCode }
      const points = card.points
      // An imported card's tier, when it is above the member's, comes with the card.
      const tier = card.tier && TIER_RANK[card.tier] > TIER_RANK[member.tier] ? { tier: card.tier } : {}
      await tx
        .collection(COLLECTIONS.cards)
        .doc(cardId)
        .update({ data: { status: 'bound', memberId, boundAt: at, points: 0 } })
      // The card's points are spendable at once (no return window) and expire like any lot. The
      // entry's source is random: nothing the member's ledger names may lead to the card (3.8).
      const earned =
        points > 0
          ? earnWithin(db, member as MemberDoc & Doc, {
              _id: cardTransferIds(cardId).in,
              delta: points,
              reason: 'card_transfer',
              source: { kind: 'card', ref: randomBytes(12).toString('hex') },
              actor,
              storeId: member.storeId,
              at,
              policy: DEFAULT_LOT_POLICY,
            })
          : undefined
      await tx
        .collection(COLLECTIONS.members)
        .doc(memberId)
        .update({ data: { cardId, ...(earned?.member ?? {}), ...tier } })
      if (earned) {
        await tx.collection(COLLECTIONS.pointsLedger).add({
          data: {
            _id: cardTransferIds(cardId).out,
            cardId,
            delta: -points,
            reason: 'card_transfer',
            note: '转入会员账户',
            at,
          },
        })
        await tx.collection(COLLECTIONS.pointsLedger).add({ data: earned.entry })
      }
      return { points }
    }).catch((error: unknown) => {
      // Another transaction held the member (or the card) through every run: another card is
      // being bound to this member at this very moment.
      if (isTransactionConflict(error)) return { error: 'MEMBER_HAS_CARD' as ErrorCode }
      throw error
    })
    return 'error' in outcome ? fail(outcome.error as ErrorCode, 'cardNo') : ok(outcome.points)
  }

  /**
   * The card's own copy of identifiers goes once the member holds them (5.1, L-6): its data key
   * first (every copy of the card's fields becomes unreadable), then the fields.
   */
  async function stripCard(cardId: string): Promise<void> {
    const _ = db.command
    await keys.destroy(cardKey(cardId))
    await db
      .collection(COLLECTIONS.cards)
      .doc(cardId)
      .update({
        data: { fields: _.remove(), keyId: _.remove(), wrappedKey: _.remove(), phoneIndex: _.remove() },
      })
  }

  /**
   * The card's name, which becomes the new member's: a read of the card's data, audited under the
   * member id it is read for (5.5, L-14). Not counted per day: the sign-up that follows creates
   * the member's first day, and a sign-up that fails leaves no member to count for.
   */
  async function cardValues(card: CardDoc, memberId: string, actor: string): Promise<{ name: string }> {
    const cipher = await keys.cipher(cardKey(card._id), card)
    if (!cipher) throw new Error('an issued card has no data key')
    const read = (success: boolean) =>
      deps.audit.record(
        { actor, action: 'read', purpose: 'membership', memberId, fields: ['name'], success },
        { counted: false },
      )
    try {
      const name = cipher.decrypt('name', card.fields?.name as Sealed)
      await read(true)
      return { name }
    } catch (error) {
      await read(false)
      throw error
    }
  }

  return {
    async sendCardCode(input, { caller, member }) {
      const checked = await check(caller, input, member)
      if (!checked.ok) return checked
      return sms.send({ purpose: 'bindCard', phone: checked.data.phone, openid: caller.openid })
    },

    async bindCard(input, { caller, member }) {
      // Becoming a member by the card needs the notice the shopper agreed to.
      if (!member && input.noticeVersion === undefined) return fail('CONSENT_REQUIRED', 'noticeVersion')
      if (!member && input.ageDeclared !== true) return fail('AGE_DECLARATION_REQUIRED', 'ageDeclared')
      const checked = await check(caller, input, member)
      if (!checked.ok) return checked
      const { cardNo, phone, card } = checked.data
      const actor = actorOf(caller)
      const verified = await sms.verify({
        purpose: 'bindCard',
        phone,
        openid: caller.openid,
        code: input.smsCode,
      })
      if (!verified.ok) return verified

      const memberId = member?._id ?? randomBytes(16).toString('hex')
      if (!(await claims.claim('card', cardNo, memberId))) return fail('CARD_ALREADY_BOUND', 'cardNo')
      let record = member
      if (!record) {
        const created = await deps.registration.create(
          {
            caller,
            name: (await cardValues(card, memberId, actor)).name,
            phone,
            storeId: card.storeId,
            noticeVersion: NOTICE_VERSION,
            ageDeclared: true,
            cardNo,
          },
          { memberId, cardId: card._id },
        )
        if (!created.ok) {
          await claims.release('card', cardNo, memberId)
          return created
        }
        record = created.data
      }
      // A binding that did not happen keeps no claim: a live member's claim is never swept.
      const undo = () =>
        member
          ? claims.release('card', cardNo, memberId)
          : deps.erasure.eraseMember(memberId, actor, channelOf(caller.source))
      const moved = await transfer(card._id, memberId, actor).catch(async (error: unknown) => {
        await undo()
        throw error
      })
      if (!moved.ok) {
        await undo()
        return moved
      }
      if (member)
        await identities.modify(memberId, [], { purpose: 'membership', actor }, () =>
          ok({ set: { cardNo }, value: null }),
        )
      await stripCard(card._id)

      const fresh = ((await getDoc(db, COLLECTIONS.members, memberId)) as MemberDoc | null) ?? record
      // The card's points are the member's now: a points reminder if the member asked for one.
      // A message that cannot go out (no allowance left) never fails the binding.
      if (moved.data !== 0 && allows(fresh, 'subscribePoints')) {
        await deps.notifier
          .send({
            memberId,
            topic: 'subscribePoints',
            values: {
              change: moved.data,
              balance: fresh.points,
              reason: '会员卡积分并入',
              time: new Date(clock.now()),
            },
            actor,
          })
          .catch((error: unknown) => console.error('[member] points reminder failed', errorSummary(error)))
      }
      const identity = await identities.read(memberId, HOME_FIELDS, { purpose: 'membership', actor })
      return ok({
        member: toHome(
          fresh,
          identity ?? {},
          await storeOf(deps, fresh.storeId),
          new Date(deps.clock.now()).toISOString(),
        ),
        pointsMoved: moved.data,
      })
    },
  }
}
