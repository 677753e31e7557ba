/**
 * Paying for parking against a real local-cloud database and local-cloud's fake of cloudPay:
 * the amount re-quoted on the server, the idempotency key, nothing left to pay, the payment
 * result delivered twice, a payment failing (and racing its success), orders expiring, refunds,
 * the exit window then the overstay fee, non-members paying and the one-time offer to join, and
 * the day's figures written with each of them.
 */
import type { ParkingPayPort } from '../../cloudfunctions/common/parking/cloudPay'
import { createParkingPayments, type PaymentDoc } from '../../cloudfunctions/common/parking/payments'
import { createParkingQuotes } from '../../cloudfunctions/common/parking/quote'
import type { SessionDoc } from '../../cloudfunctions/common/parking/sessions'
import { createTariffBook } from '../../cloudfunctions/common/parking/tariffs'
import { parkingDays } from '../../cloudfunctions/common/parking/days'
import { createLedger, type LedgerEntry } from '../../cloudfunctions/common/points/ledger'
import { createMain as createParkPayMain } from '../../cloudfunctions/parkpay/index'
import { createMain as createSchedulerMain } from '../../cloudfunctions/scheduler/index'
import { DEMO_CAR_PARK, DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { ParkingQuote } from '../../src/domain/contracts/parking'
import type { PayParkingAnswer } from '../../src/domain/contracts/parkpay'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { parkingOf } from './parkingSupport'
import { staffCallOf } from './staffSupport'
import { createTestEnv, dataOf, shopper, TODAY, VALID_FORM, type TestEnv } from './support'

const PLATE = '沪A12345'
const MINUTE = 60_000

let env: TestEnv
beforeEach(async () => {
  process.env.WXPAY_SUB_MCH_ID = '1900000109'
  env = await createTestEnv()
  env.cloud.register('parkpay', () => ({ main: createParkPayMain({ clock: env.clock }) }))
  env.cloud.register('scheduler', () => ({
    main: createSchedulerMain({ clock: env.clock, defaultTimeLimitMs: 60_000 }),
  }))
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)
const ledger = () => createLedger({ db: env.db, clock: env.clock, policy: DEFAULT_LOT_POLICY })

let events = 0
/** The gate reports `plate` entering `minutesAgo` before the clock. */
async function enter(minutesAgo: number, plate = PLATE): Promise<string> {
  const applied = await parkingOf(env).applyCarParkEvent(DEMO_CAR_PARK, {
    eventId: `in-${(events += 1)}`,
    kind: 'entry',
    plate,
    at: new Date(env.clock.now() - minutesAgo * MINUTE).toISOString(),
  })
  if (!applied.ok) throw new Error(applied.code)
  return applied.data.sessionId
}

let phones = 0
/** A member with `plate` bound (parking consent) and `points` available. */
async function parkedMember(points: number, plate = PLATE): Promise<{ openid: string; memberId: string }> {
  const openid = shopper()
  const memberId = await env.member(openid, {
    ...VALID_FORM,
    phone: `1390000${String(1000 + (phones += 1))}`,
  })
  await env.grant(openid, 'parking')
  expect(await env.call(openid, 'bindPlate', { plate })).toMatchObject({ ok: true })
  if (points > 0)
    await ledger().earn({
      memberId,
      source: { kind: 'campaign', ref: `gift-${memberId}` },
      points,
      storeId: DEMO_STORES.xuhui,
      actor: 'system:test',
      immediate: true,
    })
  return { openid, memberId }
}

const pay = async (openid: string, data: Record<string, unknown>) =>
  dataOf<PayParkingAnswer>(await env.call(openid, 'payParking', data))

const paymentDoc = async (id: string) =>
  (await env.db.collection('parking_payments').doc(id).get()).data as PaymentDoc

const sessionDoc = async (id: string) =>
  (await env.db.collection('parking_sessions').doc(id).get()).data as SessionDoc

const pointsOf = async (memberId: string) =>
  Number((await env.db.collection('members').doc(memberId).get()).data?.points)

async function day() {
  const [figures] = await parkingDays(env.db, [DEMO_CAR_PARK.carParkId], TODAY, TODAY)
  return figures
}

async function quoteOf(openid: string): Promise<ParkingQuote> {
  const { sessions } = dataOf<{ sessions: ParkingQuote[] }>(await env.call(openid, 'parkingSession'))
  return sessions[0]
}

describe('payParking', () => {
  it('prices the payment on the server and creates the WeChat Pay order for that amount', async () => {
    const { openid } = await parkedMember(0)
    const sessionId = await enter(120)
    expect(
      await env.call(openid, 'payParking', { sessionId, key: 'pay-key-0001', amountFen: 1 }),
    ).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      field: 'amountFen',
    })
    const answer = await pay(openid, { sessionId, key: 'pay-key-0001' })
    // 2 h: ¥5 the first hour, ¥3 each half hour after.
    expect(answer.payment).toMatchObject({ status: 'created', amountFen: 1100, pointsSpent: 0 })
    expect(answer.order?.params.package).toMatch(/^prepay_id=/)
    expect(env.cloud.cloudPay.order(answer.payment.paymentId)).toMatchObject({
      totalFee: 1100,
      functionName: 'parkpay',
      subMchId: '1900000109',
      state: 'NOTPAY',
    })
    expect(answer.offerJoin).toBe(false)
  })

  it('answers a retried key with the same payment and order, reserving the points once', async () => {
    const { openid, memberId } = await parkedMember(600)
    const sessionId = await enter(120)
    const first = await pay(openid, { sessionId, key: 'retry-key-01' })
    const again = await pay(openid, { sessionId, key: 'retry-key-01' })
    expect(again).toEqual(first)
    expect(first.payment).toMatchObject({ amountFen: 500, pointsSpent: 600 })
    expect(await pointsOf(memberId)).toBe(0)
    const spends = (await env.all('points_ledger')).filter((e) => (e as LedgerEntry).kind === 'spend')
    expect(spends).toHaveLength(1)
    // A second tap with a new key finds the open order instead of reserving again.
    expect((await pay(openid, { sessionId, key: 'retry-key-02' })).payment.paymentId).toBe(
      first.payment.paymentId,
    )
    // The key belongs to its session.
    const other = await enter(30, '沪B99999')
    expect(await env.call(openid, 'bindPlate', { plate: '沪B99999' })).toMatchObject({ ok: true })
    expect(await env.call(openid, 'payParking', { sessionId: other, key: 'retry-key-01' })).toMatchObject({
      ok: false,
      code: 'PARKING_PAYMENT_KEY_REUSED',
    })
  })

  it('completes at once without an order when the deductions leave nothing to pay', async () => {
    const { openid, memberId } = await parkedMember(1200)
    const sessionId = await enter(120)
    const answer = await pay(openid, { sessionId, key: 'zero-amount-1' })
    expect(answer.order).toBeUndefined()
    expect(answer.payment).toMatchObject({
      status: 'paid',
      amountFen: 0,
      pointsSpent: 1200,
      windowUntil: new Date(env.clock.now() + 15 * MINUTE).toISOString(),
    })
    expect(env.cloud.cloudPay.order(answer.payment.paymentId)).toBeUndefined()
    expect(await pointsOf(memberId)).toBe(0)
    expect(await day()).toMatchObject({ payments: 1, paidFen: 0, pointsFen: 1100, pointsSpent: 1200 })
    // Paid points are optional: without them the fee is the tariff's.
    const other = await parkedMember(1200, '沪C11111')
    const sessionC = await enter(120, '沪C11111')
    expect(
      (await pay(other.openid, { sessionId: sessionC, key: 'no-points-01', usePoints: false })).payment,
    ).toMatchObject({
      amountFen: 1100,
      pointsSpent: 0,
    })
  })

  it('settles a payment delivered twice once: the session, the window and the day counted once', async () => {
    const { openid } = await parkedMember(600)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'twice-key-01' })
    expect(await env.cloud.payOrder(payment.paymentId, 2)).toBe(true)
    const settled = await paymentDoc(payment.paymentId)
    expect(settled).toMatchObject({ status: 'paid', amountFen: 500 })
    expect(settled.transactionId).toMatch(/^42/)
    expect(await sessionDoc(sessionId)).toMatchObject({ paidFen: 500, paidMinutes: 120 })
    expect(await day()).toMatchObject({ payments: 1, paidFen: 500, pointsFen: 600, pointsSpent: 600 })
    expect(dataOf(await env.call(openid, 'parkingPayment', { paymentId: payment.paymentId }))).toMatchObject({
      payment: { status: 'paid', windowUntil: new Date(env.clock.now() + 15 * MINUTE).toISOString() },
    })
    // Another WeChat user cannot read it.
    expect(await env.call(shopper(), 'parkingPayment', { paymentId: payment.paymentId })).toMatchObject({
      ok: false,
      code: 'PARKING_PAYMENT_UNKNOWN',
    })
  })

  it('does not take a made-up payment result for an order WeChat Pay has not been paid', async () => {
    const { openid } = await parkedMember(0)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'forged-key-1' })
    const answer = await env.cloud.invoke(
      'parkpay',
      { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: payment.paymentId, totalFee: 1100 },
      { OPENID: openid },
    )
    expect(answer).toEqual({ errcode: 0, errmsg: 'ignored' })
    expect(await paymentDoc(payment.paymentId)).toMatchObject({ status: 'created' })
    expect(await sessionDoc(sessionId)).toMatchObject({ paidFen: 0, paidUntil: null })
  })

  it('gives the points back exactly once when the payer cancels the pay sheet', async () => {
    const { openid, memberId } = await parkedMember(600)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'cancel-key-1' })
    expect(await pointsOf(memberId)).toBe(0)
    const cancelled = dataOf(await env.call(openid, 'cancelParkingPayment', { paymentId: payment.paymentId }))
    expect(cancelled).toMatchObject({ payment: { status: 'failed' } })
    await env.call(openid, 'cancelParkingPayment', { paymentId: payment.paymentId })
    env.clock.advance(20 * MINUTE)
    await env.cloud.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'sweep' },
      { OPENID: '', SOURCE: 'scf' },
    )
    expect(await pointsOf(memberId)).toBe(600)
    const returns = (await env.all('points_ledger')).filter((e) => (e as LedgerEntry).kind === 'adjust')
    expect(returns).toHaveLength(1)
    expect(env.cloud.cloudPay.order(payment.paymentId)?.state).toBe('CLOSED')
    // A paid order cannot come of it any more, and nothing was counted.
    expect(await env.cloud.payOrder(payment.paymentId)).toBe(false)
    expect(await day()).toBeUndefined()
    expect(await sessionDoc(sessionId)).toMatchObject({ paidFen: 0, paidUntil: null })
  })

  it('lets exactly one of a failure and a success racing each other win, the points following it', async () => {
    for (let run = 0; run < 6; run += 1) {
      const plate = `沪D1000${run}`
      const { openid, memberId } = await parkedMember(600, plate)
      const sessionId = await enter(120, plate)
      const { payment } = await pay(openid, { sessionId, key: `race-key-${run}` })
      const stub: ParkingPayPort = {
        order: async () => {
          throw new Error('unused')
        },
        query: async () => null,
        close: async () => true,
        refund: async () => undefined,
      }
      const payments = createParkingPayments({
        db: env.db,
        clock: env.clock,
        ledger: ledger(),
        quotes: createParkingQuotes({ db: env.db, clock: env.clock, tariffs: createTariffBook(env.clock) }),
        port: () => stub,
      })
      const outcomes = await Promise.all(
        run % 2 === 0
          ? [
              payments.settle(payment.paymentId, { paid: true }, 'system:test'),
              payments.settle(payment.paymentId, { paid: false }, 'system:test'),
            ]
          : [
              payments.settle(payment.paymentId, { paid: false }, 'system:test'),
              payments.settle(payment.paymentId, { paid: true }, 'system:test'),
            ],
      )
      expect(outcomes.filter((o) => o?.moved)).toHaveLength(1)
      const final = await paymentDoc(payment.paymentId)
      const session = await sessionDoc(sessionId)
      if (final.status === 'paid') {
        expect(await pointsOf(memberId)).toBe(0)
        expect(session.paidFen).toBe(500)
      } else {
        expect(final.status).toBe('failed')
        expect(await pointsOf(memberId)).toBe(600)
        expect(session.paidFen).toBe(0)
      }
    }
    const paid = (await env.all('parking_payments')).filter((p) => p.status === 'paid').length
    expect((await day())?.payments ?? 0).toBe(paid)
  })

  it('closes an order not paid within 15 minutes from the scheduler and gives the points back', async () => {
    const { openid, memberId } = await parkedMember(600)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'expire-key-1' })
    env.clock.advance(10 * MINUTE)
    await env.cloud.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'sweep' },
      { OPENID: '', SOURCE: 'scf' },
    )
    expect(await paymentDoc(payment.paymentId)).toMatchObject({ status: 'created' })
    env.clock.advance(6 * MINUTE)
    const run = (await env.cloud.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'sweep' },
      { OPENID: '', SOURCE: 'scf' },
    )) as { data: { jobs: Record<string, unknown> } }
    expect(run.data.jobs.settleParkingPayments).toEqual({ expired: 1, returned: 0 })
    expect(await paymentDoc(payment.paymentId)).toMatchObject({ status: 'failed', returned: true })
    expect(env.cloud.cloudPay.order(payment.paymentId)?.state).toBe('CLOSED')
    expect(await pointsOf(memberId)).toBe(600)
  })

  it('settles an expiring order paid after all as paid, as WeChat Pay has it', async () => {
    const { openid } = await parkedMember(0)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'late-paid-01' })
    // Paid, but the result has not arrived yet when the scheduler looks.
    env.cloud.register('parkpay', () => ({ main: async () => ({ errcode: 1, errmsg: 'down' }) }))
    await env.cloud.payOrder(payment.paymentId)
    env.clock.advance(16 * MINUTE)
    await env.cloud.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'sweep' },
      { OPENID: '', SOURCE: 'scf' },
    )
    expect(await paymentDoc(payment.paymentId)).toMatchObject({ status: 'paid' })
    expect(await sessionDoc(sessionId)).toMatchObject({ paidFen: 1100 })
  })
})

