/**
 * The earning rules as a manager publishes them (6.4.1), checked field by field: rates 0–100 and
 * factors 1–10 with at most two decimals, whole bonus points up to MAX_BONUS_POINTS, real
 * dates, weekdays 0–6. Unknown fields are refused like everywhere else. The bounds keep `earn`'s
 * integer arithmetic exact.
 */
import { parseIsoDate } from '../dates'
import { hasUnsafeCharacters } from '../input'
import {
  MAX_BONUS_POINTS,
  MAX_FACTOR,
  MAX_PURCHASE_FEN,
  MAX_RATE,
  type BonusRule,
  type EarningRules,
  type MultiplierRule,
  type Validity,
} from './earning'
import type { TierBenefits, TierPolicy } from './tiers'

export const RULES_MAX_ITEMS = 50
const ID_MAX = 64
const LABEL_MAX = 12

type Raw = Record<string, unknown>

class Invalid extends Error {}

function check(condition: unknown): asserts condition {
  if (!condition) throw new Invalid()
}

function record(raw: unknown, allowed: readonly string[]): Raw {
  check(typeof raw === 'object' && raw !== null && !Array.isArray(raw))
  for (const key of Object.keys(raw)) check(allowed.includes(key))
  return raw as Raw
}

const twoDecimals = (value: number) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6

function decimal(raw: unknown, min: number, max: number): number {
  check(typeof raw === 'number' && Number.isFinite(raw) && raw >= min && raw <= max && twoDecimals(raw))
  return raw
}

function integer(raw: unknown, min: number, max: number): number {
  check(typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max)
  return raw
}

function word(raw: unknown, max: number): string {
  check(typeof raw === 'string')
  const value = raw.trim()
  check(value.length > 0 && value.length <= max && !hasUnsafeCharacters(value))
  return value
}

function day(raw: unknown): string {
  check(typeof raw === 'string' && parseIsoDate(raw))
  return raw
}

function list<T>(raw: unknown, item: (value: unknown) => T): T[] {
  if (raw === undefined) return []
  check(Array.isArray(raw) && raw.length <= RULES_MAX_ITEMS)
  return raw.map(item)
}

const rate = (raw: unknown) => decimal(raw, 0, MAX_RATE)

function tierRates(raw: unknown) {
  const value = record(raw, ['normal', 'vip', 'vvip'])
  const rates: Partial<Record<'normal' | 'vip' | 'vvip', number>> = {}
  for (const tier of ['normal', 'vip', 'vvip'] as const)
    if (value[tier] !== undefined) rates[tier] = rate(value[tier])
  return rates
}

const VALIDITY = ['validFrom', 'validTo', 'storeIds'] as const

function validity(value: Raw): Validity {
  const out: Validity = {}
  if (value.validFrom !== undefined) out.validFrom = day(value.validFrom)
  if (value.validTo !== undefined) out.validTo = day(value.validTo)
  check(!out.validFrom || !out.validTo || out.validFrom <= out.validTo)
  if (value.storeIds !== undefined) out.storeIds = list(value.storeIds, (id) => word(id, ID_MAX))
  return out
}

function multiplier(raw: unknown): MultiplierRule {
  const kind = (raw as Raw | null)?.kind
  const own = {
    weekday: ['weekday'],
    monthDay: ['day'],
    dates: ['from', 'to'],
    birthday: ['scope'],
  }[String(kind)]
  check(own)
  const value = record(raw, ['kind', 'label', 'factor', ...VALIDITY, ...own])
  const common = {
    ...validity(value),
    label: word(value.label, LABEL_MAX),
    factor: decimal(value.factor, 1, MAX_FACTOR),
  }
  switch (kind) {
    case 'weekday':
      return { ...common, kind, weekday: integer(value.weekday, 0, 6) }
    case 'monthDay':
      return { ...common, kind, day: integer(value.day, 1, 31) }
    case 'dates': {
      const from = day(value.from)
      const to = day(value.to)
      check(from <= to)
      return { ...common, kind, from, to }
    }
    default:
      check(value.scope === 'day' || value.scope === 'month')
      return { ...common, kind: 'birthday', scope: value.scope }
  }
}

