/**
 * The member's points against a real local-cloud database: 积分明细 paged by a cursor with each
 * earn's lines and store, the balance and the next expiry; the catalogue and redemption (stock
 * under contention, points never lost, the per-member limit, idempotent retries, a code another
 * voucher holds); vouchers verified once at the counter, in their stores, and reversed by a manager.
 */
import { createLedger, type Ledger } from '../../cloudfunctions/common/points/ledger'
import {
  codeOf,
  createRedemptions,
  voucherEntryId,
  type VoucherDoc,
} from '../../cloudfunctions/common/points/redemptions'
import { createPointsReconciliation } from '../../cloudfunctions/scheduler/points'
import { createVoucherExpiry } from '../../cloudfunctions/scheduler/vouchers'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { HistoryEntry, PointsSummary } from '../../src/domain/points/model'
import type { Reward, VoucherView } from '../../src/domain/points/rewards'
import { staffCallOf } from './staffSupport'
import { createTestEnv, dataOf, shopper, VALID_FORM, type Answer, type TestEnv } from './support'

const STORE = DEMO_STORES.xuhui
const DAY = 86_400_000
const MINUTE = 60_000

let env: TestEnv
let ledger: Ledger
beforeEach(async () => {
  env = await createTestEnv()
  ledger = createLedger({
    db: env.db,
    clock: env.clock,
    policy: { holdDays: 7, expiry: { kind: 'endOfNextYear' } },
  })
})
afterEach(() => env.cloud.close())

const staff = staffCallOf(() => env)
let keys = 0
let phones = 0
const key = () => `key-${++keys}-${Math.random().toString(36).slice(2, 10)}`

async function memberWithPoints(points: number): Promise<{ openid: string; memberId: string }> {
  const openid = shopper()
  const memberId = await env.member(openid, {
    ...VALID_FORM,
    phone: `1390000${String(++phones).padStart(4, '0')}`,
  })
  if (points > 0)
    await ledger.earn({
      memberId,
      source: { kind: 'card', ref: `open-${memberId}` },
      points,
      storeId: STORE,
      actor: 'system:test',
      immediate: true,
    })
  return { openid, memberId }
}

async function addReward(overrides: Partial<Reward> = {}): Promise<Reward> {
  const reward: Reward = {
    _id: `reward-${Math.random().toString(36).slice(2, 10)}`,
    name: '咖啡兑换券',
    kind: 'coupon',
    points: 100,
    stock: 10,
    perMemberLimit: 5,
    status: 'active',
    ...overrides,
  }
  await env.db.collection('rewards').add({ data: { ...reward } as Record<string, unknown> })
  return reward
}

const stockOf = async (id: string) => Number((await env.db.collection('rewards').doc(id).get()).data?.stock)
const redemptionsOf = async (memberId: string): Promise<VoucherDoc[]> => {
  const vouchers = createRedemptions({ db: env.db, clock: env.clock })
  return (await env.all('points_ledger'))
    .filter((e) => e.memberId === memberId && e.voucher)
    .map((e) => vouchers.asVoucher(e as Parameters<typeof vouchers.asVoucher>[0]) as VoucherDoc)
}

async function ledgerSum(memberId: string): Promise<number> {
  const entries = (await env.all('points_ledger')).filter((e) => e.memberId === memberId)
  return entries.reduce((sum, e) => sum + Number(e.delta), 0)
}
const pointsOf = async (memberId: string) =>
  Number((await env.db.collection('members').doc(memberId).get()).data?.points)

const redeem = (openid: string, rewardId: string, k = key()) =>
  env.call(openid, 'redeem', { rewardId, key: k })
const voucherOf = (answer: Answer) => dataOf<{ voucher: VoucherView; summary: PointsSummary }>(answer).voucher

