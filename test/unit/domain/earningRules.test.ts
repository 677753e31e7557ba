import fc from 'fast-check'

import {
  earn,
  MAX_PURCHASE_FEN,
  refundPoints,
  rulesAt,
  type EarningMember,
  type EarningRules,
  type MultiplierRule,
  type Purchase,
  type RulesVersion,
} from '@/domain/points/earning'

/** 2026-12-08 is a Tuesday in China; 10:00 there is 02:00 UTC. */
const TUESDAY = '2026-12-08T02:00:00Z'
const MONDAY = '2026-12-07T02:00:00Z'

const RULES: EarningRules = {
  rates: {
    default: 1,
    tiers: { vip: 1.5, vvip: 2 },
    stores: { 'store-b': { default: 2, tiers: { vvip: 3 } } },
  },
  multipliers: [],
  bonuses: [],
  stacking: { policy: 'highest' },
  signUpBonus: 100,
}

const purchase = (overrides: Partial<Purchase> = {}): Purchase => ({
  amountFen: 12_850,
  at: MONDAY,
  storeId: 'store-a',
  ...overrides,
})
const member = (overrides: Partial<EarningMember> = {}): EarningMember => ({ tier: 'normal', ...overrides })
const withRules = (overrides: Partial<EarningRules>): EarningRules => ({ ...RULES, ...overrides })

const memberDay: MultiplierRule = { kind: 'weekday', weekday: 2, label: '会员日', factor: 2 }
const birthdayMonth: MultiplierRule = { kind: 'birthday', scope: 'month', label: '生日月', factor: 1.5 }

