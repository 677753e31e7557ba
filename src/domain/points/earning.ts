/**
 * Scoring a purchase (6.4.1): the earning rules a manager sets, as data, and the pure function
 * that turns a purchase into points with the lines the shopper reads
 * (基础 1 分/元 · 会员日 2 倍 · 品牌加赠 50 分).
 *
 * Money is integer fen; points are integers. Rates and factors carry at most two decimals and are
 * scaled to integers before multiplying, so 0.29 × 100 never becomes 28: the bounds below keep
 * every product under 2^53.
 */
import { chinaDate, parseIsoDate } from '../dates'
import type { BirthdayFact, Tier } from '../member/model'
import type { TierPolicy } from './tiers'

/** ¥1,000,000: more than one receipt at a mall's till; keeps the arithmetic exact. */
export const MAX_PURCHASE_FEN = 100_000_000
export const MAX_RATE = 100
export const MAX_FACTOR = 10
export const MAX_BONUS_POINTS = 100_000

export interface Purchase {
  /** What was paid, in fen (an integer ≥ 0). */
  amountFen: number
  /** When (ISO instant): the day it falls on in China decides member days and birthdays. */
  at: string
  storeId: string
  brandId?: string
  counterId?: string
}

/** What scoring needs of the member: nothing more. */
export interface EarningMember {
  tier: Tier
  /**
   * Whether the purchase's China day is the member's birthday or in their birth month, worked
   * out by the caller (the birth date itself stays encrypted); never a birthday when absent.
   */
  birthday?: BirthdayFact
}

/** When a rule applies: China dates, both ends included; open when absent. */
export interface Validity {
  validFrom?: string
  validTo?: string
  /** Only in these stores; every store when absent. */
  storeIds?: string[]
}

export type MultiplierRule = Validity & {
  /** What the shopper reads: 会员日, 国庆, 店庆, 生日月 … */
  label: string
  /** ≥ 1, at most two decimals. */
  factor: number
} & (
    | { kind: 'weekday'; weekday: number }
    | { kind: 'monthDay'; day: number }
    | { kind: 'dates'; from: string; to: string }
    | { kind: 'birthday'; scope: 'day' | 'month' }
  )

export type BonusRule = Validity & {
  label: string
  /** Extra points, once per purchase that qualifies. */
  points: number
  /** The purchase must reach this amount (fen); any amount above zero when absent. */
  minAmountFen?: number
} & ({ kind: 'brand'; brandId: string } | { kind: 'counter'; counterId: string })

/** How several multipliers of one day combine: the manager's choice. */
export type Stacking = { policy: 'highest' } | { policy: 'additive'; cap: number }

type TierRates = Partial<Record<Tier, number>>

export interface EarningRules {
  /** Points per yuan: a store's tier rate, else the store's rate, else the tier rate, else `default`. */
  rates: {
    default: number
    tiers?: TierRates
    stores?: Record<string, { default?: number; tiers?: TierRates }>
  }
  multipliers: MultiplierRule[]
  bonuses: BonusRule[]
  stacking: Stacking
  /** Points on joining. */
  signUpBonus: number
  /** Tier thresholds, review day and benefits (tiers.ts); DEFAULT_TIER_POLICY when absent. */
  tiers?: TierPolicy
}

export interface EarningLine {
  kind: 'base' | 'multiplier' | 'bonus'
  /** 基础 · 会员日 · 品牌加赠 … */
  label: string
  /** 1 分/元 · 2 倍 · 50 分 */
  detail: string
  /** What this line adds. */
  points: number
}

export interface Earned {
  points: number
  lines: EarningLine[]
}

/** Two decimals as an integer: 1.25 → 125. */
const centi = (value: number) => Math.round(value * 100)

const formatNumber = (value: number) => String(centi(value) / 100)

function applies(rule: Validity, day: string, storeId: string): boolean {
  if (rule.validFrom && day < rule.validFrom) return false
  if (rule.validTo && day > rule.validTo) return false
  return !rule.storeIds || rule.storeIds.includes(storeId)
}

/** The day of the week (0 = Sunday) of a `YYYY-MM-DD` date. */
function weekdayOf(day: string): number {
  const { y, m, d } = parseIsoDate(day) ?? { y: 1970, m: 1, d: 1 }
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}

function multiplierApplies(rule: MultiplierRule, day: string, member: EarningMember): boolean {
  switch (rule.kind) {
    case 'weekday':
      return weekdayOf(day) === rule.weekday
    case 'monthDay':
      return Number(day.slice(8, 10)) === rule.day
    case 'dates':
      return day >= rule.from && day <= rule.to
    case 'birthday':
      return member.birthday?.[rule.scope] === true
  }
}

function bonusApplies(rule: BonusRule, purchase: Purchase): boolean {
  if (purchase.amountFen <= 0 || purchase.amountFen < (rule.minAmountFen ?? 0)) return false
  return rule.kind === 'brand' ? purchase.brandId === rule.brandId : purchase.counterId === rule.counterId
}

