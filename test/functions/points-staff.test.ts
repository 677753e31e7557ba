/**
 * Points at the counter: receipts scored under the rules' version in force (previewed, awarded
 * once), refunds under the version that scored them, managers' adjustments, the rules' versions
 * and the points report with its running liability.
 */
import { closeMonths } from '../../cloudfunctions/common/points/report'
import { createPointsReconciliation } from '../../cloudfunctions/scheduler/points'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type {
  AdjustAnswer,
  AwardAnswer,
  PointsReport,
  RefundAnswer,
  RulesAnswer,
  ScoredPurchase,
} from '../../src/domain/contracts/points'
import { DEMO_EARNING_RULES } from '../../src/domain/points/versions'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'
import { addAdmin, staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)
const COUNTER = DEMO_PERSONAS.counter
const MANAGER = DEMO_PERSONAS.manager
/** A Tuesday (the demo rules' member day), 10:00 in China. */
const TUESDAY = '2024-06-18T02:00:00.000Z'

let phones = 0
async function member(): Promise<string> {
  const openid = shopper()
  phones += 1
  await env.join(openid, { ...VALID_FORM, phone: `1390000${String(1000 + phones)}` })
  return (await env.memberIdOf(openid)) as string
}

const award = (ref: string, receiptNo: string, amountFen: number, extra: Record<string, unknown> = {}) =>
  staffCall(COUNTER, 'awardPoints', { ref, receiptNo, amountFen, ...extra })

const ledgerOf = async (memberId: string) =>
  (await env.all('points_ledger')).filter((entry) => entry.memberId === memberId)

const memberDoc = async (memberId: string) =>
  (await env.all('members')).find((doc) => doc._id === memberId) as Record<string, unknown>

