/**
 * Paying for parking (issue #12): `parking_payments/<id>`, one per payer and idempotency key.
 *
 * - `pay` re-quotes the session on the server (quote.ts: the client's amount is never used),
 *   records the payment `created`, then reserves what the quote deducts — the points through the
 *   ledger (a spend, source `parking:<payment id>`) and the parking vouchers (marked used by
 *   this payment) — and creates the WeChat Pay order through the port (cloudPay.ts). A retry
 *   with the same key answers the same payment and order. Nothing left to pay completes at once.
 * - `settle` is the one place a payment leaves `created`, in ONE transaction on the payment: paid
 *   (the session's paidFen, paidMinutes and paidUntil = paid at + the exit window, and the car
 *   park's day counted) or failed. Concurrent outcomes (the callback twice, a cancel racing the
 *   callback, the scheduler's expiry) rerun on the conflict and find it settled: one wins.
 * - A failed or refunded payment gives its points and vouchers back exactly once: the points by
 *   one ledger entry keyed on the payment (`adjust:adjustment:parking-return-<id>`), each voucher
 *   by a conditional update on the payment's own use of it; `returned` marks it done, and the
 *   scheduler finishes what a stopped function left.
 * - The payment-result callback is not trusted: the order is asked of WeChat Pay (query) and
 *   only a paid order of the payment's amount is settled paid.
 */
import { createHash } from 'node:crypto'

import type { ParkingPaymentView, PaymentParams } from '../../../src/domain/contracts/parkpay'
import { chinaDate } from '../../../src/domain/dates'
import { fail, ok, type ErrorCode, type Result } from '../../../src/domain/errors'
import type { FeeLine } from '../../../src/domain/parking/fee'
import {
  PAYMENT_EXPIRY_MS,
  PAYMENT_STATUS_LABELS,
  paymentDayCounts,
  type PaymentStatus,
} from '../../../src/domain/parking/payment'
import type { Clock } from '../clock'
import { addUnique, COLLECTIONS, getDoc, inTransaction, rerunOnConflict, type Db, type Doc } from '../db'
import type { MemberDoc } from '../members/model'
import { entryId, type Ledger } from '../points/ledger'
import { createRedemptions } from '../points/redemptions'
import type { ParkingPayPort } from './cloudPay'
import { countParkingDay } from './days'
import type { ParkingQuotes } from './quote'
import type { SessionDoc } from './sessions'

export interface PaymentDoc extends Doc {
  _id: string
  sessionId: string
  carParkId: string
  storeId: string
  /** The member's id, or a non-member's keyed openid hash (`wx:…`). */
  payer: string
  /** Who asked for it (`wx:…`): the only one who reads or cancels it. */
  payerActor: string
  memberId: string | null
  amountFen: number
  grossFen: number
  lines: FeeLine[]
  pointsSpent: number
  voucherIds: string[]
  /** The session's paid minutes once this is paid, and the exit window it opens. */
  coversMinutes: number
  windowMinutes: number
  status: PaymentStatus
  outTradeNo: string
  order: PaymentParams | null
  createdAt: Date
  expiresAt: Date
  paidAt: Date | null
  windowUntil: Date | null
  transactionId?: string
  /** The session's payment fields before this one was paid (a refund restores them). */
  before?: { paidMinutes: number; paidUntil: Date | null }
  failedAt?: Date
  failure?: ErrorCode
  refund?: { by: string; reason: string; at: Date }
  /** Points and vouchers given back (failed or refunded). */
  returned: boolean
  /** A paid notice for a payment already failed: the money is to be refunded by a manager. */
  paidLate?: { at: Date; transactionId?: string }
}

/** Payments the scheduler settles per run. */
const STALE_PAGE = 100

/** Runs of a settling transaction: the day's shards are hot when many cars pay at once. */
const CONFLICT_RUNS = 6

const VOUCHER_USER = (paymentId: string) => `parking:${paymentId}`
export const returnKey = (paymentId: string) => `parking-return-${paymentId}`

/** 32 characters, WeChat Pay's limit for an out_trade_no. */
export const paymentIdOf = (payerActor: string, key: string) =>
  `pp${createHash('sha256').update(`${payerActor}\n${key}`).digest('hex').slice(0, 30)}`

const iso = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null)

export function paymentView(doc: PaymentDoc): ParkingPaymentView {
  return {
    paymentId: doc._id,
    sessionId: doc.sessionId,
    status: doc.status,
    statusLabel: PAYMENT_STATUS_LABELS[doc.status],
    amountFen: doc.amountFen,
    lines: doc.lines,
    pointsSpent: doc.pointsSpent,
    windowUntil: iso(doc.windowUntil),
    paidAt: iso(doc.paidAt),
  }
}

export type PayOutcome = { payment: PaymentDoc }