describe('the tier’s free time', () => {
  const OTHER_PLATE = '沪B77777'
  const quoteFor = async (openid: string, sessionId: string) =>
    dataOf<{ sessions: ParkingQuote[] }>(await env.call(openid, 'parkingSession')).sessions.find(
      (q) => q.sessionId === sessionId,
    )
  const kinds = (quote: ParkingQuote | undefined) => quote?.lines.map((line) => line.kind)

  it('is used once a China day: a second stay the same day is priced without it, and a refund gives it back', async () => {
    const { openid, memberId } = await parkedMember(0)
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { tier: 'vip' } })
    expect(await env.call(openid, 'bindPlate', { plate: OTHER_PLATE })).toMatchObject({ ok: true })
    const first = await enter(180)
    expect(kinds(await quoteFor(openid, first))).toEqual(['tariff', 'tierFree'])
    const { payment } = await pay(openid, { sessionId: first, key: 'tier-key-1' })
    await env.cloud.payOrder(payment.paymentId)

    const second = await enter(90, OTHER_PLATE)
    expect(kinds(await quoteFor(openid, second))).toEqual(['tariff'])

    expect(
      await staffCall(DEMO_PERSONAS.manager, 'refundParkingPayment', {
        paymentId: payment.paymentId,
        reason: '重复收费',
      }),
    ).toMatchObject({ ok: true })
    expect(kinds(await quoteFor(openid, second))).toEqual(['tariff', 'tierFree'])
  })
})

