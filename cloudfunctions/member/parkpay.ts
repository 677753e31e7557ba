/**
 * Paying for parking (issue #12; src/domain/contracts/parkpay.ts). A member pays a session of a
 * bound plate (the plates read under the parking consent, audited) with the member's deductions;
 * anyone else pays by the plate typed (L-3: no sign-up), with the tariff only and nothing of
 * theirs kept but a keyed hash of their WeChat identity on the payment. After paying, a
 * non-member is offered to join once: a decline is remembered on that hash (`join_offers`).
 */
import type { Caller } from '../../src/domain/access'
import type { parkPayMemberContract } from '../../src/domain/contracts/parkpay'
import { fail, ok } from '../../src/domain/errors'
import { wechatActor } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db } from '../common/db'
import type { MemberDoc } from '../common/members/model'
import type { ParkingPayPort } from '../common/parking/cloudPay'
import { createParkingPayments, paymentView, type PaymentDoc } from '../common/parking/payments'
import { createParkingQuotes } from '../common/parking/quote'
import type { SessionDoc } from '../common/parking/sessions'
import { createTariffBook } from '../common/parking/tariffs'
import type { Ledger } from '../common/points/ledger'
import type { Handlers } from '../common/router'
import type { ScopeGuard } from '../common/scope'
import type { Vault } from '../common/vault'
import { readOwnPlates } from './plates'

export interface ParkPayContext {
  port: () => ParkingPayPort
  /** The payer's IP as the platform saw it (WeChat Pay's spbill_create_ip). */
  clientIp: () => string
}

export function createParkPayActions(
  deps: {
    db: Db
    vault: Vault
    clock: Clock
    guard: ScopeGuard
    ledger: Ledger
    members: { memberOf(caller: Caller): Promise<MemberDoc | null> }
  },
  context: ParkPayContext,
): Handlers<typeof parkPayMemberContract, MemberDoc> {
  const { db, vault, clock } = deps
  const quotes = createParkingQuotes({ db, clock, tariffs: createTariffBook(clock) })
  const payments = createParkingPayments({ db, clock, ledger: deps.ledger, quotes, port: context.port })
  const actorOf = (caller: Caller) => wechatActor(vault, caller.openid)

  /** A non-member who has not declined before is offered to join, once paid. */
  async function offerJoin(caller: Caller, payment: PaymentDoc, member: MemberDoc | null): Promise<boolean> {
    if (payment.status !== 'paid' || member) return false
    return !(await getDoc(db, COLLECTIONS.joinOffers, actorOf(caller)))
  }

  /** The caller's own payment. */
  async function ownPayment(caller: Caller, paymentId: string): Promise<PaymentDoc | null> {
    const payment = await payments.read(paymentId)
    return payment && payment.payerActor === actorOf(caller) ? payment : null
  }

  return {
    async payParking({ sessionId, key, usePoints, plate }, { caller }) {
      const session = (await getDoc(db, COLLECTIONS.parkingSessions, sessionId)) as SessionDoc | null
      if (!session || session.state !== 'open') return fail('PARKING_SESSION_NONE', 'sessionId')
      const member = await deps.members.memberOf(caller)
      let payFor: { plate: string; member?: MemberDoc }
      if (plate !== undefined) {
        // Anyone: the plate typed must be the session's.
        if (vault.blindIndex('plate', plate) !== session.plateIndex)
          return fail('PARKING_SESSION_NONE', 'plate')
        payFor = { plate }
      } else {
        // A member: one of the member's bound plates, read under the parking consent.
        if (!member || member.status !== 'active') return fail('PARKING_SESSION_NONE', 'sessionId')
        const read = await readOwnPlates(deps, caller.openid, member._id)
        if (!read.ok) return read
        const own = read.data.find((p) => vault.blindIndex('plate', p.plate) === session.plateIndex)
        if (!own) return fail('PARKING_SESSION_NONE', 'sessionId')
        payFor = { plate: own.plate, member }
      }
      const paid = await payments.pay({
        session,
        ...payFor,
        payerActor: actorOf(caller),
        key,
        ...(usePoints !== undefined ? { usePoints } : {}),
        clientIp: context.clientIp(),
      })
      if (!paid.ok) return paid
      const { payment } = paid.data
      return ok({
        payment: paymentView(payment),
        ...(payment.status === 'created' && payment.order
          ? { order: { outTradeNo: payment.outTradeNo, params: payment.order } }
          : {}),
        offerJoin: await offerJoin(caller, payment, member),
      })
    },

    async parkingPayment({ paymentId }, { caller }) {
      const payment = await ownPayment(caller, paymentId)
      if (!payment) return fail('PARKING_PAYMENT_UNKNOWN', 'paymentId')
      const member = payment.memberId ? null : await deps.members.memberOf(caller)
      return ok({
        payment: paymentView(payment),
        offerJoin: !payment.memberId && (await offerJoin(caller, payment, member)),
      })
    },

    async cancelParkingPayment({ paymentId }, { caller }) {
      const payment = await ownPayment(caller, paymentId)
      if (!payment) return fail('PARKING_PAYMENT_UNKNOWN', 'paymentId')
      return ok({ payment: paymentView(await payments.cancel(payment)) })
    },

    async declineJoinOffer(_input, { caller }) {
      await addUnique(db, COLLECTIONS.joinOffers, { _id: actorOf(caller), declinedAt: new Date(clock.now()) })
      return ok({ declined: true as const })
    },
  }
}