function bonus(raw: unknown): BonusRule {
  const kind = (raw as Raw | null)?.kind
  check(kind === 'brand' || kind === 'counter')
  const idField = kind === 'brand' ? 'brandId' : 'counterId'
  const value = record(raw, ['kind', 'label', 'points', 'minAmountFen', idField, ...VALIDITY])
  const common = {
    ...validity(value),
    label: word(value.label, LABEL_MAX),
    points: integer(value.points, 1, MAX_BONUS_POINTS),
    ...(value.minAmountFen !== undefined
      ? { minAmountFen: integer(value.minAmountFen, 0, MAX_PURCHASE_FEN) }
      : {}),
  }
  const id = word(value[idField], ID_MAX)
  return kind === 'brand' ? { ...common, kind, brandId: id } : { ...common, kind, counterId: id }
}

const EVENT_MAX = 20
const EVENTS_MAX = 10
/** ¥100,000,000 of yearly spend: far above any threshold a mall sets. */
const THRESHOLD_MAX_FEN = 10_000_000_000

function benefits(raw: unknown): TierBenefits {
  const value = record(raw, ['parkingFreeHours', 'lounge', 'events'])
  check(typeof value.lounge === 'boolean')
  const events = list(value.events, (event) => word(event, EVENT_MAX))
  check(events.length <= EVENTS_MAX)
  return { parkingFreeHours: integer(value.parkingFreeHours, 0, 24), lounge: value.lounge, events }
}

function tierPolicy(raw: unknown): TierPolicy {
  const value = record(raw, ['thresholds', 'reviewMonthDay', 'benefits'])
  const thresholds = record(value.thresholds, ['vip', 'vvip'])
  const vip = integer(thresholds.vip, 1, THRESHOLD_MAX_FEN)
  const vvip = integer(thresholds.vvip, 1, THRESHOLD_MAX_FEN)
  check(vip < vvip)
  check(typeof value.reviewMonthDay === 'string' && parseIsoDate(`2024-${value.reviewMonthDay}`))
  const perTier = record(value.benefits, ['normal', 'vip', 'vvip'])
  return {
    thresholds: { vip, vvip },
    reviewMonthDay: value.reviewMonthDay as string,
    benefits: { normal: benefits(perTier.normal), vip: benefits(perTier.vip), vvip: benefits(perTier.vvip) },
  }
}

/** The rules `raw` describes, or null when anything in it is out of bounds or unknown. */
export function parseEarningRules(raw: unknown): EarningRules | null {
  try {
    const value = record(raw, ['rates', 'multipliers', 'bonuses', 'stacking', 'signUpBonus', 'tiers'])
    const rates = record(value.rates, ['default', 'tiers', 'stores'])
    const stores: NonNullable<EarningRules['rates']['stores']> = {}
    if (rates.stores !== undefined) {
      const entries = Object.entries(record(rates.stores, Object.keys(rates.stores as object)))
      check(entries.length <= RULES_MAX_ITEMS)
      for (const [storeId, store] of entries) {
        word(storeId, ID_MAX)
        const own = record(store, ['default', 'tiers'])
        stores[storeId] = {
          ...(own.default !== undefined ? { default: rate(own.default) } : {}),
          ...(own.tiers !== undefined ? { tiers: tierRates(own.tiers) } : {}),
        }
      }
    }
    const stacking = record(value.stacking, ['policy', 'cap'])
    check(stacking.policy === 'highest' || stacking.policy === 'additive')
    return {
      rates: {
        default: rate(rates.default),
        ...(rates.tiers !== undefined ? { tiers: tierRates(rates.tiers) } : {}),
        ...(rates.stores !== undefined ? { stores } : {}),
      },
      multipliers: list(value.multipliers, multiplier),
      bonuses: list(value.bonuses, bonus),
      stacking:
        stacking.policy === 'highest'
          ? (check(stacking.cap === undefined), { policy: 'highest' })
          : { policy: 'additive', cap: decimal(stacking.cap, 1, MAX_FACTOR) },
      signUpBonus: value.signUpBonus === undefined ? 0 : integer(value.signUpBonus, 0, MAX_BONUS_POINTS),
      ...(value.tiers !== undefined ? { tiers: tierPolicy(value.tiers) } : {}),
    }
  } catch (error) {
    if (error instanceof Invalid) return null
    throw error
  }
}