describe('refundParkingPayment', () => {
  it('refunds a paid payment once for the store’s manager: the money, the points, the session and the day', async () => {
    const { openid, memberId } = await parkedMember(600)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'refund-key-1' })
    await env.cloud.payOrder(payment.paymentId)
    const refund = { paymentId: payment.paymentId, reason: '道闸故障重复收费' }
    expect(await staffCall(DEMO_PERSONAS.counter, 'refundParkingPayment', refund)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    expect(await staffCall(DEMO_PERSONAS.manager, 'refundParkingPayment', refund)).toMatchObject({
      ok: true,
      data: { payment: { status: 'refunded' } },
    })
    expect(await staffCall(DEMO_PERSONAS.manager, 'refundParkingPayment', refund)).toMatchObject({ ok: true })
    expect(env.cloud.cloudPay.order(payment.paymentId)?.state).toBe('REFUND')
    expect(await pointsOf(memberId)).toBe(600)
    expect(await sessionDoc(sessionId)).toMatchObject({ paidFen: 0, paidUntil: null, paidMinutes: 0 })
    expect(await day()).toMatchObject({
      payments: 1,
      paidFen: 500,
      refunds: 1,
      refundedFen: 500,
      pointsSpent: 0,
    })
    const audited = (await env.all('audit_log')).filter(
      (e) => e.memberId === `parkingPayment:${payment.paymentId}`,
    )
    expect(audited).toEqual([expect.objectContaining({ action: 'update', reason: '道闸故障重复收费' })])
    // The stay is owed again.
    expect(await quoteOf(openid)).toMatchObject({ phase: 'unpaid' })
  })

  it('refuses to refund a payment that is not paid', async () => {
    const { openid } = await parkedMember(0)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'refund-key-2' })
    expect(
      await staffCall(DEMO_PERSONAS.manager, 'refundParkingPayment', {
        paymentId: payment.paymentId,
        reason: '测试',
      }),
    ).toMatchObject({ ok: false, code: 'PARKING_PAYMENT_NOT_PAID' })
  })
})

