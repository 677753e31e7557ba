import fc from 'fast-check'

import type { Tier } from '@/domain/member/model'
import { parseEarningRules } from '@/domain/points/rulesInput'
import {
  atReview,
  DEFAULT_TIER_POLICY,
  nextTier,
  reviewDate,
  tierFor,
  TIER_ORDER,
  upgradeOnly,
  type TierPolicy,
} from '@/domain/points/tiers'
import { DEMO_EARNING_RULES } from '@/domain/points/versions'

const POLICY: TierPolicy = {
  ...DEFAULT_TIER_POLICY,
  thresholds: { vip: 100_000, vvip: 500_000 },
}

const rank = (tier: Tier) => TIER_ORDER.indexOf(tier)
const tiers = fc.constantFrom<Tier>('normal', 'vip', 'vvip')
const spend = fc.integer({ min: -1_000_000, max: 10_000_000 })

describe('tiers by 12-month qualifying spend', () => {
  test.each([
    [0, 'normal'],
    [99_999, 'normal'],
    [100_000, 'vip'],
    [499_999, 'vip'],
    [500_000, 'vvip'],
    [-5_000, 'normal'],
  ] as const)('[6.6.1] should give %i fen of spend the tier %s', (fen, tier) => {
    expect(tierFor(fen, POLICY)).toBe(tier)
  })

  test.each([
    ['vvip', 0, 'vvip'],
    ['normal', 120_000, 'vip'],
    ['vip', 600_000, 'vvip'],
    ['vip', 10, 'vip'],
  ] as const)('should keep %s or raise it when %i fen is spent between reviews', (current, fen, tier) => {
    expect(upgradeOnly(current, fen, POLICY)).toBe(tier)
  })

  test.each([
    ['vvip', 0, 'normal', true],
    ['vip', 150_000, 'vip', false],
    ['normal', 600_000, 'vvip', true],
  ] as const)('should set %s from %i fen at the review (→ %s)', (current, fen, tier, changed) => {
    expect(atReview(current, fen, POLICY)).toEqual({ tier, changed })
  })

  test.each([
    [0, { tier: 'vip', missingFen: 100_000 }],
    [130_000, { tier: 'vvip', missingFen: 370_000 }],
    [500_000, null],
  ] as const)('should say what the next tier needs from %i fen', (fen, next) => {
    expect(nextTier(fen, POLICY)).toEqual(next)
  })

  test('should name the tier above a member kept above their spend until the review', () => {
    expect(nextTier(0, POLICY, 'vip')).toEqual({ tier: 'vvip', missingFen: 500_000 })
    expect(nextTier(0, POLICY, 'vvip')).toBeNull()
  })

  test('should never give a lower tier for more spend', () => {
    fc.assert(
      fc.property(spend, spend, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a]
        expect(rank(tierFor(high, POLICY))).toBeGreaterThanOrEqual(rank(tierFor(low, POLICY)))
      }),
    )
  })

  test('should never lower a tier between reviews', () => {
    fc.assert(
      fc.property(tiers, spend, (current, fen) => {
        expect(rank(upgradeOnly(current, fen, POLICY))).toBeGreaterThanOrEqual(rank(current))
        expect(rank(upgradeOnly(current, fen, POLICY))).toBeGreaterThanOrEqual(rank(tierFor(fen, POLICY)))
      }),
    )
  })

  test('should make the missing spend exactly reach the next tier', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (fen) => {
        const next = nextTier(fen, POLICY)
        if (next) expect(tierFor(fen + next.missingFen, POLICY)).toBe(next.tier)
        if (next) expect(tierFor(fen + next.missingFen - 1, POLICY)).not.toBe(next.tier)
      }),
    )
  })

  test.each([
    ['12-31', 2026, '2026-12-31'],
    ['02-29', 2026, '2026-02-28'],
    ['02-29', 2028, '2028-02-29'],
  ])('should hold the review of %s in %i on %s', (monthDay, year, day) => {
    expect(reviewDate(year, { ...POLICY, reviewMonthDay: monthDay })).toBe(day)
  })
})

describe('the tier policy in the published rules', () => {
  test('should accept the demo rules with their tiers', () => {
    expect(parseEarningRules(DEMO_EARNING_RULES)?.tiers).toEqual(DEFAULT_TIER_POLICY)
  })

  test.each([
    ['thresholds in the wrong order', { thresholds: { vip: 500, vvip: 100 } }],
    ['a review day that is no date', { reviewMonthDay: '13-01' }],
    ['an unknown field', { discount: 0.9 }],
    ['a fractional threshold', { thresholds: { vip: 1.5, vvip: 100 } }],
  ])('should refuse %s', (_name, change) => {
    expect(
      parseEarningRules({ ...DEMO_EARNING_RULES, tiers: { ...DEFAULT_TIER_POLICY, ...change } }),
    ).toBeNull()
  })
})
