/** Earning points, as a shopper reads it before joining or at a counter (4.2.2.2). */
import { TIER_LABELS, type Tier } from '../member/model'
import { baseRate, type BonusRule, type EarningRules, type MultiplierRule, type Validity } from './earning'

/** Where the shopper reads the rules: a store, a counter of it, on a China day. */
export interface EarningPlace {
  storeId?: string
  counterId?: string
  /** `YYYY-MM-DD`: rules not valid that day are left out; every rule when absent. */
  day?: string
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

const number = (value: number) => String(Math.round(value * 100) / 100)

const yuan = (fen: number) => number(fen / 100)

function valid(rule: Validity, place: EarningPlace): boolean {
  if (place.day && rule.validFrom && place.day < rule.validFrom) return false
  if (place.day && rule.validTo && place.day > rule.validTo) return false
  return !rule.storeIds || !place.storeId || rule.storeIds.includes(place.storeId)
}

function when(rule: MultiplierRule): string {
  switch (rule.kind) {
    case 'weekday':
      return `每周${WEEKDAYS[rule.weekday] ?? ''}`
    case 'monthDay':
      return `每月 ${rule.day} 日`
    case 'dates':
      return rule.from === rule.to ? `${rule.from} ` : `${rule.from} 至 ${rule.to} `
    case 'birthday':
      return rule.scope === 'day' ? '生日当天' : '生日当月'
  }
}

function bonusLine(rule: BonusRule): string {
  const threshold = rule.minAmountFen ? `单笔满 ${yuan(rule.minAmountFen)} 元` : '消费'
  const where = rule.kind === 'counter' ? '在本专柜' : '购买指定品牌'
  return `${rule.label}：${where}${threshold}加赠 ${rule.points} 分`
}

/** How points are earned under `rules` at `place`, one sentence a line, in Chinese. */
export function earningLines(rules: EarningRules, place: EarningPlace = {}): string[] {
  const store = place.storeId ?? ''
  const base = baseRate(rules, 'normal', store)
  const tiers = (['vip', 'vvip'] as Tier[])
    .map((tier) => [tier, baseRate(rules, tier, store)] as const)
    .filter(([, rate]) => rate !== base)
    .map(([tier, rate]) => `${TIER_LABELS[tier]}每 1 元累积 ${number(rate)} 分`)
  const multipliers = rules.multipliers
    .filter((rule) => valid(rule, place) && rule.factor > 1)
    .map((rule) => `${when(rule)}${rule.label}积分 ${number(rule.factor)} 倍`)
  const bonuses = rules.bonuses
    .filter((rule) => valid(rule, place) && (rule.kind === 'brand' || rule.counterId === place.counterId))
    .map(bonusLine)
  return [
    `在本商场消费，每 1 元累积 ${number(base)} 分，不足 1 分的部分不计`,
    ...(tiers.length > 0 ? [tiers.join('，')] : []),
    ...multipliers,
    ...bonuses,
    '积分可在会员中心兑换停车券等礼品',
  ]
}