/** Points per yuan for `tier` in `storeId`. */
export function baseRate(rules: EarningRules, tier: Tier, storeId: string): number {
  const store = rules.rates.stores?.[storeId]
  return store?.tiers?.[tier] ?? store?.default ?? rules.rates.tiers?.[tier] ?? rules.rates.default
}

/** The combined factor (in hundredths) of the multipliers that apply, and their lines' words. */
function combine(
  factors: MultiplierRule[],
  stacking: Stacking,
): { factor: number; chosen: MultiplierRule[] } {
  if (factors.length === 0) return { factor: 100, chosen: [] }
  if (stacking.policy === 'highest') {
    const best = factors.reduce((a, b) => (centi(b.factor) > centi(a.factor) ? b : a))
    return { factor: centi(best.factor), chosen: [best] }
  }
  const sum = 100 + factors.reduce((total, rule) => total + centi(rule.factor) - 100, 0)
  return { factor: Math.min(sum, centi(stacking.cap)), chosen: factors }
}

/**
 * The points `purchase` earns `member` under `rules`: floor(amount × rate × multiplier) plus
 * the bonuses that apply. Never negative, never fractional, never less for a larger amount.
 */
export function earn(purchase: Purchase, member: EarningMember, rules: EarningRules): Earned {
  const amount = Math.max(0, Math.min(Math.trunc(purchase.amountFen), MAX_PURCHASE_FEN))
  const day = chinaDate(Date.parse(purchase.at))
  const rate = centi(Math.min(Math.max(baseRate(rules, member.tier, purchase.storeId), 0), MAX_RATE))
  // fen × (points per yuan × 100) / 100 fen per yuan / 100
  const base = Math.floor((amount * rate) / 10_000)
  const lines: EarningLine[] = [
    { kind: 'base', label: '基础', detail: `${formatNumber(rate / 100)} 分/元`, points: base },
  ]

  const { factor, chosen } = combine(
    rules.multipliers.filter(
      (rule) =>
        applies(rule, day, purchase.storeId) &&
        centi(rule.factor) > 100 &&
        centi(rule.factor) <= centi(MAX_FACTOR) &&
        multiplierApplies(rule, day, member),
    ),
    rules.stacking,
  )
  const multiplied = Math.floor((amount * rate * Math.max(factor, 100)) / 1_000_000)
  if (chosen.length > 0 && multiplied > base) {
    const detail =
      rules.stacking.policy === 'additive' && chosen.length > 1
        ? `${chosen.map((rule) => `${rule.label} ${formatNumber(rule.factor)} 倍`).join(' + ')}，合计 ${formatNumber(factor / 100)} 倍`
        : `${formatNumber(factor / 100)} 倍`
    const label = chosen.length === 1 ? chosen[0].label : '多重加倍'
    lines.push({ kind: 'multiplier', label, detail, points: multiplied - base })
  }

  let points = multiplied
  for (const rule of rules.bonuses) {
    if (!applies(rule, day, purchase.storeId) || !bonusApplies(rule, purchase)) continue
    const extra = Math.min(Math.max(Math.trunc(rule.points), 0), MAX_BONUS_POINTS)
    if (extra === 0) continue
    points += extra
    lines.push({ kind: 'bonus', label: rule.label, detail: `${extra} 分`, points: extra })
  }
  return { points, lines }
}

/**
 * The points a refund of `refundFen` takes back: what the purchase earned less what the part kept
 * would have earned, under the same rules (so a bonus goes only when the rest no longer
 * qualifies). A full refund takes back everything; the sum over partial refunds never exceeds it.
 */
export function refundPoints(
  purchase: Purchase,
  refundFen: number,
  member: EarningMember,
  rules: EarningRules,
): number {
  const kept = Math.max(0, purchase.amountFen - Math.max(0, Math.trunc(refundFen)))
  return earn(purchase, member, rules).points - earn({ ...purchase, amountFen: kept }, member, rules).points
}

/** A version of the rules: who set it and from when it scores purchases. */
export interface RulesVersion {
  version: number
  /** ISO instant from which purchases are scored by this version. */
  effectiveFrom: string
  rules: EarningRules
}

/** The version in force at `at`: the latest to have taken effect (the higher version on a tie). */
export function rulesAt(versions: readonly RulesVersion[], at: string): RulesVersion | undefined {
  const time = Date.parse(at)
  const key = (v: RulesVersion) => [Date.parse(v.effectiveFrom), v.version] as const
  let found: RulesVersion | undefined
  for (const candidate of versions) {
    const [from, version] = key(candidate)
    if (from > time) continue
    if (!found) found = candidate
    else {
      const [bestFrom, bestVersion] = key(found)
      if (from > bestFrom || (from === bestFrom && version > bestVersion)) found = candidate
    }
  }
  return found
}