describe('the exit window', () => {
  it('owes nothing within the window, then only the time beyond it, the first period not charged again', async () => {
    const { openid } = await parkedMember(0)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'window-key-1' })
    await env.cloud.payOrder(payment.paymentId)
    env.clock.advance(10 * MINUTE)
    expect(await quoteOf(openid)).toMatchObject({ phase: 'window', dueFen: 0, lines: [] })
    expect(await env.call(openid, 'payParking', { sessionId, key: 'window-key-2' })).toMatchObject({
      ok: false,
      code: 'PARKING_PAYMENT_NOT_DUE',
    })
    // 20 minutes after paying: 5 beyond the window, priced as the 121st–125th minute (¥3).
    env.clock.advance(10 * MINUTE)
    const overstay = await quoteOf(openid)
    expect(overstay).toMatchObject({
      phase: 'overstay',
      dueFen: 300,
      lines: [expect.objectContaining({ kind: 'tariff', label: '超时停车费', minutes: 5, fen: 300 })],
    })
    const extra = await pay(openid, { sessionId, key: 'window-key-3' })
    expect(extra.payment).toMatchObject({ amountFen: 300, pointsSpent: 0 })
    await env.cloud.payOrder(extra.payment.paymentId)
    expect(await sessionDoc(sessionId)).toMatchObject({ paidFen: 1400, paidMinutes: 125 })
    expect(await quoteOf(openid)).toMatchObject({ phase: 'window' })
  })
})

