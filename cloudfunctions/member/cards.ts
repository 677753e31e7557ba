/**
 * Binding a service-desk card (4.2.1.1 绑定会员卡, 4.2.2.1). Cards exist before any WeChat user:
 * `cards/<card-number blind index>` holds the card's name and phone encrypted under the card's
 * own data key (wrapped in the key store, `member_keys/card:<card id>`, key environment), its
 * phone's blind index, store, points and status.
 *
 * The shopper gives the card number and the phone on the card; an SMS code to that phone proves
 * they hold it. A card binds to one member (a claim `card:<index>` decides races) and a member
 * holds one card.
 * - Not yet a member: after accepting the notice (receipt) the shopper becomes the member of
 *   that card — name and phone from the card, the card's store as service store.
 * - Already a member (joined online): the member keeps their own data; the card's number is
 *   added to their identity.
 * In both cases the card's points move to the member as two ledger entries (out of the card,
 * into the member; idempotency keys derived from the card) in one transaction with the member's
 * balance cache and the card's status; afterwards the card's data key is destroyed and its own
 * copy of name and phone removed (the member's identity, under the member's key, now holds what
 * is needed).
 */
import { NOTICE_VERSION } from '../../src/domain/purposes'
import { isValidCardNo, normaliseCardNo, type BindCardData } from '../../src/domain/selfService'
import { checkPhone, checkSmsCode } from '../../src/domain/validators'
import { chinaDate } from '../../src/domain/member'
import { addUnique, COLLECTIONS, getDoc, type Doc } from '../common/db'
import { errorSummary, fail, ok, type ErrorCode, type Result } from '../common/errors'
import { cardKey } from '../common/keystore'
import type { Caller } from '../common/router'
import { allows } from '../common/scope'
import type { Sealed } from '../common/vault'
import type { MemberContext, MemberDoc } from './context'
import { randomBytes } from 'node:crypto'
import { createMember, HOME_FIELDS, storeOf, toHome } from './service'