export function createParkingPayments(deps: {
  db: Db
  clock: Clock
  ledger: Ledger
  quotes: ParkingQuotes
  port: () => ParkingPayPort
}) {
  const { db, clock, ledger, quotes } = deps
  const _ = db.command
  const payments = () => db.collection(COLLECTIONS.parkingPayments)
  const read = async (id: string) => (await getDoc(db, COLLECTIONS.parkingPayments, id)) as PaymentDoc | null
  const vouchers = createRedemptions({ db, clock })

  /** Gives a failed or refunded payment's points and vouchers back, once. */
  async function giveBack(payment: PaymentDoc, actor: string): Promise<void> {
    if (payment.returned) return
    if (payment.memberId && payment.pointsSpent > 0) {
      const spent = await getDoc(
        db,
        COLLECTIONS.pointsLedger,
        entryId('spend', { kind: 'parking', ref: payment._id }),
      )
      if (spent) {
        const written = await ledger.adjust({
          memberId: payment.memberId,
          key: returnKey(payment._id),
          delta: payment.pointsSpent,
          storeId: payment.storeId,
          actor,
          reason: 'parkingReturn',
        })
        if ('error' in written && written.error !== 'NOT_A_MEMBER') throw new Error(written.error)
      }
    }
    for (const voucherId of payment.voucherIds) await vouchers.unuse(voucherId, VOUCHER_USER(payment._id))
    await payments()
      .doc(payment._id)
      .update({ data: { returned: true } })
  }

  /**
   * Takes the payment out of `created`, once: paid (with the session and the day) or failed.
   * Answers the payment as it stands after, and whether this call moved it.
   */
  async function settle(
    id: string,
    outcome: { paid: true; transactionId?: string } | { paid: false; failure?: ErrorCode },
    actor: string,
  ): Promise<{ payment: PaymentDoc; moved: boolean } | null> {
    const settled = await rerunOnConflict(
      () =>
        inTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.parkingPayments).doc(id)
          const payment = (await ref.get()).data as PaymentDoc | null
          if (!payment) return null
          if (payment.status !== 'created') {
            if (outcome.paid && payment.status === 'failed' && !payment.paidLate) {
              const paidLate = { at: new Date(clock.now()), ...pick(outcome.transactionId) }
              await ref.update({ data: { paidLate } })
              return { payment: { ...payment, paidLate }, moved: false }
            }
            return { payment, moved: false }
          }
          const now = new Date(clock.now())
          if (!outcome.paid) {
            const changes = {
              status: 'failed' as const,
              failedAt: now,
              ...(outcome.failure ? { failure: outcome.failure } : {}),
            }
            await ref.update({ data: changes })
            return { payment: { ...payment, ...changes }, moved: true }
          }
          const windowUntil = new Date(now.getTime() + payment.windowMinutes * 60_000)
          const sessionRef = tx.collection(COLLECTIONS.parkingSessions).doc(payment.sessionId)
          const session = (await sessionRef.get()).data as SessionDoc | null
          let before: PaymentDoc['before']
          if (session) {
            before = { paidMinutes: session.paidMinutes ?? 0, paidUntil: session.paidUntil ?? null }
            await sessionRef.update({
              data: {
                paidFen: session.paidFen + payment.amountFen,
                paidMinutes: payment.coversMinutes,
                paidUntil: windowUntil,
              },
            })
          }
          await countParkingDay(tx, payment, now, paymentDayCounts(payment))
          // The tier's free time is once a China day per member: this payment used today's.
          if (payment.memberId && usesTierFree(payment))
            await tx
              .collection(COLLECTIONS.members)
              .doc(payment.memberId)
              .update({ data: { parkingTierFreeDay: chinaDate(now.getTime()) } })
          const changes = {
            status: 'paid' as const,
            paidAt: now,
            windowUntil,
            ...pick(outcome.transactionId),
            ...(before ? { before } : {}),
          }
          await ref.update({ data: changes })
          return { payment: { ...payment, ...changes }, moved: true }
        }),
      CONFLICT_RUNS,
    )
    if (settled?.moved && settled.payment.status === 'failed') await giveBack(settled.payment, actor)
    return settled
  }

  const pick = (transactionId: string | undefined) => (transactionId ? { transactionId } : {})

  const usesTierFree = (payment: PaymentDoc) => payment.lines.some((line) => line.kind === 'tierFree')

  /**
   * Pays `session` now for `member` (a bound plate, under the parking consent) or for anyone
   * (`member` absent): the quote, the reservation, the order.
   */
  async function pay(input: {
    session: SessionDoc
    plate: string
    member?: MemberDoc
    payerActor: string
    key: string
    usePoints?: boolean
    clientIp: string
  }): Promise<Result<PayOutcome>> {
    const { session, member, payerActor } = input
    const id = paymentIdOf(payerActor, input.key)
    const existing = await read(id)
    if (existing) return answerExisting(existing, session._id)
    const priced = await quotes.priceParking({
      session,
      plate: input.plate,
      ...(member ? { member } : {}),
      ...(input.usePoints !== undefined ? { usePoints: input.usePoints } : {}),
    })
    if (!priced) return fail('PARKING_TARIFF_MISSING')
    const { quote } = priced
    const deducted = quote.lines.some((l) => l.kind !== 'tariff' && l.fen > 0)
    if (quote.phase === 'window' || (quote.dueFen === 0 && !deducted)) return fail('PARKING_PAYMENT_NOT_DUE')
    // One open order per session: a second tap with a new key finds the first.
    const { data: open } = await payments()
      .where({ sessionId: session._id, status: 'created' })
      .limit(5)
      .get()
    const mine = (open as PaymentDoc[]).find(
      (p) => p.payerActor === payerActor && new Date(p.expiresAt).getTime() > clock.now(),
    )
    if (mine) return ok({ payment: mine })
    if (open.length > 0) return fail('PARKING_BUSY')

    const now = clock.now()
    const doc: PaymentDoc = {
      _id: id,
      sessionId: session._id,
      carParkId: session.carParkId,
      storeId: session.storeId,
      payer: member ? member._id : payerActor,
      payerActor,
      memberId: member?._id ?? null,
      amountFen: quote.dueFen,
      grossFen: quote.grossFen,
      lines: quote.lines,
      pointsSpent: quote.points,
      voucherIds: priced.voucherIds,
      coversMinutes: priced.coversMinutes,
      windowMinutes: priced.windowMinutes,
      status: 'created',
      outTradeNo: id,
      order: null,
      createdAt: new Date(now),
      expiresAt: new Date(now + PAYMENT_EXPIRY_MS),
      paidAt: null,
      windowUntil: null,
      returned: false,
    }
    if (!(await addUnique(db, COLLECTIONS.parkingPayments, doc))) {
      const twin = await read(id)
      return twin ? answerExisting(twin, session._id) : fail('PARKING_BUSY')
    }

    const refuse = async (failure: ErrorCode) => {
      await settle(id, { paid: false, failure }, payerActor)
      return fail(failure)
    }
    if (member && doc.pointsSpent > 0) {
      const spent = await ledger.spend({
        memberId: member._id,
        source: { kind: 'parking', ref: id },
        points: doc.pointsSpent,
        storeId: doc.storeId,
        actor: payerActor,
        reason: 'parking',
      })
      if ('error' in spent)
        return refuse(spent.error === 'POINTS_INSUFFICIENT' ? spent.error : 'PARKING_BUSY')
    }
    for (const voucherId of doc.voucherIds) {
      const use = { storeId: doc.storeId, staffId: VOUCHER_USER(id), at: new Date(clock.now()) }
      // Used elsewhere meanwhile: the quote no longer holds.
      if (!member || !(await vouchers.verify(voucherId, use, member._id))) return refuse('PARKING_BUSY')
    }
    if (doc.amountFen === 0) {
      const settled = await settle(id, { paid: true }, payerActor)
      return settled ? ok({ payment: settled.payment }) : fail('PARKING_BUSY')
    }
    let order: PaymentParams
    try {
      order = await deps.port().order({
        outTradeNo: id,
        totalFee: doc.amountFen,
        body: '停车费',
        clientIp: input.clientIp,
      })
    } catch {
      return refuse('PARKING_PAYMENT_ORDER_FAILED')
    }
    await payments()
      .doc(id)
      .update({ data: { order: _.set(order) } })
    return ok({ payment: { ...doc, order } })
  }

  function answerExisting(existing: PaymentDoc, sessionId: string): Result<PayOutcome> {
    if (existing.sessionId !== sessionId) return fail('PARKING_PAYMENT_KEY_REUSED')
    if (existing.status === 'failed' && existing.failure) return fail(existing.failure)
    return ok({ payment: existing })
  }

  /**
   * The payer gave up (the pay sheet failed or was cancelled): the order is closed and the
   * payment failed — unless WeChat Pay has it paid, then it is settled paid.
   */
  async function cancel(payment: PaymentDoc): Promise<PaymentDoc> {
    if (payment.status !== 'created') return payment
    return (await closeOrSettle(payment, payment.payerActor)) ?? payment
  }

  async function closeOrSettle(payment: PaymentDoc, actor: string): Promise<PaymentDoc | null> {
    if (payment.amountFen > 0 && payment.order) {
      const port = deps.port()
      const order = await port.query(payment.outTradeNo)
      if (order?.state === 'SUCCESS' && order.totalFee === payment.amountFen)
        return (await settle(payment._id, { paid: true, ...idOf(order) }, actor))?.payment ?? null
      if (order && !(await port.close(payment.outTradeNo))) return payment
    }
    return (await settle(payment._id, { paid: false }, actor))?.payment ?? null
  }

  const idOf = (order: { transactionId?: string }) =>
    order.transactionId ? { transactionId: order.transactionId } : {}

  /**
   * WeChat Pay's payment result for `outTradeNo` (the callback): checked with WeChat Pay's own
   * answer for the order before anything is settled. Answers whether it was acknowledged.
   */
  async function notified(outTradeNo: string, actor: string): Promise<'settled' | 'ignored'> {
    const payment = await read(outTradeNo)
    if (!payment) return 'ignored'
    if (payment.status === 'paid' || payment.status === 'refunded') return 'settled'
    const order = await deps.port().query(outTradeNo)
    if (!order || order.state !== 'SUCCESS' || order.totalFee !== payment.amountFen) return 'ignored'
    await settle(payment._id, { paid: true, ...idOf(order) }, actor)
    return 'settled'
  }

  /** Refunds a paid payment in full: the money through the port, then the session and the day. */
  async function refund(
    payment: PaymentDoc,
    by: { actor: string; reason: string },
  ): Promise<Result<{ payment: PaymentDoc; moved: boolean }>> {
    if (payment.status === 'refunded') return ok({ payment, moved: false })
    if (payment.status !== 'paid') return fail('PARKING_PAYMENT_NOT_PAID')
    if (payment.amountFen > 0) {
      try {
        await deps.port().refund({
          outTradeNo: payment.outTradeNo,
          outRefundNo: `r${payment._id.slice(1)}`,
          totalFee: payment.amountFen,
        })
      } catch {
        return fail('PARKING_PAYMENT_ORDER_FAILED')
      }
    }
    const done = await rerunOnConflict(
      () =>
        inTransaction(db, async (tx) => {
          const ref = tx.collection(COLLECTIONS.parkingPayments).doc(payment._id)
          const current = (await ref.get()).data as PaymentDoc | null
          if (!current || current.status !== 'paid') return current && { payment: current, moved: false }
          const now = new Date(clock.now())
          const sessionRef = tx.collection(COLLECTIONS.parkingSessions).doc(current.sessionId)
          const session = (await sessionRef.get()).data as SessionDoc | null
          if (session) {
            // The last payment refunded: the stay is owed again as before it.
            const last = (session.paidMinutes ?? 0) === current.coversMinutes
            await sessionRef.update({
              data: {
                paidFen: Math.max(0, session.paidFen - current.amountFen),
                ...(last && current.before
                  ? { paidMinutes: current.before.paidMinutes, paidUntil: current.before.paidUntil }
                  : {}),
              },
            })
          }
          // A refunded payment gives the day's tier free time back, if it used it.
          if (current.memberId && current.paidAt && usesTierFree(current)) {
            const memberRef = tx.collection(COLLECTIONS.members).doc(current.memberId)
            const member = (await memberRef.get()).data as MemberDoc | null
            if (member?.parkingTierFreeDay === chinaDate(new Date(current.paidAt).getTime()))
              await memberRef.update({ data: { parkingTierFreeDay: null } })
          }
          await countParkingDay(tx, current, now, {
            refunds: 1,
            refundedFen: current.amountFen,
            pointsSpent: -current.pointsSpent,
          })
          const changes = {
            status: 'refunded' as const,
            refund: { by: by.actor, reason: by.reason, at: now },
          }
          await ref.update({ data: changes })
          return { payment: { ...current, ...changes }, moved: true }
        }),
      CONFLICT_RUNS,
    )
    if (!done) return fail('PARKING_PAYMENT_UNKNOWN')
    if (done.moved) await giveBack(done.payment, by.actor)
    return ok(done)
  }

  /**
   * The scheduler: orders not paid within PAYMENT_EXPIRY_MS are closed (or settled paid when
   * WeChat Pay has them paid), and what a stopped function left half given back is finished.
   */
  async function settleStale(actor: string): Promise<{ expired: number; returned: number }> {
    const now = new Date(clock.now())
    const { data: stale } = await payments()
      .where({ status: 'created', expiresAt: _.lte(now) })
      .limit(STALE_PAGE)
      .get()
    let expired = 0
    for (const payment of stale as PaymentDoc[]) {
      const after = await closeOrSettle(payment, actor)
      if (after?.status === 'failed') expired += 1
    }
    const { data: owed } = await payments()
      .where({ status: _.in(['failed', 'refunded']), returned: false })
      .limit(STALE_PAGE)
      .get()
    for (const payment of owed as PaymentDoc[]) await giveBack(payment, actor)
    return { expired, returned: owed.length }
  }

  return { pay, settle, cancel, notified, refund, settleStale, read }
}

export type ParkingPayments = ReturnType<typeof createParkingPayments>
