/**
 * The rewards catalogue kept in the staff tab (issue #11) against a real local-cloud database: a
 * manager's reward reaches the members' 积分商城, edits and pauses show there, restocks are
 * increments that race redemptions without losing one, a manager keeps only their own stores'
 * rewards, retries create nothing twice, and bad input changes nothing.
 */
import { createLedger, type Ledger } from '../../cloudfunctions/common/points/ledger'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { CatalogueAnswer, CatalogueEntry } from '../../src/domain/contracts/rewards'
import type { RewardView } from '../../src/domain/points/rewards'
import { addAdmin, staffCallOf } from './staffSupport'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
let ledger: Ledger
beforeEach(async () => {
  env = await createTestEnv()
  env.clock.set('2026-03-01T04:00:00.000Z')
  ledger = createLedger({
    db: env.db,
    clock: env.clock,
    policy: { holdDays: 7, expiry: { kind: 'endOfNextYear' } },
  })
  admin = await addAdmin(env)
})
afterEach(() => env.cloud.close())

const staff = staffCallOf(() => env)
const { manager, counter } = DEMO_PERSONAS
let admin: string
let keys = 0
const key = () => `key-${++keys}-${Math.random().toString(36).slice(2, 10)}`
let phones = 0

const ENTRY = {
  name: '徐汇店咖啡券',
  kind: 'coupon',
  points: 300,
  perMemberLimit: 2,
  perDayLimit: 1,
  validDays: 30,
  tiers: [],
  storeIds: [DEMO_STORES.xuhui],
  status: 'active',
}

async function memberWithPoints(points: number): Promise<string> {
  const openid = shopper()
  const memberId = await env.member(openid, {
    ...VALID_FORM,
    phone: `1390000${String(++phones).padStart(4, '0')}`,
  })
  await ledger.earn({
    memberId,
    source: { kind: 'card', ref: `open-${memberId}` },
    points,
    storeId: DEMO_STORES.xuhui,
    actor: 'system:test',
    immediate: true,
  })
  return openid
}

const create = async (openid: string, entry: object = ENTRY, stock = 10) =>
  dataOf<{ reward: CatalogueEntry; repeated: boolean }>(
    await staff(openid, 'saveReward', { key: key(), stock, ...entry }),
  ).reward
const shop = async (openid: string) =>
  dataOf<{ rewards: RewardView[] }>(await env.call(openid, 'rewards', {})).rewards
const catalogue = async (openid: string) => dataOf<CatalogueAnswer>(await staff(openid, 'rewardCatalogue'))
const stockOf = async (id: string) => Number((await env.db.collection('rewards').doc(id).get()).data?.stock)
const rewardAudit = async (id: string) =>
  (await env.all('audit_log')).filter((entry) => entry.memberId === `reward:${id}`)

