import { rewardsContract } from '@/domain/contracts/rewards'
import { mayKeepReward, rewardLimitsLabel, seesReward } from '@/domain/points/rewardForm'

const ENTRY = {
  name: '咖啡兑换券',
  kind: 'coupon',
  points: 300,
  perMemberLimit: 2,
  validDays: 30,
  tiers: [],
  storeIds: ['store-a'],
  status: 'active',
}

const parse = (input: object) => rewardsContract.saveReward.input.parse(input, { today: '2026-03-01' })

describe('a reward as a manager edits it', () => {
  it.each<[string, object, object]>([
    [
      'a new reward with its first stock',
      { key: 'new-reward-1', stock: 0 },
      { key: 'new-reward-1', stock: 0 },
    ],
    ['an existing one by id', { rewardId: 'reward-coffee' }, { rewardId: 'reward-coffee' }],
  ])('[6.4.2] accepts %s', (_name, target, expected) => {
    const parsed = parse({ ...target, ...ENTRY })
    expect(parsed).toEqual({ ok: true, data: { ...expected, ...ENTRY } })
  })

  it('keeps the optional fields given, tiers in their order and stores once each', () => {
    const parsed = parse({
      key: 'new-reward-2',
      stock: 5,
      ...ENTRY,
      kind: 'parking',
      parkingMinutes: 120,
      perDayLimit: 1,
      tiers: ['vvip', 'vip', 'vip'],
      storeIds: ['store-a', 'store-a', 'store-b'],
      startsOn: '2026-05-01',
      endsOn: '2026-05-01',
    })
    expect(parsed.ok && parsed.data).toEqual({
      key: 'new-reward-2',
      stock: 5,
      ...ENTRY,
      kind: 'parking',
      parkingMinutes: 120,
      perDayLimit: 1,
      tiers: ['vip', 'vvip'],
      storeIds: ['store-a', 'store-b'],
      startsOn: '2026-05-01',
      endsOn: '2026-05-01',
    })
  })

  it.each<[object, string, string]>([
    [{ name: ' ' }, 'REWARD_NAME_REQUIRED', 'name'],
    [{ name: '很'.repeat(31) }, 'FIELD_TOO_LONG', 'name'],
    [{ kind: 'cash' }, 'REWARD_KIND_INVALID', 'kind'],
    [{ points: 0 }, 'REWARD_POINTS_INVALID', 'points'],
    [{ points: 1.5 }, 'REWARD_POINTS_INVALID', 'points'],
    [{ points: 1_000_001 }, 'REWARD_POINTS_INVALID', 'points'],
    [{ stock: -1 }, 'REWARD_STOCK_INVALID', 'stock'],
    [{ stock: undefined }, 'REWARD_STOCK_INVALID', 'stock'],
    [{ perMemberLimit: 0 }, 'REWARD_LIMIT_INVALID', 'perMemberLimit'],
    [{ perDayLimit: 0 }, 'REWARD_LIMIT_INVALID', 'perDayLimit'],
    [{ perDayLimit: 3 }, 'REWARD_LIMIT_INVALID', 'perDayLimit'],
    [{ validDays: 0 }, 'REWARD_VALID_DAYS_INVALID', 'validDays'],
    [{ validDays: 367 }, 'REWARD_VALID_DAYS_INVALID', 'validDays'],
    [{ kind: 'parking' }, 'REWARD_PARKING_MINUTES_INVALID', 'parkingMinutes'],
    [{ parkingMinutes: 60 }, 'REWARD_PARKING_MINUTES_INVALID', 'parkingMinutes'],
    [{ kind: 'parking', parkingMinutes: 10 }, 'REWARD_PARKING_MINUTES_INVALID', 'parkingMinutes'],
    [{ tiers: ['gold'] }, 'REWARD_TIERS_INVALID', 'tiers'],
    [{ storeIds: [''] }, 'REWARD_STORES_INVALID', 'storeIds'],
    [{ status: 'deleted' }, 'INVALID_ARGUMENT', 'status'],
    [{ startsOn: '2026-02-30' }, 'REWARD_DATES_INVALID', 'startsOn'],
    [{ startsOn: '2026-05-02', endsOn: '2026-05-01' }, 'REWARD_DATES_INVALID', 'endsOn'],
    [{ rewardId: 'reward-coffee' }, 'INVALID_ARGUMENT', 'rewardId'],
    [{ key: 'short' }, 'INVALID_ARGUMENT', 'key'],
    [{ price: 1 }, 'INVALID_ARGUMENT', 'price'],
  ])('refuses %j with %s', (change, code, field) => {
    expect(parse({ key: 'new-reward-3', stock: 1, ...ENTRY, ...change })).toEqual(
      expect.objectContaining({ ok: false, code, field }),
    )
  })

  it('refuses a stock on an update: restocking is the only way to add items', () => {
    expect(parse({ rewardId: 'reward-coffee', stock: 5, ...ENTRY })).toEqual(
      expect.objectContaining({ ok: false, code: 'REWARD_STOCK_BY_RESTOCK', field: 'stock' }),
    )
  })
})

describe('who keeps and sees a reward', () => {
  it.each<[readonly string[] | 'all', string[], boolean, boolean]>([
    ['all', [], true, true],
    ['all', ['store-b'], true, true],
    [['store-a'], ['store-a'], true, true],
    [['store-a', 'store-b'], ['store-a', 'store-b'], true, true],
    [['store-a'], ['store-a', 'store-b'], false, true],
    [['store-a'], [], false, true],
    [['store-a'], ['store-b'], false, false],
  ])('staff of %j, a reward for %j: keeps %s, sees %s', (scope, storeIds, keeps, sees) => {
    expect(mayKeepReward(scope, storeIds)).toBe(keeps)
    expect(seesReward(scope, storeIds)).toBe(sees)
  })

  it('says a reward’s limits in one line', () => {
    expect(rewardLimitsLabel({ perMemberLimit: 2, perDayLimit: 1, validDays: 30 })).toBe(
      '每人限兑 2 次 · 每日 1 次 · 有效期 30 天',
    )
    expect(rewardLimitsLabel({ perMemberLimit: 5 })).toBe('每人限兑 5 次')
  })
})
