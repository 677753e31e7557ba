/**
 * Lots of points (the ledger's memory of where points came from): each earn makes a lot that is
 * held for the return window, then available until it expires. Spending drains lots earliest
 * expiry first and names the lots it drew from, so a refund, an expiry and the member's 积分明细
 * all know which points are which. Pure: the ledger service stores lots and entries.
 */
import { chinaDate, parseIsoDate } from '../dates'

const DAY_MS = 86_400_000
const CHINA_OFFSET_MS = 8 * 3600_000

/** When earned points lapse: 31 December of the year after they were earned, or after N days. */
export type ExpiryPolicy = { kind: 'endOfNextYear' } | { kind: 'days'; days: number }

export interface LotPolicy {
  /** Days earned points wait before they can be spent (the return window). */
  holdDays: number
  expiry: ExpiryPolicy
}

/** Until a manager sets the programme's own: 7 days' hold, expiry on 31 December of the next year. */
export const DEFAULT_LOT_POLICY: LotPolicy = { holdDays: 7, expiry: { kind: 'endOfNextYear' } }

export interface Lot {
  id: string
  earned: number
  remaining: number
  /** ISO instants. */
  availableFrom: string
  expiresAt: string
}

export interface Allocation {
  lotId: string
  points: number
}

/** The last millisecond of a China calendar day, as an ISO instant. */
function endOfChinaDay(day: string): string {
  const { y, m, d } = parseIsoDate(day) ?? { y: 1970, m: 1, d: 1 }
  return new Date(Date.UTC(y, m - 1, d) + DAY_MS - CHINA_OFFSET_MS - 1).toISOString()
}

/** When a lot earned at `earnedAt` may be spent, and when it expires, under `policy`. */
export function lotDates(earnedAt: string, policy: LotPolicy): { availableFrom: string; expiresAt: string } {
  const earned = Date.parse(earnedAt)
  const availableFrom = new Date(earned + policy.holdDays * DAY_MS).toISOString()
  const day = chinaDate(earned)
  const expiresAt =
    policy.expiry.kind === 'endOfNextYear'
      ? endOfChinaDay(`${Number(day.slice(0, 4)) + 1}-12-31`)
      : endOfChinaDay(chinaDate(earned + policy.expiry.days * DAY_MS))
  return { availableFrom, expiresAt }
}

const isLive = (lot: Lot, now: number) => lot.remaining > 0 && Date.parse(lot.expiresAt) >= now

/** What the member has: points they can spend now, and points still held. */
export function balances(lots: readonly Lot[], now: string): { available: number; pending: number } {
  const time = Date.parse(now)
  let available = 0
  let pending = 0
  for (const lot of lots) {
    if (!isLive(lot, time)) continue
    if (Date.parse(lot.availableFrom) <= time) available += lot.remaining
    else pending += lot.remaining
  }
  return { available, pending }
}

/**
 * The lots a spend of `points` draws from: available lots, earliest expiry first (the older lot
 * on a tie). Undefined when the available points are not enough: nothing is drawn.
 */
export function drain(lots: readonly Lot[], points: number, now: string): Allocation[] | undefined {
  const time = Date.parse(now)
  const usable = lots
    .filter((lot) => isLive(lot, time) && Date.parse(lot.availableFrom) <= time)
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.availableFrom.localeCompare(b.availableFrom))
  const allocations: Allocation[] = []
  let left = points
  for (const lot of usable) {
    if (left === 0) break
    const take = Math.min(lot.remaining, left)
    allocations.push({ lotId: lot.id, points: take })
    left -= take
  }
  return left === 0 ? allocations : undefined
}

/** Lots past their expiry that still hold points: what the expiry job writes off. */
export function expired(lots: readonly Lot[], now: string): Lot[] {
  const time = Date.parse(now)
  return lots.filter((lot) => lot.remaining > 0 && Date.parse(lot.expiresAt) < time)
}

/** The next expiry the member is warned of: 「X 分将于 12 月 31 日过期」. */
export function nextExpiry(lots: readonly Lot[], now: string): { points: number; day: string } | undefined {
  const time = Date.parse(now)
  const live = lots.filter((lot) => isLive(lot, time))
  if (live.length === 0) return undefined
  const first = live.reduce((a, b) => (b.expiresAt < a.expiresAt ? b : a)).expiresAt
  const day = chinaDate(Date.parse(first))
  const points = live
    .filter((lot) => chinaDate(Date.parse(lot.expiresAt)) === day)
    .reduce((sum, lot) => sum + lot.remaining, 0)
  return { points, day }
}

/**
 * Taking back a refunded purchase's points from its lot: what the lot still holds goes; the rest
 * was spent, and the manager's policy decides whether the member owes it (a negative balance
 * they are shown) or the mall absorbs it.
 */
export function reversal(
  lot: Pick<Lot, 'remaining'>,
  points: number,
  policy: 'negative' | 'absorb',
): { fromLot: number; owed: number; absorbed: number } {
  const fromLot = Math.min(lot.remaining, points)
  const short = points - fromLot
  return policy === 'negative' ? { fromLot, owed: short, absorbed: 0 } : { fromLot, owed: 0, absorbed: short }
}