describe('积分明细', () => {
  it('[L-8] pages the ledger newest first by a cursor, with each earn’s lines, store and China time', async () => {
    const { openid, memberId } = await memberWithPoints(0)
    for (let i = 1; i <= 23; i++) {
      env.clock.advance(MINUTE)
      await ledger.earn({
        memberId,
        source: { kind: 'pos', ref: `${STORE}:R-${i}` },
        points: i,
        storeId: STORE,
        actor: 'staff:s-1',
        amountFen: i * 100,
        lines: [
          { kind: 'base', label: '基础', detail: '1 分/元', points: i },
          { kind: 'multiplier', label: '会员日', detail: '2 倍', points: 0 },
        ],
      })
    }
    const first = dataOf<{ entries: HistoryEntry[]; next: string | null; summary: PointsSummary }>(
      await env.call(openid, 'pointsHistory', {}),
    )
    expect(first.entries).toHaveLength(20)
    expect(first.entries[0]).toMatchObject({
      kind: 'earn',
      label: '消费积分',
      delta: 23,
      lines: ['基础 1 分/元 +23', '会员日 2 倍 +0'],
      amount: '23.00',
    })
    expect(first.entries[0].storeName).not.toBe('')
    expect(first.entries[0].time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
    expect(first.next).not.toBeNull()
    const second = dataOf<{ entries: HistoryEntry[]; next: string | null }>(
      await env.call(openid, 'pointsHistory', { cursor: first.next }),
    )
    expect(second.entries.map((e) => e.delta)).toEqual([3, 2, 1])
    expect(second.next).toBeNull()
    // Held for the return window: pending, not available.
    expect(first.summary).toMatchObject({ available: 0, pending: 276 })
  })

  it('says how many points expire on which day, from the live lots only', async () => {
    const { openid, memberId } = await memberWithPoints(500)
    await ledger.spend({
      memberId,
      source: { kind: 'redemption', ref: 'x-1' },
      points: 120,
      storeId: STORE,
      actor: 'system:test',
    })
    const { summary } = dataOf<{ summary: PointsSummary }>(await env.call(openid, 'pointsHistory', {}))
    expect(summary).toEqual({ available: 380, pending: 0, expiry: { points: 380, day: '2025-12-31' } })
  })

  it('refuses a cursor it did not make, and counts the member’s own views once a day', async () => {
    const { openid } = await memberWithPoints(10)
    expect(await env.call(openid, 'pointsHistory', { cursor: 'abc' })).toMatchObject({
      ok: false,
      code: 'POINTS_CURSOR_INVALID',
    })
    const before = (await env.all('audit_log')).length
    await env.call(openid, 'pointsHistory', {})
    await env.call(openid, 'pointsHistory', {})
    expect((await env.all('audit_log')).length).toBe(before)
  })

  it('[L-8] the data copy lists each ledger entry with its lines and the vouchers', async () => {
    const { openid, memberId } = await memberWithPoints(300)
    await ledger.earn({
      memberId,
      source: { kind: 'pos', ref: `${STORE}:R-x` },
      points: 5,
      storeId: STORE,
      actor: 'staff:s-1',
      lines: [{ kind: 'base', label: '基础', detail: '1 分/元', points: 5 }],
    })
    const reward = await addReward()
    const voucher = voucherOf(await redeem(openid, reward._id))
    const copy = dataOf<{
      export: { pointsLedger: Record<string, unknown>[]; other: Record<string, unknown[]> }
    }>(await env.call(openid, 'exportData')).export
    expect(copy.pointsLedger.find((e) => e.lines !== undefined)).toMatchObject({
      note: '消费积分',
      lines: ['基础 1 分/元 +5'],
    })
    expect(copy.pointsLedger.find((e) => e.delta === -100)).toMatchObject({ note: '积分兑换' })
    expect(copy.pointsLedger.find((e) => e.delta === -100)).toMatchObject({
      voucher: expect.objectContaining({ code: voucher.code, status: 'issued' }),
    })
  })
})

describe('redemption', () => {
  it('[6.4.2] spends the points through the ledger and issues an 8-character voucher; a retry answers the same', async () => {
    const { openid, memberId } = await memberWithPoints(300)
    const reward = await addReward({ points: 120 })
    const k = key()
    const first = await redeem(openid, reward._id, k)
    const voucher = voucherOf(first)
    expect(voucher.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/)
    expect(voucher).toMatchObject({
      status: 'issued',
      statusLabel: '待使用',
      points: 120,
      stores: '全部门店',
    })
    expect(dataOf<{ summary: PointsSummary }>(first).summary.available).toBe(180)
    const again = await Promise.all([redeem(openid, reward._id, k), redeem(openid, reward._id, k)])
    for (const answer of again) expect(voucherOf(answer).code).toBe(voucher.code)
    expect(await stockOf(reward._id)).toBe(9)
    expect(await pointsOf(memberId)).toBe(180)
    const mine = dataOf<{ vouchers: VoucherView[] }>(await env.call(openid, 'vouchers')).vouchers
    expect(mine.map((v) => v.code)).toEqual([voucher.code])
    const history = dataOf<{ entries: HistoryEntry[] }>(await env.call(openid, 'pointsHistory', {}))
    expect(history.entries[0]).toMatchObject({ label: '积分兑换', delta: -120, lines: ['咖啡兑换券'] })
  })

  it('[6.4.2] 50 concurrent redemptions of the last 5 items: exactly 5 vouchers, no point lost', async () => {
    const members = await Promise.all(Array.from({ length: 10 }, () => memberWithPoints(1000)))
    const reward = await addReward({ stock: 5, perMemberLimit: 10, points: 100 })
    const answers = await Promise.all(
      members.flatMap(({ openid }) => Array.from({ length: 5 }, () => redeem(openid, reward._id))),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(5)
    expect(answers.filter((a) => !a.ok).every((a) => !a.ok && a.code === 'REWARD_SOLD_OUT')).toBe(true)
    expect(await stockOf(reward._id)).toBe(0)
    for (const { memberId } of members) expect(await pointsOf(memberId)).toBe(await ledgerSum(memberId))
    const total = (await Promise.all(members.map(({ memberId }) => pointsOf(memberId)))).reduce(
      (a, b) => a + b,
      0,
    )
    expect(total).toBe(10 * 1000 - 5 * 100)
  })

  it('[6.4.2] 100 members redeeming the last 10 items at once, and one member 50 times with points for 3: never below zero, one entry each', async () => {
    const members = await Promise.all(Array.from({ length: 100 }, () => memberWithPoints(200)))
    const scarce = await addReward({ stock: 10, perMemberLimit: 5, points: 100 })
    const many = await Promise.all(members.map(({ openid }) => redeem(openid, scarce._id)))
    expect(many.filter((a) => a.ok)).toHaveLength(10)
    expect(await stockOf(scarce._id)).toBe(0)
    const one = await memberWithPoints(300)
    const plenty = await addReward({ stock: 100, perMemberLimit: 100, points: 100 })
    const own = await Promise.all(Array.from({ length: 50 }, () => redeem(one.openid, plenty._id)))
    expect(own.filter((a) => a.ok)).toHaveLength(3)
    expect(own.filter((a) => !a.ok).every((a) => !a.ok && a.code === 'POINTS_INSUFFICIENT')).toBe(true)
    expect(await stockOf(plenty._id)).toBe(97)
    expect(await pointsOf(one.memberId)).toBe(0)
    // Each accepted redemption: one spend entry, which is its voucher, and nothing else.
    const spends = (await env.all('points_ledger')).filter((e) => e.kind === 'spend')
    expect(spends).toHaveLength(13)
    const codes = spends.map((e) => (e.voucher as { code: string }).code)
    expect(new Set(codes).size).toBe(13)
    expect(spends.map((e) => e._id)).toEqual(codes.map(voucherEntryId))
  }, 60_000)

  it('holds a reward’s daily limit per member, and the next China day allows again', async () => {
    const { openid } = await memberWithPoints(1000)
    const reward = await addReward({ perDayLimit: 2, perMemberLimit: 10 })
    const answers = await Promise.all(Array.from({ length: 4 }, () => redeem(openid, reward._id)))
    expect(answers.filter((a) => a.ok)).toHaveLength(2)
    expect(answers.filter((a) => !a.ok && a.code === 'REDEEM_DAY_LIMIT')).toHaveLength(2)
    expect(await stockOf(reward._id)).toBe(8)
    const shown = dataOf<{ rewards: { id: string; blocked: string | null }[] }>(
      await env.call(openid, 'rewards'),
    )
    expect(shown.rewards.find((r) => r.id === reward._id)?.blocked).toBe('今日已达兑换上限')
    env.clock.advance(DAY)
    expect((await redeem(openid, reward._id)).ok).toBe(true)
  })

  it('[6.4.2] holds the per-member limit under concurrent redemptions', async () => {
    const { openid, memberId } = await memberWithPoints(5000)
    const reward = await addReward({ perMemberLimit: 2, stock: 50 })
    const answers = await Promise.all(Array.from({ length: 6 }, () => redeem(openid, reward._id)))
    expect(answers.filter((a) => a.ok)).toHaveLength(2)
    expect(answers.filter((a) => !a.ok && a.code === 'REDEEM_LIMIT')).toHaveLength(4)
    expect(await stockOf(reward._id)).toBe(48)
    expect(await pointsOf(memberId)).toBe(4800)
  })

  it('gives the stock back when the ledger refuses the points, and a retry answers the same refusal', async () => {
    const { openid, memberId } = await memberWithPoints(150)
    const a = await addReward({ points: 100 })
    const b = await addReward({ points: 100 })
    const keyA = key()
    const answers = await Promise.all([redeem(openid, a._id, keyA), redeem(openid, b._id)])
    expect(answers.filter((x) => x.ok)).toHaveLength(1)
    expect(answers.find((x) => !x.ok)).toMatchObject({ code: 'POINTS_INSUFFICIENT' })
    expect((await stockOf(a._id)) + (await stockOf(b._id))).toBe(19)
    expect(await pointsOf(memberId)).toBe(50)
    // The refused one left no voucher behind: the voucher is written with the spend.
    expect(await redemptionsOf(memberId)).toHaveLength(1)
    if (!answers[0].ok)
      expect(await redeem(openid, a._id, keyA)).toMatchObject({ code: 'POINTS_INSUFFICIENT' })
    // Short of points at the first look: no stock is taken at all.
    expect(await redeem(openid, a._id)).toMatchObject({ ok: false, code: 'POINTS_INSUFFICIENT' })
  })

  it('refuses a reward outside the member’s tier, paused or sold out, changing nothing', async () => {
    const { openid, memberId } = await memberWithPoints(1000)
    const vip = await addReward({ tiers: ['vip', 'vvip'] })
    const paused = await addReward({ status: 'paused' })
    const gone = await addReward({ stock: 0 })
    expect(await redeem(openid, vip._id)).toMatchObject({ code: 'REWARD_TIER' })
    expect(await redeem(openid, paused._id)).toMatchObject({ code: 'REWARD_UNAVAILABLE' })
    expect(await redeem(openid, gone._id)).toMatchObject({ code: 'REWARD_SOLD_OUT' })
    expect(await redeem(openid, 'reward-none')).toMatchObject({ code: 'REWARD_UNKNOWN' })
    expect(await redeem(openid, vip._id, 'bad key!')).toMatchObject({ code: 'REDEEM_KEY_INVALID' })
    expect(await redemptionsOf(memberId)).toHaveLength(0)
    expect(await pointsOf(memberId)).toBe(1000)
    const list = dataOf<{ rewards: { id: string; blocked: string | null }[] }>(
      await env.call(openid, 'rewards'),
    )
    expect(list.rewards.find((r) => r.id === vip._id)?.blocked).toBe('仅限VIP会员、VVIP会员兑换')
    expect(list.rewards.find((r) => r.id === gone._id)?.blocked).toBe('已兑完')
  })

  it('passes over a code another voucher holds, and a retry finds its voucher under the next code', async () => {
    const { openid, memberId } = await memberWithPoints(500)
    const reward = await addReward()
    const k = key()
    const id = createRedemptions({ db: env.db, clock: env.clock }).idOf(memberId, k)
    // Another redemption's voucher under this key's first code (two hashes agreeing on 40 bits).
    const other = await memberWithPoints(500)
    await ledger.spend({
      memberId: other.memberId,
      source: { kind: 'redemption', ref: 'rd-other' },
      points: 100,
      storeId: STORE,
      actor: 'system:test',
      voucher: {
        id: voucherEntryId(codeOf(id, 0)),
        voucher: createRedemptions({ db: env.db, clock: env.clock }).voucherOf(reward, codeOf(id, 0)),
      },
    })
    const first = voucherOf(await redeem(openid, reward._id, k))
    expect(first.code).toBe(codeOf(id, 1))
    expect(voucherOf(await redeem(openid, reward._id, k)).code).toBe(first.code)
    expect(await pointsOf(memberId)).toBe(400)
    expect(await pointsOf(other.memberId)).toBe(400)
    expect(await stockOf(reward._id)).toBe(9)
    expect((await redemptionsOf(memberId)).map((v) => v.code)).toEqual([first.code])
  })
})

describe('vouchers at the counter', () => {
  const { counter, manager } = DEMO_PERSONAS

  it('verifies a voucher once, in a store where it may be used, and audits it', async () => {
    const { openid, memberId } = await memberWithPoints(500)
    const here = voucherOf(await redeem(openid, (await addReward({ storeIds: [STORE] }))._id))
    const there = voucherOf(await redeem(openid, (await addReward({ storeIds: [DEMO_STORES.pudong] }))._id))
    expect(await staff(counter, 'verifyVoucher', { code: there.code })).toMatchObject({
      code: 'VOUCHER_OTHER_STORE',
    })
    const typed = `${here.code.slice(0, 4).toLowerCase()}-${here.code.slice(4)}`
    expect(await staff(counter, 'verifyVoucher', { code: typed })).toMatchObject({
      ok: true,
      data: { voucher: { code: here.code, storeId: STORE, rewardName: '咖啡兑换券' } },
    })
    const twice = await staff(counter, 'verifyVoucher', { code: here.code })
    expect(twice).toMatchObject({ ok: false, code: 'VOUCHER_USED' })
    expect(!twice.ok && twice.message).toContain('北京时间')
    expect(await staff(counter, 'verifyVoucher', { code: 'ZZZZZZZZ' })).toMatchObject({
      code: 'VOUCHER_UNKNOWN',
    })
    const used = (await redemptionsOf(memberId)).find((d) => d.code === here.code)
    expect(used).toMatchObject({
      status: 'verified',
      verification: { storeId: STORE, staffId: 'staff-demo-counter' },
    })
    const audited = (await env.all('audit_log')).filter(
      (e) => e.memberId === memberId && e.action === 'update',
    )
    expect(audited.length).toBeGreaterThanOrEqual(1)
    const mine = dataOf<{ vouchers: VoucherView[] }>(await env.call(openid, 'vouchers')).vouchers
    expect(mine.find((v) => v.code === here.code)?.statusLabel).toBe('已使用')
  })

  it('a manager reverses a verification within 24 hours with a reason; the points stay spent', async () => {
    const { openid, memberId } = await memberWithPoints(500)
    const voucher = voucherOf(await redeem(openid, (await addReward())._id))
    expect(await staff(manager, 'reverseVoucher', { code: voucher.code, reason: '误核销' })).toMatchObject({
      code: 'VOUCHER_NOT_USED',
    })
    await staff(counter, 'verifyVoucher', { code: voucher.code })
    expect(await staff(counter, 'reverseVoucher', { code: voucher.code, reason: '误核销' })).toMatchObject({
      code: 'FORBIDDEN',
    })
    expect(await staff(manager, 'reverseVoucher', { code: voucher.code })).toMatchObject({
      code: 'REVERSAL_REASON_REQUIRED',
    })
    expect(await staff(manager, 'reverseVoucher', { code: voucher.code, reason: '误核销' })).toMatchObject({
      ok: true,
      data: { voucher: { status: 'issued' } },
    })
    expect(await pointsOf(memberId)).toBe(400)
    await staff(counter, 'verifyVoucher', { code: voucher.code })
    env.clock.advance(DAY + MINUTE)
    expect(await staff(manager, 'reverseVoucher', { code: voucher.code, reason: '误核销' })).toMatchObject({
      code: 'REVERSAL_TOO_LATE',
    })
  })

  it('refuses a voucher past its last day', async () => {
    const { openid } = await memberWithPoints(500)
    const voucher = voucherOf(await redeem(openid, (await addReward({ validDays: 1 }))._id))
    env.clock.advance(DAY)
    expect(await staff(counter, 'verifyVoucher', { code: voucher.code })).toMatchObject({
      code: 'VOUCHER_EXPIRED',
    })
  })
})

describe('vouchers unused after their last day', () => {
  const expiry = () => createVoucherExpiry({ db: env.db, clock: env.clock, ledger })

  it('[6.4.2] give their points and their item back exactly once; a used one keeps them', async () => {
    const { openid, memberId } = await memberWithPoints(500)
    const reward = await addReward({ points: 120, validDays: 1, stock: 10 })
    const unused = voucherOf(await redeem(openid, reward._id))
    const used = voucherOf(await redeem(openid, reward._id))
    dataOf(await staff(DEMO_PERSONAS.counter, 'verifyVoucher', { code: used.code }))
    expect(await pointsOf(memberId)).toBe(260)
    expect(await stockOf(reward._id)).toBe(8)
    // Not before the day after its last day.
    expect(await expiry().run()).toMatchObject({ expired: 0, complete: true })
    env.clock.advance(DAY)
    // Two runs at once and a third after: one entry, one item back.
    const runs = await Promise.all([expiry().run(), expiry().run()])
    expect(runs.reduce((sum, run) => sum + run.points, 0)).toBe(120)
    expect(runs.reduce((sum, run) => sum + run.expired, 0)).toBe(1)
    expect(await expiry().run()).toMatchObject({ expired: 0, points: 0 })
    expect(await pointsOf(memberId)).toBe(380)
    expect(await ledgerSum(memberId)).toBe(380)
    expect(await stockOf(reward._id)).toBe(9)
    const back = (await env.all('points_ledger')).filter(
      (e) => e.memberId === memberId && e.kind === 'reverse',
    )
    expect(back).toEqual([
      expect.objectContaining({ delta: 120, reason: 'voucher_expired', actor: 'system:voucher-expiry' }),
    ])
    const mine = dataOf<{ vouchers: VoucherView[] }>(await env.call(openid, 'vouchers')).vouchers
    expect(mine.find((v) => v.code === unused.code)).toMatchObject({
      status: 'expired',
      statusLabel: '已过期',
    })
    expect(mine.find((v) => v.code === used.code)).toMatchObject({ status: 'verified' })
    // Its place under the member's limit is free again; the ledger still reconciles.
    expect((await env.db.collection('members').doc(memberId).get()).data?.rewardsHeld).toEqual({
      [reward._id]: 1,
    })
    const run = await createPointsReconciliation({ db: env.db, clock: env.clock }).run({ fresh: true })
    expect(run.findings).toEqual([])
  })

  it('a verification that wins the race with the expiry keeps the points spent and the item given', async () => {
    const { openid, memberId } = await memberWithPoints(300)
    const reward = await addReward({ points: 100, validDays: 1 })
    expect(await redeem(openid, reward._id)).toMatchObject({ ok: true })
    env.clock.advance(DAY)
    // The counter's verification runs between the expiry's read of the voucher and its write.
    const docs = await createRedemptions({ db: env.db, clock: env.clock }).pastTheirDay(10)
    let raced = false
    const stop = env.cloud.onTransactionStep(async (step) => {
      if (raced || step.action !== 'database.getDocument' || step.collection !== 'points_ledger') return
      raced = true
      await createRedemptions({ db: env.db, clock: env.clock }).verify(docs[0]._id, {
        storeId: STORE,
        staffId: 's',
        at: new Date(),
      })
    })
    const written = await createRedemptions({ db: env.db, clock: env.clock })
      .expire(docs[0], ledger, 'system:voucher-expiry')
      .finally(stop)
    expect(raced).toBe(true)
    expect(written).toEqual({ expired: false, points: 0 })
    expect(await pointsOf(memberId)).toBe(200)
    expect(await stockOf(reward._id)).toBe(9)
  })

  it('expires a deleted member’s voucher without points, its item back', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await ledger.earn({
      memberId,
      source: { kind: 'card', ref: 'del' },
      points: 300,
      storeId: STORE,
      actor: 'system:test',
      immediate: true,
    })
    const reward = await addReward({ points: 100, validDays: 1 })
    voucherOf(await redeem(openid, reward._id))
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    env.clock.advance(DAY)
    expect(await expiry().run()).toMatchObject({ expired: 1, points: 0 })
    expect(await stockOf(reward._id)).toBe(10)
  })
})
