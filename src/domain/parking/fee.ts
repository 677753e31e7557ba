/**
 * The parking fee (4.2.2.6): a tariff prices a stay, then deductions in a fixed order the payer
 * reads line by line — the tier's free time (once a day), time earned by the day's spending in
 * the mall, parking-time vouchers, then points — and what is left is the amount to pay.
 *
 * Time deductions shorten the charged stay from its end (the stay is priced as if the car had
 * left that much earlier), so every deduction is priced by the same tariff, overnight windows and
 * daily caps included. Money is integer fen; times are ISO instants, days and nights in China.
 */
import { chinaDate } from '../dates'
import type { Tier } from '../member/model'

const MINUTE_MS = 60_000
const DAY_MINUTES = 24 * 60
const CHINA_OFFSET_MS = 8 * 3600_000

export interface Tariff {
  /** A stay this short costs nothing (whole stay charged beyond it, as car parks do). */
  freeMinutes: number
  /** The first period and its price. */
  firstPeriod: { minutes: number; fen: number }
  /** Each further increment (or part of one) and its price. */
  increment: { minutes: number; fen: number }
  /** At most this much for each 24 hours from entry. */
  dailyCapFen?: number
  /**
   * Overnight: the minutes between `from` and `to` (China time, `HH:mm`, crossing midnight) are
   * not charged by increment; each night the stay touches costs `fen` instead.
   */
  overnight?: { from: string; to: string; fen: number }
  /** Minutes to leave after paying (default 15, payment.ts); staying longer owes the extra time. */
  exitWindowMinutes?: number
}

/** The exit window when a tariff names none. */
export const EXIT_WINDOW_MINUTES = 15

export const exitWindowOf = (tariff: Tariff): number => tariff.exitWindowMinutes ?? EXIT_WINDOW_MINUTES

export interface DeductionRules {
  /** Free minutes per tier, once a China day per member. */
  tierFreeMinutes: Partial<Record<Tier, number>>
  /** Every `perFen` spent in the mall the same day (receipts not refunded) earns `minutes`. */
  spend?: { perFen: number; minutes: number; maxMinutes: number }
  /** Points buy whole hours. */
  points?: { perHour: number; maxHoursPerSession: number }
}

export interface ParkingSession {
  enteredAt: string
  /** When the fee is asked for (the exit, or now). */
  until: string
}

export interface Payer {
  /** Absent for a non-member: no deductions but the tariff. */
  tier?: Tier
  /** Whether the tier's free time was already used today. */
  tierFreeUsedToday?: boolean
  /** Points available, and how many the payer agrees to use at most. */
  availablePoints?: number
  maxPoints?: number
}

export interface Receipt {
  amountFen: number
  at: string
  /** Fen refunded since: spending that was refunded earns no parking time. */
  refundedFen?: number
}

export interface FeeLine {
  kind: 'tariff' | 'tierFree' | 'spend' | 'voucher' | 'points'
  label: string
  detail: string
  /** Fen this line takes off (the tariff line: the gross fee). */
  fen: number
  minutes?: number
  points?: number
}

export interface Fee {
  amountFen: number
  grossFen: number
  lines: FeeLine[]
  /** Points the payment spends, and whether it uses the tier's free time of the day. */
  points: number
  tierFreeUsed: boolean
}

/** Minutes of the China day of `at` since midnight. */
const minuteOfDay = (at: number) =>
  Math.floor(((at + CHINA_OFFSET_MS) % (DAY_MINUTES * MINUTE_MS)) / MINUTE_MS)

const hhmm = (value: string) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5))

function inNight(minute: number, night: { from: string; to: string }): boolean {
  const from = hhmm(night.from)
  const to = hhmm(night.to)
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to
}

/**
 * Minutes from `minute` of the day until the day next reaches `target` (1 to a whole day): the
 * night's start or end, or noon, where a night's name (the date it ends on) can change.
 */
const minutesUntil = (minute: number, target: number) =>
  ((target - minute + DAY_MINUTES - 1) % DAY_MINUTES) + 1