describe('paying without being a member', () => {
  it('[L-3] pays by the plate typed, keeps nothing of the payer but a hash, and offers joining once', async () => {
    const sessionId = await enter(120)
    const caller = shopper()
    const { session } = dataOf<{ session: ParkingQuote }>(
      await env.call(caller, 'parkingByPlate', { plate: PLATE }),
    )
    expect(session.sessionId).toBe(sessionId)
    expect(
      await env.call(caller, 'payParking', { sessionId, key: 'guest-key-01', plate: '沪A54321' }),
    ).toMatchObject({
      ok: false,
      code: 'PARKING_SESSION_NONE',
    })
    expect(await env.call(caller, 'payParking', { sessionId, key: 'guest-key-01' })).toMatchObject({
      ok: false,
      code: 'PARKING_SESSION_NONE',
    })
    const answer = await pay(caller, { sessionId, key: 'guest-key-01', plate: PLATE })
    expect(answer).toMatchObject({ payment: { amountFen: 1100, status: 'created' }, offerJoin: false })
    await env.cloud.payOrder(answer.payment.paymentId)
    const stored = await paymentDoc(answer.payment.paymentId)
    expect(stored).toMatchObject({ memberId: null, status: 'paid' })
    expect(stored.payer).toMatch(/^wx:/)
    expect(JSON.stringify(stored)).not.toContain('12345')
    const read = () => env.call(caller, 'parkingPayment', { paymentId: answer.payment.paymentId })
    expect(await read()).toMatchObject({ ok: true, data: { offerJoin: true } })
    expect(await env.call(caller, 'declineJoinOffer', {})).toEqual({ ok: true, data: { declined: true } })
    expect(await read()).toMatchObject({ ok: true, data: { offerJoin: false } })
    // Not asked again on the next payment either; and joining stays open.
    env.clock.advance(60 * MINUTE)
    const next = await enter(90, '沪E22222')
    const second = await pay(caller, { sessionId: next, key: 'guest-key-02', plate: '沪E22222' })
    await env.cloud.payOrder(second.payment.paymentId)
    expect(await env.call(caller, 'parkingPayment', { paymentId: second.payment.paymentId })).toMatchObject({
      data: { offerJoin: false },
    })
    expect(await env.join(caller, { ...VALID_FORM, phone: '13900000201' })).toMatchObject({ ok: true })
  })
})