describe('earn', () => {
  it.each([
    ['the mall’s rate', member(), 'store-a', 128],
    ['the tier’s rate', member({ tier: 'vip' }), 'store-a', 192],
    ['the store’s rate over the tier’s', member({ tier: 'vip' }), 'store-b', 257],
    ['the store’s tier rate over everything', member({ tier: 'vvip' }), 'store-b', 385],
  ])('[6.4.1] scores ¥128.50 at %s', (_name, who, storeId, points) => {
    expect(earn(purchase({ storeId }), who, RULES).points).toBe(points)
  })

  it('is exact with rates of two decimals (no 0.29 × 100 = 28.999…)', () => {
    const rules = withRules({ rates: { default: 0.29 } })
    expect(earn(purchase({ amountFen: 10_000 }), member(), rules).points).toBe(29)
    expect(
      earn(purchase({ amountFen: 1_000 }), member(), withRules({ rates: { default: 1.1 } })).points,
    ).toBe(11)
  })

  it.each<[string, MultiplierRule, string, EarningMember, number]>([
    ['a member day on its weekday', memberDay, TUESDAY, member(), 257],
    ['a member day on another weekday', memberDay, MONDAY, member(), 128],
    ['a day of the month', { kind: 'monthDay', day: 8, label: '会员日', factor: 3 }, TUESDAY, member(), 385],
    [
      'a holiday inside its dates',
      { kind: 'dates', from: '2026-12-06', to: '2026-12-08', label: '店庆', factor: 2 },
      MONDAY,
      member(),
      257,
    ],
    [
      'a holiday outside its dates',
      { kind: 'dates', from: '2026-12-08', to: '2026-12-09', label: '店庆', factor: 2 },
      MONDAY,
      member(),
      128,
    ],
    [
      'the birthday itself',
      { kind: 'birthday', scope: 'day', label: '生日', factor: 2 },
      MONDAY,
      member({ birthday: { day: true, month: true } }),
      257,
    ],
    [
      'not the birthday',
      { kind: 'birthday', scope: 'day', label: '生日', factor: 2 },
      MONDAY,
      member({ birthday: { day: false, month: true } }),
      128,
    ],
    ['the birthday month', birthdayMonth, MONDAY, member({ birthday: { day: false, month: true } }), 192],
    ['another month', birthdayMonth, MONDAY, member({ birthday: { day: false, month: false } }), 128],
    ['no birth date given', birthdayMonth, MONDAY, member(), 128],
  ])('[6.4.1] applies %s', (_name, rule, at, who, points) => {
    expect(earn(purchase({ at }), who, withRules({ multipliers: [rule] })).points).toBe(points)
  })

  it('[6.4.1] decides member days by the date in China, not UTC', () => {
    // 2026-12-07 16:30 UTC is Tuesday 00:30 in China.
    const rules = withRules({ multipliers: [memberDay] })
    expect(earn(purchase({ at: '2026-12-07T16:30:00Z' }), member(), rules).points).toBe(257)
    expect(earn(purchase({ at: '2026-12-07T15:59:59Z' }), member(), rules).points).toBe(128)
  })

  it('[6.4.1] keeps a rule to its validity window and stores', () => {
    const limited: MultiplierRule = { ...memberDay, validFrom: '2026-12-09', storeIds: ['store-a'] }
    expect(earn(purchase({ at: TUESDAY }), member(), withRules({ multipliers: [limited] })).points).toBe(128)
    const open = { ...memberDay, validTo: '2026-12-08', storeIds: ['store-b'] }
    expect(earn(purchase({ at: TUESDAY }), member(), withRules({ multipliers: [open] })).points).toBe(128)
    expect(
      earn(purchase({ at: TUESDAY, storeId: 'store-b' }), member(), withRules({ multipliers: [open] }))
        .points,
    ).toBe(514)
  })

  const birthdayOnMemberDay = { at: TUESDAY, who: member({ birthday: { day: false, month: true } }) }

  it('[6.4.1] stacks by the highest multiplier when the manager says so', () => {
    const rules = withRules({ multipliers: [memberDay, birthdayMonth] })
    const { points, lines } = earn(purchase({ at: birthdayOnMemberDay.at }), birthdayOnMemberDay.who, rules)
    expect(points).toBe(257)
    expect(lines.map((line) => [line.label, line.detail])).toEqual([
      ['基础', '1 分/元'],
      ['会员日', '2 倍'],
    ])
  })

  it('[6.4.1] adds multipliers up to the cap when the manager says so', () => {
    const additive = (cap: number) =>
      withRules({ multipliers: [memberDay, birthdayMonth], stacking: { policy: 'additive', cap } })
    const { at, who } = birthdayOnMemberDay
    const uncapped = earn(purchase({ at }), who, additive(5))
    expect(uncapped.points).toBe(321) // 128.5 × 2.5
    expect(uncapped.lines[1].detail).toBe('会员日 2 倍 + 生日月 1.5 倍，合计 2.5 倍')
    expect(earn(purchase({ at }), who, additive(2.2)).points).toBe(282) // 128.5 × 2.2
  })

  it('[6.4.1] adds a brand’s or a counter’s extra points once per qualifying purchase', () => {
    const rules = withRules({
      bonuses: [
        { kind: 'brand', brandId: 'lancome', label: '品牌加赠', points: 50, minAmountFen: 10_000 },
        { kind: 'counter', counterId: 'c-1', label: '专柜加赠', points: 20 },
      ],
    })
    const both = earn(purchase({ brandId: 'lancome', counterId: 'c-1' }), member(), rules)
    expect(both.points).toBe(198)
    expect(both.lines.map((line) => `${line.label} ${line.detail}`)).toEqual([
      '基础 1 分/元',
      '品牌加赠 50 分',
      '专柜加赠 20 分',
    ])
    expect(earn(purchase({ brandId: 'lancome', amountFen: 9_999 }), member(), rules).points).toBe(99)
    expect(earn(purchase({ brandId: 'dior' }), member(), rules).points).toBe(128)
    expect(earn(purchase({ counterId: 'c-1', amountFen: 0 }), member(), rules).points).toBe(0)
  })

  it('reads as lines whose points add up to the total', () => {
    const rules = withRules({
      multipliers: [memberDay],
      bonuses: [{ kind: 'brand', brandId: 'lancome', label: '品牌加赠', points: 50 }],
    })
    const { points, lines } = earn(purchase({ at: TUESDAY, brandId: 'lancome' }), member(), rules)
    expect(lines.map((line) => line.points)).toEqual([128, 129, 50])
    expect(lines.reduce((sum, line) => sum + line.points, 0)).toBe(points)
  })
})