/** The price of the stay from `start` to `end` (ms), before deductions. */
export function tariffFen(tariff: Tariff, start: number, end: number): number {
  const minutes = Math.max(0, Math.ceil((end - start) / MINUTE_MS))
  if (minutes <= tariff.freeMinutes) return 0
  let total = 0
  // Each 24 hours from entry is priced on its own and capped.
  for (let blockStart = 0; blockStart < minutes; blockStart += DAY_MINUTES) {
    const blockEnd = Math.min(minutes, blockStart + DAY_MINUTES)
    let dayMinutes = 0
    const nights = new Set<string>()
    // Runs of whole minutes alike: all day or all night, of one night's name.
    for (let m = blockStart; m < blockEnd;) {
      const at = start + m * MINUTE_MS
      const night = tariff.overnight
      if (!night) {
        dayMinutes += blockEnd - m
        break
      }
      const minute = minuteOfDay(at)
      const inside = inNight(minute, night)
      const run = Math.min(
        blockEnd - m,
        minutesUntil(minute, hhmm(inside ? night.to : night.from)),
        minutesUntil(minute, DAY_MINUTES / 2),
      )
      // A night is named by the China date on which it ends.
      if (inside) nights.add(chinaDate(at + (DAY_MINUTES * MINUTE_MS) / 2))
      else dayMinutes += run
      m += run
    }
    let fen = nights.size * (tariff.overnight?.fen ?? 0)
    const first = blockStart === 0
    if (dayMinutes > 0) {
      if (first) {
        fen += tariff.firstPeriod.fen
        const rest = Math.max(0, dayMinutes - tariff.firstPeriod.minutes)
        fen += Math.ceil(rest / tariff.increment.minutes) * tariff.increment.fen
      } else fen += Math.ceil(dayMinutes / tariff.increment.minutes) * tariff.increment.fen
    }
    total += tariff.dailyCapFen === undefined ? fen : Math.min(fen, tariff.dailyCapFen)
  }
  return total
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

const hours = (minutes: number) =>
  minutes < 60
    ? `${minutes} 分钟`
    : minutes % 60 === 0
      ? `${minutes / 60} 小时`
      : `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分钟`

/**
 * The fee of `session` for `payer`: the tariff, then each deduction in order with its cap, then
 * the amount. `receipts` are the payer's purchases (the day of the exit counts); `voucherMinutes`
 * the parking-time vouchers the payer applies.
 */
export function parkingFee(input: {
  session: ParkingSession
  payer: Payer
  tariff: Tariff
  rules: DeductionRules
  receipts?: Receipt[]
  voucherMinutes?: number[]
}): Fee {
  const { session, payer, tariff, rules } = input
  const start = Date.parse(session.enteredAt)
  const end = Math.max(start, Date.parse(session.until))
  const stayMinutes = Math.ceil((end - start) / MINUTE_MS)
  const grossFen = tariffFen(tariff, start, end)
  const lines: FeeLine[] = [
    {
      kind: 'tariff',
      label: '停车费',
      detail: `停车 ${hours(stayMinutes)}`,
      fen: grossFen,
      minutes: stayMinutes,
    },
  ]
  let deducted = 0
  let fee = grossFen
  /** What `minutes` more off the end of the stay would save. */
  const saving = (minutes: number) =>
    fee - tariffFen(tariff, start, end - Math.min(stayMinutes, deducted + minutes) * MINUTE_MS)
  /** Takes `minutes` off the end of the stay; answers the fen saved. */
  const deduct = (minutes: number) => {
    const saved = saving(minutes)
    deducted = Math.min(stayMinutes, deducted + minutes)
    fee -= saved
    return saved
  }

  let tierFreeUsed = false
  const tierMinutes = payer.tier ? (rules.tierFreeMinutes[payer.tier] ?? 0) : 0
  // The day's free time is not spent on a stay it would not make cheaper.
  if (tierMinutes > 0 && !payer.tierFreeUsedToday && saving(tierMinutes) > 0) {
    const saved = deduct(tierMinutes)
    tierFreeUsed = true
    lines.push({
      kind: 'tierFree',
      label: '会员等级免费停车',
      detail: `${hours(tierMinutes)}（每日一次）`,
      fen: saved,
      minutes: tierMinutes,
    })
  }

  if (payer.tier && rules.spend && fee > 0) {
    const day = chinaDate(end)
    const spent = (input.receipts ?? [])
      .filter((r) => chinaDate(Date.parse(r.at)) === day)
      .reduce((sum, r) => sum + Math.max(0, r.amountFen - (r.refundedFen ?? 0)), 0)
    const minutes = Math.min(
      Math.floor(spent / rules.spend.perFen) * rules.spend.minutes,
      rules.spend.maxMinutes,
    )
    if (minutes > 0) {
      const saved = deduct(minutes)
      lines.push({
        kind: 'spend',
        label: '当日消费抵扣',
        detail: `消费 ${yuan(spent)}，抵 ${hours(minutes)}`,
        fen: saved,
        minutes,
      })
    }
  }

  if (payer.tier) {
    for (const minutes of input.voucherMinutes ?? []) {
      if (fee === 0) break
      const saved = deduct(minutes)
      lines.push({ kind: 'voucher', label: '停车券', detail: hours(minutes), fen: saved, minutes })
    }
  }

  let points = 0
  if (payer.tier && rules.points && fee > 0) {
    const affordable = Math.min(payer.availablePoints ?? 0, payer.maxPoints ?? Infinity)
    const maxHours = Math.min(rules.points.maxHoursPerSession, Math.floor(affordable / rules.points.perHour))
    let used = 0
    let saved = 0
    // Points buy an hour only when the hour makes the fee smaller.
    while (used < maxHours && saving(60) > 0) {
      used += 1
      saved += deduct(60)
    }
    if (used > 0) {
      points = used * rules.points.perHour
      lines.push({
        kind: 'points',
        label: '积分抵扣',
        detail: `${points} 积分抵 ${used} 小时`,
        fen: saved,
        minutes: used * 60,
        points,
      })
    }
  }
  return { amountFen: fee, grossFen, lines, points, tierFreeUsed }
}
