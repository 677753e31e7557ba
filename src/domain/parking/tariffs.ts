/**
 * Versions of a car park's tariff and deduction rules (`parking_tariffs`), published like the
 * points rules' versions (points/versions.ts): a version is never edited, takes effect at a
 * future instant, names who published it and when, and the history keeps every one. A session
 * is priced by the version in force at its entry.
 */
import type { Tier } from '../member/model'
import type { DeductionRules, Tariff } from './fee'

export interface ParkingTariffVersion {
  carParkId: string
  version: number
  /** ISO instant from which entries are priced by it. */
  effectiveFrom: string
  tariff: Tariff
  rules: DeductionRules
  /** `staff:<id>` or `system:<job>`. */
  changedBy: string
  changedAt: string
  note: string
}

export const tariffVersionId = (carParkId: string, version: number) => `${carParkId}:v${version}`

/** The version in force at `at` (ISO): the highest version whose effectiveFrom has come. */
export function tariffAt<T extends Pick<ParkingTariffVersion, 'version' | 'effectiveFrom'>>(
  versions: readonly T[],
  at: string,
): T | undefined {
  return versions
    .filter((v) => v.effectiveFrom <= at)
    .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom) || b.version - a.version)[0]
}

const TIERS: Tier[] = ['normal', 'vip', 'vvip']
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/
/** A day's fee of ¥10 000 is no car park's. */
const FEN_MAX = 1_000_000
const MINUTES_MAX = 24 * 60
/** An exit window longer than two hours is free parking by another name. */
const EXIT_WINDOW_MAX = 120

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const onlyKeys = (value: Record<string, unknown>, keys: string[]) =>
  Object.keys(value).every((k) => keys.includes(k))

const period = (value: unknown, minMinutes: number) =>
  isObject(value) &&
  onlyKeys(value, ['minutes', 'fen']) &&
  isInt(value.minutes, minMinutes, MINUTES_MAX) &&
  isInt(value.fen, 0, FEN_MAX)
    ? { minutes: value.minutes, fen: value.fen }
    : undefined

/** A tariff as a manager typed it, checked; undefined when anything is off. */
export function parseTariff(raw: unknown): Tariff | undefined {
  if (
    !isObject(raw) ||
    !onlyKeys(raw, [
      'freeMinutes',
      'firstPeriod',
      'increment',
      'dailyCapFen',
      'overnight',
      'exitWindowMinutes',
    ])
  )
    return undefined
  const firstPeriod = period(raw.firstPeriod, 0)
  const increment = period(raw.increment, 1)
  if (!isInt(raw.freeMinutes, 0, MINUTES_MAX) || !firstPeriod || !increment) return undefined
  const tariff: Tariff = { freeMinutes: raw.freeMinutes, firstPeriod, increment }
  if (raw.dailyCapFen !== undefined) {
    if (!isInt(raw.dailyCapFen, 0, FEN_MAX)) return undefined
    tariff.dailyCapFen = raw.dailyCapFen
  }
  if (raw.overnight !== undefined) {
    const n = raw.overnight
    if (!isObject(n) || !onlyKeys(n, ['from', 'to', 'fen'])) return undefined
    if (typeof n.from !== 'string' || !HHMM.test(n.from) || typeof n.to !== 'string' || !HHMM.test(n.to))
      return undefined
    if (n.from === n.to || !isInt(n.fen, 0, FEN_MAX)) return undefined
    tariff.overnight = { from: n.from, to: n.to, fen: n.fen }
  }
  if (raw.exitWindowMinutes !== undefined) {
    if (!isInt(raw.exitWindowMinutes, 1, EXIT_WINDOW_MAX)) return undefined
    tariff.exitWindowMinutes = raw.exitWindowMinutes
  }
  return tariff
}

/** Deduction rules as a manager typed them, checked; undefined when anything is off. */
export function parseDeductionRules(raw: unknown): DeductionRules | undefined {
  if (!isObject(raw) || !onlyKeys(raw, ['tierFreeMinutes', 'spend', 'points'])) return undefined
  const tiers = raw.tierFreeMinutes
  if (!isObject(tiers) || !onlyKeys(tiers, TIERS)) return undefined
  const tierFreeMinutes: DeductionRules['tierFreeMinutes'] = {}
  for (const tier of TIERS) {
    if (tiers[tier] === undefined) continue
    if (!isInt(tiers[tier], 0, MINUTES_MAX)) return undefined
    tierFreeMinutes[tier] = tiers[tier] as number
  }
  const rules: DeductionRules = { tierFreeMinutes }
  if (raw.spend !== undefined) {
    const s = raw.spend
    if (!isObject(s) || !onlyKeys(s, ['perFen', 'minutes', 'maxMinutes'])) return undefined
    if (
      !isInt(s.perFen, 1, 100 * FEN_MAX) ||
      !isInt(s.minutes, 1, MINUTES_MAX) ||
      !isInt(s.maxMinutes, 0, MINUTES_MAX)
    )
      return undefined
    rules.spend = { perFen: s.perFen, minutes: s.minutes, maxMinutes: s.maxMinutes }
  }
  if (raw.points !== undefined) {
    const p = raw.points
    if (!isObject(p) || !onlyKeys(p, ['perHour', 'maxHoursPerSession'])) return undefined
    if (!isInt(p.perHour, 1, 100_000) || !isInt(p.maxHoursPerSession, 0, 24)) return undefined
    rules.points = { perHour: p.perHour, maxHoursPerSession: p.maxHoursPerSession }
  }
  return rules
}

/** The demo car park's first tariff (database/seed.ts): 15 minutes free, ¥5 the first hour, ¥3 per half hour, ¥60 a day, nights ¥10. */
export const DEMO_PARKING_TARIFF: Tariff = {
  freeMinutes: 15,
  firstPeriod: { minutes: 60, fen: 500 },
  increment: { minutes: 30, fen: 300 },
  dailyCapFen: 6000,
  overnight: { from: '22:00', to: '08:00', fen: 1000 },
}

/** VIP 2 h, VVIP 3 h free a day; ¥200 spent → 1 h (at most 3 h); 600 points an hour, 3 h a stay. */
export const DEMO_PARKING_RULES: DeductionRules = {
  tierFreeMinutes: { vip: 120, vvip: 180 },
  spend: { perFen: 20_000, minutes: 60, maxMinutes: 180 },
  points: { perHour: 600, maxHoursPerSession: 3 },
}