describe('parkingReport', () => {
  it('sums the days of the store’s car parks for its manager and the admin, 31 days at most', async () => {
    const { openid } = await parkedMember(600)
    const sessionId = await enter(120)
    const { payment } = await pay(openid, { sessionId, key: 'report-key-1' })
    await env.cloud.payOrder(payment.paymentId)
    const report = await staffCall(DEMO_PERSONAS.manager, 'parkingReport', {
      storeId: DEMO_STORES.xuhui,
      from: '2024-06-01',
      to: TODAY,
    })
    expect(report).toMatchObject({
      ok: true,
      data: {
        days: [
          expect.objectContaining({
            day: TODAY,
            payments: 1,
            paidFen: 500,
            pointsFen: 600,
            pointsSpent: 600,
          }),
        ],
        totals: expect.objectContaining({ payments: 1, paidFen: 500, waivedFen: 0 }),
      },
    })
    expect(
      await staffCall(DEMO_PERSONAS.manager, 'parkingReport', {
        storeId: DEMO_STORES.xuhui,
        from: '2024-05-01',
        to: TODAY,
      }),
    ).toMatchObject({ ok: false, code: 'PARKING_REPORT_RANGE' })
    expect(
      await staffCall(DEMO_PERSONAS.manager, 'parkingReport', {
        storeId: DEMO_STORES.pudong,
        from: TODAY,
        to: TODAY,
      }),
    ).toMatchObject({ ok: false, code: 'STORE_UNKNOWN' })
    // Without a store: the manager's stores.
    expect(await staffCall(DEMO_PERSONAS.manager, 'parkingReport', { from: TODAY, to: TODAY })).toMatchObject(
      {
        ok: true,
        data: { totals: expect.objectContaining({ payments: 1 }) },
      },
    )
    expect(
      await staffCall(DEMO_PERSONAS.counter, 'parkingReport', {
        storeId: DEMO_STORES.xuhui,
        from: TODAY,
        to: TODAY,
      }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