describe('staff.previewPurchase and staff.awardPoints', () => {
  it('[6.4.1] scores a receipt as the preview said: base rate, the member day, the counter’s bonus', async () => {
    env.clock.set(TUESDAY)
    const ref = await member()
    const input = { ref, amountFen: 60_000, counterId: 'counter-xh-lancome' }
    const preview = dataOf<ScoredPurchase>(await staffCall(COUNTER, 'previewPurchase', input))
    expect(preview.lines.map((line) => [line.label, line.detail, line.points])).toEqual([
      ['基础', '1 分/元', 600],
      ['会员日', '2 倍', 600],
      ['专柜加赠', '50 分', 50],
    ])
    expect(await ledgerOf(ref)).toHaveLength(0)
    const awarded = dataOf<AwardAnswer>(
      await award(ref, 'r-001', 60_000, { counterId: 'counter-xh-lancome' }),
    )
    expect(awarded).toMatchObject({
      receiptNo: 'R-001',
      points: preview.points,
      lines: preview.lines,
      version: 1,
      repeated: false,
    })
    expect(preview.points).toBe(1250)
    const [entry] = await ledgerOf(ref)
    expect(entry).toMatchObject({
      _id: `earn:receipt:${DEMO_STORES.xuhui}:R-001`,
      delta: 1250,
      amountFen: 60_000,
      storeId: DEMO_STORES.xuhui,
      actor: 'staff:staff-demo-counter',
      purchase: { rulesVersion: 1, tier: 'normal', counterId: 'counter-xh-lancome' },
    })
    // Held for the return window: the member sees them as pending.
    expect(await memberDoc(ref)).toMatchObject({
      points: 1250,
      lots: [expect.objectContaining({ points: 1250, heldUntil: expect.any(String) })],
    })
  })

  it('[L-14] records the write to the member’s points entry by entry: when, who, what, purpose, sealed', async () => {
    const ref = await member()
    dataOf(await award(ref, 'A1', 1_000))
    const [entry] = await ledgerOf(ref)
    expect(entry).toMatchObject({
      kind: 'earn',
      actor: 'staff:staff-demo-counter',
      purpose: 'membership',
      reason: 'purchase',
      seq: 1,
      mac: expect.any(String),
    })
    expect(entry.at).toBeInstanceOf(Date)
    // The entry is the record: the write is not recorded twice.
    const writes = (await env.all('audit_log')).filter((e) => e.memberId === ref && e.action === 'update')
    expect(writes).toEqual([])
  })

  it('answers a repeat of a receipt with the first award, and refuses it for another amount, naming the first', async () => {
    const ref = await member()
    const first = dataOf<AwardAnswer>(await award(ref, 'A2', 12_345))
    const again = dataOf<AwardAnswer>(await award(ref, 'a2', 12_345))
    expect(again).toEqual({ ...first, repeated: true })
    const other = await award(ref, 'A2', 99_900)
    expect(other).toMatchObject({
      ok: false,
      code: 'RECEIPT_ALREADY_SCORED',
      field: 'receiptNo',
      amountFen: 12_345,
    })
    expect((other as { message: string }).message).toBe('该小票已积分（消费 123.45 元），不能重复积分')
    const someoneElse = await award(await member(), 'A2', 12_345)
    expect(someoneElse).toMatchObject({ ok: false, code: 'RECEIPT_ALREADY_SCORED' })
    expect(await ledgerOf(ref)).toHaveLength(1)
    expect((await memberDoc(ref)).points).toBe(123)
  })

  it('writes one entry for twelve concurrent awards of one receipt', async () => {
    const ref = await member()
    const answers = await Promise.all(Array.from({ length: 12 }, () => award(ref, 'C12', 5_000)))
    const awarded = answers.map((answer) => dataOf<AwardAnswer>(answer))
    expect(awarded.filter((a) => !a.repeated)).toHaveLength(1)
    expect(await ledgerOf(ref)).toHaveLength(1)
    expect((await memberDoc(ref)).points).toBe(50)
  })

  it('refuses amounts out of bounds, unknown members and other stores’ counters, and writes nothing', async () => {
    const ref = await member()
    const before = await env.counts()
    for (const amountFen of [0, -1, 1.5, 100_000_001, '100'])
      expect(await award(ref, 'B1', amountFen as number)).toMatchObject({ ok: false, code: 'AMOUNT_INVALID' })
    expect(await award(ref, 'B 1', 100)).toMatchObject({ ok: false, code: 'RECEIPT_INVALID' })
    expect(await award('m-nobody', 'B1', 100)).toMatchObject({ ok: false, code: 'LOOKUP_MEMBER_UNKNOWN' })
    expect(await award(ref, 'B1', 100, { counterId: 'counter-pd-nike' })).toMatchObject({
      ok: false,
      code: 'COUNTER_UNKNOWN',
    })
    expect(await award(ref, 'B1', 100, { storeId: DEMO_STORES.pudong })).toMatchObject({
      ok: false,
      code: 'STORE_UNKNOWN',
    })
    expect(await env.counts()).toEqual(before)
  })

  it('scores a member of another store of the mall too', async () => {
    const openid = shopper()
    await env.join(openid, { ...VALID_FORM, phone: '13900009999', storeId: DEMO_STORES.pudong })
    const ref = (await env.memberIdOf(openid)) as string
    expect(dataOf<AwardAnswer>(await award(ref, 'P1', 10_000)).points).toBe(100)
  })
})

