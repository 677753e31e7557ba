/**
 * Versions of the earning rules (6.4.1) as `points_rules` keeps them: a new version never edits
 * an old one; each says from when it scores purchases, how refunds of spent points are settled
 * and how long new points are held. A purchase is scored, and later refunded, by the version in
 * force when it was made.
 */
import type { Tier } from '../member/model'
import type { EarningRules, RulesVersion } from './earning'
import { DEFAULT_TIER_POLICY } from './tiers'

export type RefundPolicy = 'negative' | 'absorb'

export const REFUND_POLICY_LABELS: Record<RefundPolicy, string> = {
  negative: '已用积分记为负积分，由后续积分抵扣',
  absorb: '已用积分由商场承担',
}

export interface PointsRulesVersion extends RulesVersion {
  refundPolicy: RefundPolicy
  /** Days new points are held (the return window) before they can be spent. */
  holdDays: number
  /** `staff:<id>` or `system:<job>`. */
  changedBy: string
  changedAt: string
  note: string
  /** What changed from the version before, in Chinese: the history's short diff. */
  summary: string[]
}

export const rulesVersionId = (version: number) => `v${version}`

const TIERS: Tier[] = ['normal', 'vip', 'vvip']

/** JSON with object keys sorted: two rules alike whatever order their fields came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b)

/** What changed from `before` to `after`, one short Chinese phrase a line ('首个版本' for the first). */
export function rulesDiff(
  before: Omit<PointsRulesVersion, 'summary'> | undefined,
  after: Omit<PointsRulesVersion, 'summary'>,
): string[] {
  if (!before) return ['首个版本']
  const changes: string[] = []
  const [a, b] = [before.rules, after.rules]
  if (a.rates.default !== b.rates.default)
    changes.push(`基础积分 ${a.rates.default} → ${b.rates.default} 分/元`)
  for (const tier of TIERS.slice(1))
    if (a.rates.tiers?.[tier] !== b.rates.tiers?.[tier])
      changes.push(
        `${tier.toUpperCase()} 积分 ${a.rates.tiers?.[tier] ?? '—'} → ${b.rates.tiers?.[tier] ?? '—'} 分/元`,
      )
  if (!same(a.rates.stores, b.rates.stores)) changes.push('门店积分比例调整')
  if (!same(a.multipliers, b.multipliers))
    changes.push(`加倍规则 ${a.multipliers.length} → ${b.multipliers.length} 条`)
  if (!same(a.bonuses, b.bonuses)) changes.push(`加赠规则 ${a.bonuses.length} → ${b.bonuses.length} 条`)
  if (!same(a.stacking, b.stacking)) changes.push('加倍叠加方式调整')
  if (!same(a.tiers, b.tiers)) changes.push('会员等级门槛或权益调整')
  if (a.signUpBonus !== b.signUpBonus) changes.push(`入会礼 ${a.signUpBonus} → ${b.signUpBonus} 分`)
  if (before.holdDays !== after.holdDays) changes.push(`冻结期 ${before.holdDays} → ${after.holdDays} 天`)
  if (before.refundPolicy !== after.refundPolicy) changes.push('退货扣分方式调整')
  return changes.length > 0 ? changes : ['无规则变化']
}

/** The earning rules the demo mall starts with (database/seed.ts). */
export const DEMO_EARNING_RULES: EarningRules = {
  rates: { default: 1, tiers: { vip: 1.2, vvip: 1.5 } },
  multipliers: [{ kind: 'weekday', weekday: 2, label: '会员日', factor: 2 }],
  bonuses: [
    {
      kind: 'counter',
      counterId: 'counter-xh-lancome',
      label: '专柜加赠',
      points: 50,
      minAmountFen: 50_000,
    },
  ],
  stacking: { policy: 'highest' },
  signUpBonus: 0,
  tiers: DEFAULT_TIER_POLICY,
}