export interface CardDoc extends Doc {
  /** Only on cards issued before the key store, until the key migration moved them. */
  keyId?: string
  wrappedKey?: Sealed
  fields?: { cardNo?: Sealed; name?: Sealed; phone?: Sealed }
  phoneIndex?: string
  storeId: string
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

const INPUT_MAX = 32
/**
 * Wrong card numbers or phones a WeChat user may try per day (China date): without a limit,
 * `sendCardCode` would answer "is this the phone on card N?" for any guess.
 */
export const CARD_TRIES_PER_DAY = 10
const TRIES_RETENTION_MS = 2 * 24 * 3600_000

export interface CardActions {
  sendCardCode(
    caller: Caller,
    data: Record<string, unknown>,
  ): Promise<Result<{ expiresIn: number; resendAfter: number }>>
  bindCard(caller: Caller, data: Record<string, unknown>): Promise<Result<BindCardData>>
}

export function createCardActions(ctx: MemberContext): CardActions {
  const { db, vault, sms, claims, clock, identities, keys } = ctx

  const triesId = (caller: Caller) => `${chinaDate(clock.now())}:cardtry:${ctx.actor(caller)}`

  async function triesLeft(caller: Caller): Promise<boolean> {
    const doc = await getDoc(db, COLLECTIONS.smsQuota, triesId(caller))
    return !doc || Number(doc.count) < CARD_TRIES_PER_DAY
  }

  /** Counts a wrong card number or phone against the caller's daily tries. */
  async function spendTry(caller: Caller): Promise<void> {
    const _ = db.command
    const id = triesId(caller)
    await addUnique(db, COLLECTIONS.smsQuota, {
      _id: id,
      day: chinaDate(clock.now()),
      count: 0,
      expiresAt: new Date(clock.now() + TRIES_RETENTION_MS),
    })
    await db
      .collection(COLLECTIONS.smsQuota)
      .where({ _id: id, count: _.lt(CARD_TRIES_PER_DAY) })
      .update({ data: { count: _.inc(1) } })
  }

  /** Checks the request and the card in the order the shopper can act on. */
  async function check(
    caller: Caller,
    data: Record<string, unknown>,
    member: MemberDoc | null,
  ): Promise<Result<CardRequest>> {
    if (member?.status === 'guardian_pending') return fail('GUARDIAN_PENDING')
    if (typeof data.cardNo !== 'string')
      return fail(data.cardNo === undefined ? 'CARD_NO_INVALID' : 'INVALID_ARGUMENT', 'cardNo')
    if (data.cardNo.length > INPUT_MAX) return fail('FIELD_TOO_LONG', 'cardNo')
    const cardNo = normaliseCardNo(data.cardNo)
    if (!isValidCardNo(cardNo)) return fail('CARD_NO_INVALID', 'cardNo')
    if (typeof data.phone !== 'string')
      return fail(data.phone === undefined ? 'PHONE_REQUIRED' : 'INVALID_ARGUMENT', 'phone')
    const phone = data.phone.trim()
    if (phone.length > INPUT_MAX) return fail('FIELD_TOO_LONG', 'phone')
    const phoneError = checkPhone(phone)
    if (phoneError) return fail(phoneError, 'phone')
    if (member?.cardId) return fail('MEMBER_HAS_CARD')

    if (!(await triesLeft(caller))) return fail('CARD_TRIES_LIMIT')
    const card = (await getDoc(db, COLLECTIONS.cards, vault.blindIndex('card', cardNo))) as CardDoc | null
    if (!card) {
      await spendTry(caller)
      return fail('CARD_UNKNOWN', 'cardNo')
    }
    if (card.status === 'cancelled') return fail('CARD_CANCELLED', 'cardNo')
    if (card.status === 'bound') return fail('CARD_ALREADY_BOUND', 'cardNo')
    if (card.phoneIndex !== vault.blindIndex('phone', phone)) {
      await spendTry(caller)
      return fail('CARD_PHONE_MISMATCH', 'phone')
    }
    return ok({ cardNo, phone, card })
  }

  /** Card → member: status, balance cache and two ledger entries, all in one transaction. */
  async function transfer(cardId: string, memberId: string): Promise<Result<number>> {
    const at = new Date(clock.now())
    const outcome = await db.runTransaction(async (tx) => {
      const card = (await tx.collection(COLLECTIONS.cards).doc(cardId).get()).data as CardDoc | null
      const member = (await tx.collection(COLLECTIONS.members).doc(memberId).get()).data as MemberDoc | null
      if (!card || !member) return { error: 'CARD_UNKNOWN' as ErrorCode }
      if (card.status !== 'issued') return { error: 'CARD_ALREADY_BOUND' as ErrorCode }
      if (member.cardId !== undefined && member.cardId !== cardId)
        return { error: 'MEMBER_HAS_CARD' as ErrorCode }
      const points = card.points
      await tx
        .collection(COLLECTIONS.cards)
        .doc(cardId)
        .update({ data: { status: 'bound', memberId, boundAt: at, points: 0 } })
      await tx
        .collection(COLLECTIONS.members)
        .doc(memberId)
        .update({ data: { cardId, points: member.points + points } })
      if (points !== 0) {
        await tx.collection(COLLECTIONS.pointsLedger).add({
          data: {
            _id: `card-out:${cardId}`,
            cardId,
            delta: -points,
            reason: 'card_transfer',
            note: '转入会员账户',
            at,
          },
        })
        await tx.collection(COLLECTIONS.pointsLedger).add({
          data: {
            _id: `card-in:${cardId}`,
            memberId,
            delta: points,
            reason: 'card_transfer',
            note: '会员卡积分转入',
            at,
          },
        })
      }
      return { points }
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

  async function cardValues(card: CardDoc): Promise<{ name: string }> {
    const cipher = await keys.cipher(cardKey(card._id), card)
    if (!cipher) throw new Error('an issued card has no data key')
    return { name: cipher.decrypt('name', card.fields?.name as Sealed) }
  }

  return {
    async sendCardCode(caller, data) {
      const checked = await check(caller, data, await ctx.memberOf(caller))
      if (!checked.ok) return checked
      return sms.send({ purpose: 'bindCard', phone: checked.data.phone, requester: ctx.actor(caller) })
    },

    async bindCard(caller, data) {
      const member = await ctx.memberOf(caller)
      if (!member) {
        const { noticeVersion } = data
        if (noticeVersion === undefined || noticeVersion === null)
          return fail('CONSENT_REQUIRED', 'noticeVersion')
        if (noticeVersion !== NOTICE_VERSION) return fail('NOTICE_OUTDATED', 'noticeVersion')
      }
      const checked = await check(caller, data, member)
      if (!checked.ok) return checked
      const { cardNo, phone, card } = checked.data
      const code = typeof data.smsCode === 'string' ? data.smsCode.trim() : ''
      const codeError = checkSmsCode(code)
      if (codeError) return fail(codeError, 'smsCode')
      const actor = ctx.actor(caller)
      const verified = await sms.verify({ purpose: 'bindCard', phone, requester: actor, code })
      if (!verified.ok) return verified

      const memberId = member?._id ?? randomBytes(16).toString('hex')
      if (!(await claims.claim('card', cardNo, memberId))) return fail('CARD_ALREADY_BOUND', 'cardNo')
      let record = member
      if (!record) {
        const created = await createMember(
          ctx,
          {
            caller,
            name: (await cardValues(card)).name,
            phone,
            storeId: card.storeId,
            noticeVersion: NOTICE_VERSION,
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
      const moved = await transfer(card._id, memberId)
      if (!moved.ok) {
        if (!member) await ctx.erasure.eraseMember(memberId, actor, 'weapp')
        else await claims.release('card', cardNo, memberId)
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
        await ctx.notifier
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
        member: toHome(fresh, identity ?? {}, await storeOf(ctx, fresh.storeId)),
        pointsMoved: moved.data,
      })
    },
  }
}