describe('the rules’ versions', () => {
  const v2 = { ...DEMO_EARNING_RULES, rates: { default: 2, tiers: { vip: 2.4, vvip: 3 } } }

  it('[6.4.1] scores a purchase before a new version takes effect by the old one, after it by the new one', async () => {
    const admin = await addAdmin(env)
    const from = new Date(env.clock.now() + 3600_000).toISOString()
    const published = await staffCall(admin, 'publishPointsRules', {
      rules: v2,
      refundPolicy: 'absorb',
      holdDays: 3,
      effectiveFrom: from,
      note: '双倍积分',
    })
    expect(dataOf<{ version: { version: number } }>(published).version).toMatchObject({
      version: 2,
      effectiveFrom: from,
      changedBy: 'staff:staff-test-admin',
      summary: [
        '基础积分 1 → 2 分/元',
        'VIP 积分 1.2 → 2.4 分/元',
        'VVIP 积分 1.5 → 3 分/元',
        '冻结期 7 → 3 天',
        '退货扣分方式调整',
      ],
    })
    const ref = await member()
    expect(dataOf<AwardAnswer>(await award(ref, 'V1', 10_000))).toMatchObject({ points: 100, version: 1 })
    env.clock.advance(3600_000)
    expect(dataOf<AwardAnswer>(await award(ref, 'V2', 10_000))).toMatchObject({ points: 200, version: 2 })
    const [v1doc] = (await env.all('points_rules')).filter((doc) => doc._id === 'v1')
    expect(v1doc).toMatchObject({ version: 1, rules: DEMO_EARNING_RULES })
  })

  it('shows managers the version in force, the next one and the history; only the admin publishes', async () => {
    const admin = await addAdmin(env)
    expect(
      await staffCall(MANAGER, 'publishPointsRules', { rules: v2, refundPolicy: 'negative', holdDays: 7 }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    dataOf(await staffCall(admin, 'publishPointsRules', { rules: v2, refundPolicy: 'negative', holdDays: 7 }))
    const answer = dataOf<RulesAnswer>(await staffCall(MANAGER, 'pointsRules', {}))
    expect(answer.current?.version).toBe(1)
    // "Now" means once every instance has read it: a minute later.
    expect(answer.next).toMatchObject({
      version: 2,
      effectiveFrom: new Date(env.clock.now() + 60_000).toISOString(),
    })
    expect(answer.history.map((v) => v.version)).toEqual([2, 1])
    const audited = (await env.all('audit_log')).filter((e) => e.memberId === 'points-rules:v2')
    expect(audited).toEqual([expect.objectContaining({ purpose: 'staffAdmin', action: 'create' })])
  })

  it('refuses rules out of bounds and a start in the past, and writes nothing', async () => {
    const admin = await addAdmin(env)
    const bad = [
      { ...v2, rates: { default: 100.01 } },
      { ...v2, rates: { default: 1.234 } },
      { ...v2, multipliers: [{ kind: 'weekday', weekday: 7, label: '会员日', factor: 2 }] },
      { ...v2, multipliers: [{ kind: 'weekday', weekday: 2, label: '会员日', factor: 11 }] },
      {
        ...v2,
        multipliers: [{ kind: 'dates', from: '2024-02-30', to: '2024-03-01', label: '节日', factor: 2 }],
      },
      { ...v2, bonuses: [{ kind: 'brand', brandId: '兰蔻', label: '加赠', points: 100_001 }] },
      { ...v2, stacking: { policy: 'additive' } },
      { ...v2, extra: 1 },
    ]
    for (const rules of bad)
      expect(
        await staffCall(admin, 'publishPointsRules', { rules, refundPolicy: 'negative', holdDays: 7 }),
      ).toMatchObject({ ok: false, code: 'POINTS_RULES_INVALID' })
    expect(
      await staffCall(admin, 'publishPointsRules', {
        rules: v2,
        refundPolicy: 'negative',
        holdDays: 7,
        effectiveFrom: new Date(env.clock.now() - 1000).toISOString(),
      }),
    ).toMatchObject({ ok: false, code: 'RULES_EFFECTIVE_INVALID' })
    expect(await env.all('points_rules')).toHaveLength(1)
  })
})

describe('staff.refundPurchase', () => {
  const refund = (receiptNo: string, refundRef: string, refundFen: number) =>
    staffCall(COUNTER, 'refundPurchase', { receiptNo, refundRef, refundFen })

  it('takes back points for partial refunds, each once, and refuses refunds beyond the purchase', async () => {
    const ref = await member()
    dataOf(await award(ref, 'R1', 10_000))
    const first = dataOf<RefundAnswer>(await refund('R1', 'RF1', 3_050))
    // 100 points for ¥100; ¥69.50 kept earns 69: the refund takes 31.
    expect(first).toMatchObject({ points: 31, refundFen: 3_050, refundableFen: 6_950, repeated: false })
    expect(dataOf<RefundAnswer>(await refund('R1', 'RF1', 3_050))).toMatchObject({
      repeated: true,
      points: 31,
    })
    const second = dataOf<RefundAnswer>(await refund('R1', 'RF2', 6_000))
    expect(second).toMatchObject({ points: 60, refundableFen: 950 })
    expect(await refund('R1', 'RF3', 951)).toMatchObject({ ok: false, code: 'REFUND_EXCEEDS_PURCHASE' })
    expect(dataOf<RefundAnswer>(await refund('R1', 'RF3', 950))).toMatchObject({
      points: 9,
      refundableFen: 0,
    })
    // All of it back, exactly: 100 earned, 31 + 60 + 9 taken.
    expect((await memberDoc(ref)).points).toBe(0)
    expect(await refund('R9', 'RF1', 100)).toMatchObject({ ok: false, code: 'POINTS_SOURCE_UNKNOWN' })
  })

  it('serialises concurrent partial refunds of one receipt: only those that fit, taking back what the kept part no longer earns', async () => {
    const ref = await member()
    dataOf(await award(ref, 'R3', 10_000))
    // Four returned lines of ¥30.50 pushed at once, one of them twice: ¥100 holds three.
    const refs = ['RF1', 'RF2', 'RF3', 'RF4', 'RF1']
    const answers = await Promise.all(refs.map((refundRef) => refund('R3', refundRef, 3_050)))
    const accepted = answers.filter((a) => a.ok && !dataOf<RefundAnswer>(a).repeated)
    const refused = answers.filter((a) => !a.ok)
    expect(accepted).toHaveLength(3)
    expect(refused.every((a) => a.code === 'REFUND_EXCEEDS_PURCHASE')).toBe(true)
    // The twin of an accepted refund is its repeat; of a refused one, refused too.
    const [first, twin] = [answers[0], answers[4]]
    if (first.ok) expect(dataOf<RefundAnswer>(twin)).toMatchObject({ repeated: true, refundFen: 3_050 })
    else expect(twin).toMatchObject({ ok: false, code: 'REFUND_EXCEEDS_PURCHASE' })
    expect(answers.filter((a) => a.ok)).toHaveLength(first.ok ? 4 : 3)
    // ¥91.50 refunded, ¥8.50 kept earns 8: 92 of the 100 points taken back, however they ran.
    const taken = accepted.reduce((sum, a) => sum + dataOf<RefundAnswer>(a).points, 0)
    expect(taken).toBe(92)
    const reversals = (await ledgerOf(ref)).filter((entry) => entry.kind === 'reverse')
    expect(reversals).toHaveLength(3)
    expect(reversals.reduce((sum, entry) => sum + Number(entry.refundFen), 0)).toBe(9_150)
    expect((await memberDoc(ref)).points).toBe(8)
    expect(await refund('R3', 'RF5', 851)).toMatchObject({ ok: false, code: 'REFUND_EXCEEDS_PURCHASE' })
    expect(dataOf<RefundAnswer>(await refund('R3', 'RF5', 850))).toMatchObject({
      points: 8,
      refundableFen: 0,
    })
    expect((await memberDoc(ref)).points).toBe(0)
    const run = await createPointsReconciliation({ db: env.db, clock: env.clock }).run({ fresh: true })
    expect(run.findings).toEqual([])
  })

  it('keeps counting refunds made before the running totals existed', async () => {
    const ref = await member()
    dataOf(await award(ref, 'R4', 10_000))
    dataOf(await refund('R4', 'RF1', 3_050))
    // As a receipt refunded before this release: its reversal entries, no totals.
    const earnId = `earn:receipt:${DEMO_STORES.xuhui}:R4`
    await env.db.collection('points_refunds').doc(earnId).remove()
    expect(dataOf<RefundAnswer>(await refund('R4', 'RF1', 3_050))).toMatchObject({
      repeated: true,
      points: 31,
      refundableFen: 6_950,
    })
    const answers = await Promise.all(['RF2', 'RF3', 'RF4'].map((r) => refund('R4', r, 3_050)))
    expect(answers.filter((a) => a.ok)).toHaveLength(2)
    expect((await memberDoc(ref)).points).toBe(8)
    expect((await env.all('points_refunds')).find((doc) => doc._id === earnId)).toMatchObject({
      refundedFen: 9_150,
      reversedPoints: 92,
    })
  })

  it('refunds under the version that scored the receipt, with its refund policy', async () => {
    const ref = await member()
    dataOf(await award(ref, 'R2', 10_000))
    const admin = await addAdmin(env)
    dataOf(
      await staffCall(admin, 'publishPointsRules', {
        rules: { ...DEMO_EARNING_RULES, rates: { default: 5 } },
        refundPolicy: 'absorb',
        holdDays: 7,
      }),
    )
    env.clock.advance(120_000)
    expect(dataOf<RefundAnswer>(await refund('R2', 'RF1', 10_000))).toMatchObject({ points: 100, owed: 0 })
    expect((await memberDoc(ref)).points).toBe(0)
  })
})

describe('staff.adjustPoints', () => {
  const adjust = (ref: string, delta: number, key: string, reasonCode = 'serviceRecovery') =>
    staffCall(MANAGER, 'adjustPoints', { ref, delta, reasonCode, key })

  it('adds available points at once, takes away only what is available, recorded with the reason', async () => {
    const ref = await member()
    expect(dataOf<AdjustAnswer>(await adjust(ref, 300, 'k1'))).toMatchObject({
      delta: 300,
      repeated: false,
      adjustmentsLeft: 19,
    })
    expect(dataOf<AdjustAnswer>(await adjust(ref, 300, 'k1'))).toMatchObject({
      repeated: true,
      adjustmentsLeft: 19,
    })
    expect(await adjust(ref, 500, 'k1')).toMatchObject({ ok: false, code: 'ADJUST_KEY_REUSED' })
    expect(await adjust(ref, -301, 'k2', 'systemError')).toMatchObject({
      ok: false,
      code: 'POINTS_INSUFFICIENT',
    })
    dataOf(await adjust(ref, -100, 'k3', 'systemError'))
    expect(await memberDoc(ref)).toMatchObject({ points: 200 })
    const writes = (await ledgerOf(ref)).filter((e) => e.kind === 'adjust')
    expect(writes.map((e) => [e.reason, e.actor, e.delta]).sort()).toEqual([
      ['serviceRecovery', 'staff:staff-demo-manager', 300],
      ['systemError', 'staff:staff-demo-manager', -100],
    ])
    for (const delta of [0, 10_001, -10_001, 1.5])
      expect(await adjust(ref, delta, 'k4')).toMatchObject({ ok: false, code: 'ADJUST_DELTA_INVALID' })
    expect(
      await staffCall(COUNTER, 'adjustPoints', { ref, delta: 1, reasonCode: 'systemError', key: 'k5' }),
    ).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })

  it('allows a manager 20 adjustments a day', async () => {
    const ref = await member()
    for (let i = 0; i < 20; i += 1) dataOf(await adjust(ref, 1, `d${i}`))
    expect(await adjust(ref, 1, 'd20')).toMatchObject({ ok: false, code: 'ADJUST_DAILY_LIMIT' })
    expect((await memberDoc(ref)).points).toBe(20)
  })
})

describe('staff.pointsReport', () => {
  it('sums the day’s shards per kind and carries the liability from the last monthly closing', async () => {
    env.clock.set('2024-05-20T02:00:00.000Z')
    const a = await member()
    const b = await member()
    dataOf(await award(a, 'M1', 10_000))
    dataOf(await award(b, 'M2', 20_000))
    env.clock.set('2024-06-03T02:00:00.000Z')
    expect((await closeMonths(env.db, env.clock)).closed).toBeGreaterThanOrEqual(1)
    dataOf(await award(a, 'J1', 5_000))
    dataOf(
      await staffCall(COUNTER, 'refundPurchase', { receiptNo: 'M2', refundRef: 'X1', refundFen: 20_000 }),
    )
    dataOf(
      await staffCall(MANAGER, 'adjustPoints', { ref: b, delta: 7, reasonCode: 'eventReward', key: 'e1' }),
    )
    env.clock.set('2024-06-06T02:00:00.000Z')
    dataOf(await award(b, 'J2', 1_000))
    // May's closing (300) and the days of June before the range make the opening liability.
    const report = dataOf<PointsReport>(
      await staffCall(MANAGER, 'pointsReport', { from: '2024-06-03', to: '2024-06-06' }),
    )
    const zero = { issued: 0, spent: 0, expired: 0, reversed: 0, adjusted: 0, absorbed: 0 }
    expect(report.rows).toEqual([
      { ...zero, day: '2024-06-03', issued: 50, reversed: 200, adjusted: 7, liability: 157 },
      { ...zero, day: '2024-06-04', liability: 157 },
      { ...zero, day: '2024-06-05', liability: 157 },
      { ...zero, day: '2024-06-06', issued: 10, liability: 167 },
    ])
    const later = dataOf<PointsReport>(
      await staffCall(MANAGER, 'pointsReport', { from: '2024-06-05', to: '2024-06-06' }),
    )
    expect(later.rows.map((row) => row.liability)).toEqual([157, 167])
    const [closing] = await env.all('points_closings')
    expect(closing).toMatchObject({ _id: `${DEMO_STORES.xuhui}:2024-05`, liability: 300 })
    expect(
      await staffCall(MANAGER, 'pointsReport', {
        from: '2024-06-01',
        to: '2024-06-05',
        storeId: DEMO_STORES.pudong,
      }),
    ).toMatchObject({ ok: false, code: 'STORE_UNKNOWN' })
    expect(await staffCall(MANAGER, 'pointsReport', { from: '2024-06-01', to: '2024-07-05' })).toMatchObject({
      ok: false,
      code: 'REPORT_RANGE_INVALID',
    })
  })

  it('reads the closing, not the days it closed', async () => {
    env.clock.set('2024-05-20T02:00:00.000Z')
    const a = await member()
    dataOf(await award(a, 'M1', 10_000))
    env.clock.set('2024-06-03T02:00:00.000Z')
    await closeMonths(env.db, env.clock)
    // A closing says what the month ended with; the report trusts it.
    await env.db
      .collection('points_closings')
      .doc(`${DEMO_STORES.xuhui}:2024-05`)
      .update({ data: { liability: 1000 } })
    const report = dataOf<PointsReport>(
      await staffCall(MANAGER, 'pointsReport', { from: '2024-06-01', to: '2024-06-01' }),
    )
    expect(report.rows[0].liability).toBe(1000)
  })
})

describe('member.home after an award', () => {
  it('shows points held for the return window apart from the available ones, until they are available', async () => {
    const openid = shopper()
    await env.join(openid, { ...VALID_FORM, phone: '13900008888' })
    const ref = (await env.memberIdOf(openid)) as string
    dataOf(await award(ref, 'H1', 10_000))
    const home = async () =>
      dataOf<{ member: { available: number; pending: number } }>(await env.call(openid, 'home')).member
    expect(await home()).toMatchObject({ available: 0, pending: 100 })
    env.clock.advance(8 * 86_400_000)
    expect(await home()).toMatchObject({ available: 100, pending: 0 })
  })
})
