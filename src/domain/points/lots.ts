/**
 * Lots of points (the ledger's memory of where points came from): each earn makes a lot that is
 * held for the return window, then available until it expires. Pure: the ledger keeps the lots on
 * the member document and the entries in the ledger.
 *
 * What a member holds is a short list of tranches: available points grouped by when they expire
 * (under the default policy every point earned in a year expires on the same day, so a member
 * holds two or three), and each held earn apart until its hold ends, named by its entry. Spending
 * drains available tranches earliest expiry first and names the expiry dates it drew from; points
 * that expire on the same day are alike for every later question (what expires when, what a
 * refund may take back), so an earn is its own lot only while it is held. Every change is a
 * function of the tranches and the entry that makes it: the reconciliation replays the entries
 * and finds the same tranches.
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

/** Points that expire together (ISO instants throughout). */
export interface Tranche {
  /** The last millisecond the points can be used. */
  expiresAt: string
  points: number
  /** While held: when the points become available, and the earn entry they came from. */
  heldUntil?: string
  entry?: string
}

/** What an entry took from (or gave back to) the member's tranches. */
export interface Allocation {
  expiresAt: string
  points: number
  /** The held earn it drew from, when it was still held. */
  entry?: string
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

const isHeld = (t: Tranche, now: string) => t.heldUntil !== undefined && t.heldUntil > now
const isLive = (t: Tranche, now: string) => t.points > 0 && t.expiresAt >= now

/**
 * The tranches in their canonical form at `now`: a held earn whose hold is over joins the points
 * that expire with it; empty tranches go; earliest expiry first, held ones after the available
 * one of the same day. Expired tranches stay until the expiry job writes them off.
 */
export function settle(tranches: readonly Tranche[], now: string): Tranche[] {
  const available = new Map<string, number>()
  const held: Tranche[] = []
  for (const t of tranches) {
    if (t.points <= 0) continue
    if (isHeld(t, now)) held.push({ ...t })
    else available.set(t.expiresAt, (available.get(t.expiresAt) ?? 0) + t.points)
  }
  const merged: Tranche[] = [...available].map(([expiresAt, points]) => ({ expiresAt, points }))
  return [...merged, ...held].sort(
    (a, b) =>
      a.expiresAt.localeCompare(b.expiresAt) ||
      Number(a.heldUntil !== undefined) - Number(b.heldUntil !== undefined) ||
      (a.heldUntil ?? '').localeCompare(b.heldUntil ?? '') ||
      (a.entry ?? '').localeCompare(b.entry ?? ''),
  )
}

/** What the member has: points they can spend now, and points still held (expired ones left out). */
export function balances(tranches: readonly Tranche[], now: string): { available: number; pending: number } {
  let available = 0
  let pending = 0
  for (const t of tranches) {
    if (!isLive(t, now)) continue
    if (isHeld(t, now)) pending += t.points
    else available += t.points
  }
  return { available, pending }
}

/** The tranches with an earn's lot added (held until `availableFrom` when that is later than `now`). */
export function addLot(
  tranches: readonly Tranche[],
  lot: { entry: string; points: number; availableFrom: string; expiresAt: string },
  now: string,
): Tranche[] {
  const added: Tranche =
    lot.availableFrom > now
      ? { expiresAt: lot.expiresAt, points: lot.points, heldUntil: lot.availableFrom, entry: lot.entry }
      : { expiresAt: lot.expiresAt, points: lot.points }
  return settle([...tranches, added], now)
}

/** Takes `allocations` out of the tranches (each named tranche holds them: the caller planned them here). */
function takeOut(tranches: readonly Tranche[], allocations: readonly Allocation[], now: string): Tranche[] {
  const left = tranches.map((t) => ({ ...t }))
  for (const a of allocations) {
    const from = left.find((t) =>
      a.entry ? t.entry === a.entry : t.entry === undefined && t.expiresAt === a.expiresAt,
    )
    if (from) from.points -= a.points
  }
  return settle(left, now)
}

function plan(order: readonly Tranche[], points: number): { allocations: Allocation[]; short: number } {
  const allocations: Allocation[] = []
  let left = points
  for (const t of order) {
    if (left === 0) break
    const take = Math.min(t.points, left)
    if (take <= 0) continue
    allocations.push(
      t.entry
        ? { expiresAt: t.expiresAt, points: take, entry: t.entry }
        : { expiresAt: t.expiresAt, points: take },
    )
    left -= take
  }
  return { allocations, short: left }
}

/**
 * A spend of `points` from the available tranches, earliest expiry first. Undefined when the
 * available points are not enough: nothing is drawn.
 */
export function drain(
  tranches: readonly Tranche[],
  points: number,
  now: string,
): { tranches: Tranche[]; allocations: Allocation[] } | undefined {
  const usable = settle(tranches, now).filter((t) => isLive(t, now) && !isHeld(t, now))
  const { allocations, short } = plan(usable, points)
  if (short > 0) return undefined
  return { tranches: takeOut(settle(tranches, now), allocations, now), allocations }
}

/**
 * A refund taking back `points` of an earn: from the earn's own lot first (its held tranche, or
 * the points that expire with it), then any other points the member holds, earliest expiry first.
 * `short` is what the member no longer has (owed or absorbed, as the manager's policy says).
 */
export function takeBack(
  tranches: readonly Tranche[],
  points: number,
  now: string,
  own: { entry: string; expiresAt: string },
): { tranches: Tranche[]; allocations: Allocation[]; short: number } {
  const current = settle(tranches, now)
  // While held, the earn is its own tranche; after, its points are those that expire with it.
  const held = current.some((t) => t.entry === own.entry)
  const isOwn = (t: Tranche) =>
    held ? t.entry === own.entry : t.entry === undefined && t.expiresAt === own.expiresAt
  const order = [...current.filter(isOwn), ...current.filter((t) => !isOwn(t))]
  const { allocations, short } = plan(order, points)
  return { tranches: takeOut(current, allocations, now), allocations, short }
}

/**
 * What a spend took, given back (a voucher that expired unused): to the expiries it was drawn
 * from, less what the member owes, which it pays first. The tranches and what went back into them.
 */
export function putBack(
  tranches: readonly Tranche[],
  drawn: readonly Allocation[],
  owed: number,
  now: string,
): { tranches: Tranche[]; returned: Allocation[] } {
  let debt = owed
  const returned: Allocation[] = []
  for (const a of drawn) {
    const paid = Math.min(debt, a.points)
    debt -= paid
    if (a.points - paid > 0) returned.push({ expiresAt: a.expiresAt, points: a.points - paid })
  }
  return { tranches: settle([...tranches, ...returned], now), returned }
}

/** The tranches past their expiry: what the expiry job writes off, and what is left. */
export function expireDue(
  tranches: readonly Tranche[],
  now: string,
): { tranches: Tranche[]; expired: Allocation[] } {
  const current = settle(tranches, now)
  const due = current.filter((t) => t.points > 0 && t.expiresAt < now)
  const expired = plan(
    due,
    due.reduce((sum, t) => sum + t.points, 0),
  ).allocations
  return { tranches: takeOut(current, expired, now), expired }
}

/** When the first of the tranches expires (the expiry job's and the reminder's index), if any. */
export function firstExpiry(tranches: readonly Tranche[]): string | undefined {
  return tranches
    .filter((t) => t.points > 0)
    .reduce<string | undefined>(
      (first, t) => (first === undefined || t.expiresAt < first ? t.expiresAt : first),
      undefined,
    )
}

/** The next expiry the member is warned of: 「X 分将于 12 月 31 日过期」. */
export function nextExpiry(
  tranches: readonly Tranche[],
  now: string,
): { points: number; day: string } | undefined {
  const live = tranches.filter((t) => isLive(t, now))
  const first = firstExpiry(live)
  if (first === undefined) return undefined
  const day = chinaDate(Date.parse(first))
  const points = live
    .filter((t) => chinaDate(Date.parse(t.expiresAt)) === day)
    .reduce((sum, t) => sum + t.points, 0)
  return { points, day }
}

/** The points of the tranches that expire on the China day `day`. */
export function expiringOn(tranches: readonly Tranche[], day: string): number {
  return tranches
    .filter((t) => t.points > 0 && chinaDate(Date.parse(t.expiresAt)) === day)
    .reduce((sum, t) => sum + t.points, 0)
}