describe('the rewards catalogue in the staff tab', () => {
  it('[6.4.2] a manager’s new reward for their store shows in a member’s 积分商城, audited', async () => {
    const reward = await create(manager)
    expect(reward).toMatchObject({
      name: '徐汇店咖啡券',
      kindLabel: '优惠券',
      stock: 10,
      perDayLimit: 1,
      storeIds: [DEMO_STORES.xuhui],
      editable: true,
    })
    const shopper = await memberWithPoints(1000)
    expect((await shop(shopper)).find((r) => r.id === reward.id)).toMatchObject({
      name: '徐汇店咖啡券',
      points: 300,
      limit: 2,
      blocked: null,
    })
    expect((await catalogue(manager)).rewards.map((r) => r.id)).toContain(reward.id)
    expect(await rewardAudit(reward.id)).toEqual([
      expect.objectContaining({ actor: 'staff:staff-demo-manager', action: 'create', purpose: 'staffAdmin' }),
    ])
  })

  it('creates a reward once for a retried request, and refuses the key for another staff member', async () => {
    const k = key()
    const input = { key: k, stock: 5, ...ENTRY }
    const [first, again] = await Promise.all([
      staff(manager, 'saveReward', input),
      staff(manager, 'saveReward', input),
    ])
    const answers = [first, again].map((a) => dataOf<{ reward: CatalogueEntry; repeated: boolean }>(a))
    expect(answers.map((a) => a.repeated).sort()).toEqual([false, true])
    expect(answers[0].reward.id).toBe(answers[1].reward.id)
    expect(await staff(admin, 'saveReward', input)).toMatchObject({ ok: false, code: 'REWARD_KEY_REUSED' })
    expect((await catalogue(manager)).rewards.filter((r) => r.name === ENTRY.name)).toHaveLength(1)
  })

  it('[6.4.2] an edit of the price, a cleared daily limit and a pause show in the 积分商城', async () => {
    const reward = await create(manager)
    const shopper = await memberWithPoints(1000)
    const { perDayLimit: _dropped, ...withoutDaily } = ENTRY
    const saved = dataOf<{ reward: CatalogueEntry }>(
      await staff(manager, 'saveReward', { rewardId: reward.id, ...withoutDaily, points: 250 }),
    ).reward
    expect(saved).toMatchObject({ points: 250, stock: 10 })
    expect(saved).not.toHaveProperty('perDayLimit')
    expect((await env.db.collection('rewards').doc(reward.id).get()).data).not.toHaveProperty('perDayLimit')
    expect((await shop(shopper)).find((r) => r.id === reward.id)?.points).toBe(250)
    await staff(manager, 'saveReward', { rewardId: reward.id, ...withoutDaily, status: 'paused' })
    expect((await shop(shopper)).map((r) => r.id)).not.toContain(reward.id)
    expect(await env.call(shopper, 'redeem', { rewardId: reward.id, key: key() })).toMatchObject({
      code: 'REWARD_UNAVAILABLE',
    })
    expect((await catalogue(manager)).rewards.find((r) => r.id === reward.id)?.status).toBe('paused')
  })

  it('[6.4.2] 10 restocks of 1 racing 10 redemptions lose no decrement and no increment', async () => {
    const reward = await create(manager, { ...ENTRY, perDayLimit: undefined, points: 100 }, 3)
    const shoppers = await Promise.all(Array.from({ length: 10 }, () => memberWithPoints(1000)))
    const answers = await Promise.all([
      ...shoppers.map((openid) => env.call(openid, 'redeem', { rewardId: reward.id, key: key() })),
      ...Array.from({ length: 10 }, () =>
        staff(manager, 'restockReward', { rewardId: reward.id, amount: 1, key: key() }),
      ),
    ])
    const redeemed = answers.slice(0, 10).filter((a) => a.ok).length
    expect(answers.slice(10).every((a) => a.ok)).toBe(true)
    expect(redeemed).toBeGreaterThanOrEqual(3)
    expect(await stockOf(reward.id)).toBe(3 + 10 - redeemed)
  })

  it('adds a retried restock once', async () => {
    const reward = await create(manager)
    const k = key()
    const first = await staff(manager, 'restockReward', { rewardId: reward.id, amount: 5, key: k })
    const again = await staff(manager, 'restockReward', { rewardId: reward.id, amount: 5, key: k })
    expect(first).toMatchObject({ ok: true, data: { stock: 15, repeated: false } })
    expect(again).toMatchObject({ ok: true, data: { stock: 15, repeated: true } })
    expect(await rewardAudit(reward.id)).toHaveLength(2)
  })

  it('a manager keeps only rewards limited to their stores; the admin keeps every reward', async () => {
    const before = await env.dump()
    for (const storeIds of [[DEMO_STORES.pudong], [], [DEMO_STORES.xuhui, DEMO_STORES.pudong]])
      expect(await staff(manager, 'saveReward', { key: key(), stock: 1, ...ENTRY, storeIds })).toMatchObject({
        ok: false,
        code: 'REWARD_STORES_INVALID',
      })
    expect(await env.dump()).toEqual(before)
    const pudong = await create(admin, { ...ENTRY, storeIds: [DEMO_STORES.pudong] })
    const mallWide = await create(admin, { ...ENTRY, storeIds: [] })
    const seen = await catalogue(manager)
    expect(seen.rewards.map((r) => r.id)).not.toContain(pudong.id)
    expect(seen.rewards.find((r) => r.id === mallWide.id)).toMatchObject({
      editable: false,
      stores: '全部门店',
    })
    expect(seen).toMatchObject({ mallWide: false, stores: [{ id: DEMO_STORES.xuhui }] })
    expect(await staff(manager, 'saveReward', { rewardId: pudong.id, ...ENTRY })).toMatchObject({
      code: 'REWARD_UNKNOWN',
    })
    expect(await staff(manager, 'saveReward', { rewardId: mallWide.id, ...ENTRY })).toMatchObject({
      code: 'REWARD_STORES_INVALID',
    })
    expect(
      await staff(manager, 'restockReward', { rewardId: mallWide.id, amount: 1, key: key() }),
    ).toMatchObject({ code: 'REWARD_STORES_INVALID' })
    expect(await stockOf(mallWide.id)).toBe(10)
    expect((await catalogue(admin)).rewards.every((r) => r.editable)).toBe(true)
    expect(await staff(counter, 'rewardCatalogue')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  it('refuses bad input with its code and changes nothing', async () => {
    const reward = await create(manager)
    const before = await env.dump()
    const cases: [object, string][] = [
      [{ key: key(), stock: 1, ...ENTRY, name: '' }, 'REWARD_NAME_REQUIRED'],
      [{ key: key(), stock: 1, ...ENTRY, points: 0 }, 'REWARD_POINTS_INVALID'],
      [{ key: key(), stock: -1, ...ENTRY }, 'REWARD_STOCK_INVALID'],
      [{ key: key(), ...ENTRY }, 'REWARD_STOCK_INVALID'],
      [{ key: key(), stock: 1, ...ENTRY, perDayLimit: 3 }, 'REWARD_LIMIT_INVALID'],
      [{ key: key(), stock: 1, ...ENTRY, kind: 'parking' }, 'REWARD_PARKING_MINUTES_INVALID'],
      [
        { key: key(), stock: 1, ...ENTRY, startsOn: '2026-05-01', endsOn: '2026-04-01' },
        'REWARD_DATES_INVALID',
      ],
      [{ key: key(), stock: 1, ...ENTRY, storeIds: ['store-none'] }, 'REWARD_STORES_INVALID'],
      [{ rewardId: reward.id, stock: 99, ...ENTRY }, 'REWARD_STOCK_BY_RESTOCK'],
      [{ rewardId: 'reward-none', ...ENTRY }, 'REWARD_UNKNOWN'],
      [{ rewardId: reward.id, key: key(), ...ENTRY }, 'INVALID_ARGUMENT'],
    ]
    for (const [input, code] of cases)
      expect([input, await staff(manager, 'saveReward', input)]).toEqual([
        input,
        expect.objectContaining({ code }),
      ])
    for (const amount of [0, -1, 1.5, 100_001])
      expect(
        await staff(manager, 'restockReward', { rewardId: reward.id, amount, key: key() }),
      ).toMatchObject({ code: 'REWARD_RESTOCK_INVALID' })
    expect(await env.dump()).toEqual(before)
    expect(
      await staff(admin, 'saveReward', { key: key(), stock: 1, ...ENTRY, storeIds: ['store-none'] }),
    ).toMatchObject({
      code: 'STORE_UNKNOWN',
    })
  })
})
