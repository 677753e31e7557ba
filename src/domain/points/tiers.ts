/**
 * Member tiers (6.6.1, 6.6.2, 6.3.2): 普通 / VIP / VVIP by the 12-month qualifying spend, never by
 * the points balance. A tier is reached as soon as the spend crosses its threshold and kept until
 * the yearly review, which sets every member's tier from the spend again (downgrades included).
 *
 * The policy is part of the versioned earning rules (`EarningRules.tiers`): thresholds, the review
 * day and each tier's benefits are published like the rates. Benefits are services (earning rate,
 * free parking, the lounge, tier-only events): a tier never changes the price of the same thing
 * (L-13).
 */
import type { Tier } from '../member/model'

export const TIER_ORDER: readonly Tier[] = ['normal', 'vip', 'vvip']

export interface TierBenefits {
  /** Free parking hours per visit. */
  parkingFreeHours: number
  /** Access to the members' lounge (6.3.2). */
  lounge: boolean
  /** Tier-only events members sign up for (6.6.2), as the shopper reads them. */
  events: string[]
}

export interface TierPolicy {
  /** Fen of 12-month qualifying spend each tier needs. */
  thresholds: { vip: number; vvip: number }
  /** `MM-DD`: the China day of the yearly review. */
  reviewMonthDay: string
  benefits: Record<Tier, TierBenefits>
}

/** What the demo mall publishes with its first rules version, and what rules without tiers mean. */
export const DEFAULT_TIER_POLICY: TierPolicy = {
  thresholds: { vip: 2_000_000, vvip: 10_000_000 },
  reviewMonthDay: '12-31',
  benefits: {
    normal: { parkingFreeHours: 1, lounge: false, events: [] },
    vip: { parkingFreeHours: 2, lounge: false, events: ['VIP 新品品鉴会'] },
    vvip: { parkingFreeHours: 4, lounge: true, events: ['VIP 新品品鉴会', 'VVIP 私享晚宴'] },
  },
}

const rank = (tier: Tier) => TIER_ORDER.indexOf(tier)

/** The tier `spendFen` of 12-month qualifying spend earns. */
export function tierFor(spendFen: number, policy: TierPolicy): Tier {
  if (spendFen >= policy.thresholds.vvip) return 'vvip'
  if (spendFen >= policy.thresholds.vip) return 'vip'
  return 'normal'
}

/** Between reviews: the higher of the current tier and what the spend earns (never lower). */
export function upgradeOnly(current: Tier, spendFen: number, policy: TierPolicy): Tier {
  const earned = tierFor(spendFen, policy)
  return rank(earned) > rank(current) ? earned : current
}

/** At the yearly review: the tier the spend earns, and whether it differs from the current one. */
export function atReview(
  current: Tier,
  spendFen: number,
  policy: TierPolicy,
): { tier: Tier; changed: boolean } {
  const tier = tierFor(spendFen, policy)
  return { tier, changed: tier !== current }
}

/**
 * The next tier up and the spend it still needs; null at the top. `current`: the member's tier,
 * which may stand above what the spend earns until the review (the next one is above both).
 */
export function nextTier(
  spendFen: number,
  policy: TierPolicy,
  current: Tier = 'normal',
): { tier: Tier; missingFen: number } | null {
  const from = Math.max(rank(tierFor(spendFen, policy)), rank(current))
  const next = TIER_ORDER[from + 1]
  if (!next) return null
  return { tier: next, missingFen: Math.max(0, policy.thresholds[next as 'vip' | 'vvip'] - spendFen) }
}

/** The review's China date in `year` (`YYYY-MM-DD`); 02-29 falls on 02-28 in other years. */
export function reviewDate(year: number, policy: TierPolicy): string {
  const [month, day] = policy.reviewMonthDay.split('-').map(Number)
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`
}

/** The policy a rules version carries, or the default for versions published before tiers. */
export const tierPolicyOf = (rules: { tiers?: TierPolicy } | undefined): TierPolicy =>
  rules?.tiers ?? DEFAULT_TIER_POLICY
