/** The member's tier as the 会员等级 page reads it (answer of the member action `tier`). */
import { TIER_LABELS, type Tier } from '../member/model'
import { baseRate, type EarningRules } from './earning'
import { nextTier, reviewDate, TIER_ORDER, tierPolicyOf, type TierBenefits } from './tiers'

export type TierChangeReason = 'upgrade' | 'review'

export const TIER_CHANGE_LABELS: Record<TierChangeReason, string> = {
  upgrade: '消费达标升级',
  review: '年度等级评定',
}

/** One change of the member's tier, as the member sees it. */
export interface TierChangeView {
  from: Tier
  to: Tier
  reason: TierChangeReason
  /** The 12-month qualifying spend (fen) that decided it. */
  spendFen: number
  at: string
}

export interface TierBenefitsView extends TierBenefits {
  tier: Tier
  label: string
  /** Points per yuan in the member's store under the rules in force. */
  pointsPerYuan: number
  /** Fen of 12-month spend the tier needs (0 for the first). */
  thresholdFen: number
}

export interface TierView {
  tier: Tier
  label: string
  /** Fen spent in the last 12 China months, refunds deducted. */
  spendFen: number
  /** The next tier up and the spend it still needs; null at the top. */
  next: { tier: Tier; label: string; missingFen: number } | null
  /** China date of the next yearly review. */
  reviewOn: string
  benefits: TierBenefitsView[]
  /** Newest first. */
  history: TierChangeView[]
}

/** The page's view of `tier` with `spendFen` under `rules` in force (history added by the caller). */
export function tierView(input: {
  tier: Tier
  spendFen: number
  storeId: string
  rules: EarningRules
  today: string
}): Omit<TierView, 'history'> {
  const { tier, spendFen, storeId, rules, today } = input
  const policy = tierPolicyOf(rules)
  const next = nextTier(spendFen, policy, tier)
  const year = Number(today.slice(0, 4))
  const thisYear = reviewDate(year, policy)
  return {
    tier,
    label: TIER_LABELS[tier],
    spendFen,
    next: next ? { ...next, label: TIER_LABELS[next.tier] } : null,
    reviewOn: today <= thisYear ? thisYear : reviewDate(year + 1, policy),
    benefits: TIER_ORDER.map((each) => ({
      tier: each,
      label: TIER_LABELS[each],
      pointsPerYuan: baseRate(rules, each, storeId),
      thresholdFen: each === 'normal' ? 0 : policy.thresholds[each],
      ...policy.benefits[each],
    })),
  }
}
