/** Earning points, as a shopper reads it before joining (4.2.2.2). */
import { TIER_LABELS, type Tier } from '../member/model'

/** What a points rule (`points_rules`) says about earning. */
export interface EarningRule {
  pointsPerYuan: number
  tierMultipliers: Record<Tier, number>
  /** `floor`: fractions of a point are dropped. */
  rounding?: string
}

/** How points are earned under `rule`, one sentence a line, in Chinese. */
export function earningLines(rule: EarningRule): string[] {
  const tiers = (Object.keys(TIER_LABELS) as Tier[])
    .filter((tier) => rule.tierMultipliers[tier] !== 1)
    .map((tier) => `${TIER_LABELS[tier]}按 ${rule.tierMultipliers[tier]} 倍累积`)
  return [
    `在本商场消费，每 1 元累积 ${rule.pointsPerYuan} 分${rule.rounding === 'floor' ? '，不足 1 分的部分不计' : ''}`,
    ...(tiers.length > 0 ? [`${tiers.join('，')}`] : []),
    '积分可在会员中心兑换停车券等礼品',
  ]
}