describe('earn, for any rules and purchase', () => {
  const rate = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100)
  const factor = fc.integer({ min: 50, max: 1_000 }).map((n) => n / 100)
  const day = fc.date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true })
  const multiplier: fc.Arbitrary<MultiplierRule> = fc.oneof(
    fc.record({
      kind: fc.constant('weekday' as const),
      weekday: fc.integer({ min: 0, max: 6 }),
      label: fc.constant('会员日'),
      factor,
    }),
    fc.record({
      kind: fc.constant('monthDay' as const),
      day: fc.integer({ min: 1, max: 31 }),
      label: fc.constant('会员日'),
      factor,
    }),
    fc.record({
      kind: fc.constant('birthday' as const),
      scope: fc.constantFrom('day' as const, 'month' as const),
      label: fc.constant('生日'),
      factor,
    }),
  )
  const rules: fc.Arbitrary<EarningRules> = fc.record({
    rates: fc.record({ default: rate, tiers: fc.record({ vip: rate, vvip: rate }) }),
    multipliers: fc.array(multiplier, { maxLength: 4 }),
    bonuses: fc.array(
      fc.record({
        kind: fc.constant('brand' as const),
        brandId: fc.constantFrom('lancome', 'dior'),
        label: fc.constant('品牌加赠'),
        points: fc.integer({ min: -10, max: 500 }),
        minAmountFen: fc.integer({ min: 0, max: 100_000 }),
      }),
      { maxLength: 3 },
    ),
    stacking: fc.oneof(
      fc.constant({ policy: 'highest' as const }),
      fc.record({ policy: fc.constant('additive' as const), cap: factor }),
    ),
    signUpBonus: fc.constant(0),
  })
  const who: fc.Arbitrary<EarningMember> = fc.record({
    tier: fc.constantFrom('normal' as const, 'vip' as const, 'vvip' as const),
    birthday: fc.option(fc.record({ day: fc.boolean(), month: fc.boolean() }), { nil: undefined }),
  })
  const amount = fc.integer({ min: 0, max: MAX_PURCHASE_FEN })
  const buy = (amountFen: number, at: Date, brandId: string): Purchase => ({
    amountFen,
    at: at.toISOString(),
    storeId: 'store-a',
    brandId,
  })
  const brand = fc.constantFrom('lancome', 'dior', 'none')

  it('is a whole number of points, never negative', () => {
    fc.assert(
      fc.property(rules, who, amount, day, brand, (r, m, a, at, b) => {
        const { points, lines } = earn(buy(a, at, b), m, r)
        return Number.isSafeInteger(points) && points >= 0 && lines.every((line) => line.points >= 0)
      }),
    )
  })

  it('never gives fewer points for a larger amount', () => {
    fc.assert(
      fc.property(rules, who, amount, amount, day, brand, (r, m, a, b, at, br) => {
        const [low, high] = a <= b ? [a, b] : [b, a]
        return earn(buy(low, at, br), m, r).points <= earn(buy(high, at, br), m, r).points
      }),
    )
  })

  it('takes back, over any partial refunds, at most what the purchase earned, and all of it in full', () => {
    fc.assert(
      fc.property(
        rules,
        who,
        amount,
        fc.array(fc.nat(), { maxLength: 4 }),
        day,
        brand,
        (r, m, a, parts, at, br) => {
          const bought = buy(a, at, br)
          const earned = earn(bought, m, r).points
          let left = bought
          let back = 0
          for (const part of parts) {
            const refund = Math.min(part, left.amountFen)
            const taken = refundPoints(left, refund, m, r)
            if (taken < 0) return false
            back += taken
            left = { ...left, amountFen: left.amountFen - refund }
          }
          back += refundPoints(left, left.amountFen, m, r)
          return back === earned
        },
      ),
    )
  })
})

describe('rulesAt', () => {
  const version = (n: number, effectiveFrom: string): RulesVersion => ({
    version: n,
    effectiveFrom,
    rules: RULES,
  })
  const versions = [
    version(1, '2026-01-01T00:00:00Z'),
    version(3, '2026-12-01T00:00:00Z'),
    version(2, '2026-06-01T00:00:00Z'),
  ]

  it.each([
    ['before any version', '2025-12-31T23:59:59Z', undefined],
    ['at a version’s start', '2026-06-01T00:00:00Z', 2],
    ['between versions', '2026-11-30T00:00:00Z', 2],
    ['after the latest', '2026-12-07T00:00:00Z', 3],
  ])('scores a purchase %s by the version then in force', (_name, at, expected) => {
    expect(rulesAt(versions, at)?.version).toBe(expected)
  })

  it('prefers the higher version of two taking effect at the same time', () => {
    expect(
      rulesAt(
        [version(4, '2026-01-01T00:00:00Z'), version(5, '2026-01-01T00:00:00Z')],
        '2026-02-01T00:00:00Z',
      )?.version,
    ).toBe(5)
  })
})
