/**
 * The points report (6.4, managers and finance): per store and China day, what was issued,
 * spent, expired, reversed, adjusted and absorbed (`points_days`, summed over its shards), and
 * the liability — points outstanding — at the end of each day.
 *
 * The liability is a running total that never needs the ledger nor every past day: the daily
 * points job closes each finished China month per store in `points_closings`
 * (`<store>:<YYYY-MM>` → { liability at the month's end }, `closeMonths`). The report starts
 * from the latest closing before its first day and adds the days since: at most the month
 * before the range plus the range (≤ 62 days × DAY_SHARDS documents a store) while the job
 * runs. A store's liability is what moved through its tills: points earned in one store and
 * spent in another lower the second; the mall's total is exact.
 *
 * A day's change: issued − spent − expired − reversed + adjusted (reversed is what refunds
 * took from members; absorbed is what the mall bore instead, no member's points).
 */
import { chinaDate } from '../../../src/domain/dates'
import type { PointsDayRow, PointsReport } from '../../../src/domain/contracts/points'
import type { Clock } from '../clock'
import { addUnique, between, COLLECTIONS, type Db, type Doc } from '../db'
import { openPointsDay } from './ledger'

const PAGE = 1000

const COUNTS = ['issued', 'spent', 'expired', 'reversed', 'adjusted', 'absorbed'] as const

type Counts = Record<(typeof COUNTS)[number], number>

interface DayDoc extends Doc, Partial<Counts> {
  storeId: string
  day: string
}

export interface ClosingDoc extends Doc {
  _id: string
  storeId: string
  /** `YYYY-MM` (China). */
  month: string
  /** Points outstanding at the end of the month, through this store. */
  liability: number
  closedAt: Date
}

export const closingId = (storeId: string, month: string) => `${storeId}:${month}`

const net = (c: Partial<Counts>) =>
  (c.issued ?? 0) - (c.spent ?? 0) - (c.expired ?? 0) - (c.reversed ?? 0) + (c.adjusted ?? 0)

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

/** Every China day from `from` to `to`, both included. */
function daysFrom(from: string, to: string): string[] {
  const out: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

async function latestClosing(db: Db, storeId: string, before?: string): Promise<ClosingDoc | null> {
  const where = before ? { storeId, month: db.command.lt(before) } : { storeId }
  const { data } = await db
    .collection(COLLECTIONS.pointsClosings)
    .where(where)
    .orderBy('month', 'desc')
    .limit(1)
    .get()
  return (data[0] as ClosingDoc | undefined) ?? null
}

/** A store's day documents from `from` (or its first) to `to`, page by page. */
async function dayDocs(db: Db, storeId: string, from: string | null, to: string): Promise<DayDoc[]> {
  const _ = db.command
  const out: DayDoc[] = []
  for (let skip = 0; ; skip += PAGE) {
    const { data } = await db
      .collection(COLLECTIONS.pointsDays)
      .where({ storeId, day: from ? between(_.gte(from), _.lte(to)) : _.lte(to) })
      .orderBy('day', 'asc')
      .skip(skip)
      .limit(PAGE)
      .get()
    out.push(...(data as DayDoc[]))
    if (data.length < PAGE) return out
  }
}

export async function pointsReport(
  db: Db,
  input: { from: string; to: string; storeIds: string[] },
): Promise<PointsReport> {
  const days = daysFrom(input.from, input.to)
  const rows = new Map<string, PointsDayRow>(
    days.map((day) => [
      day,
      { day, issued: 0, spent: 0, expired: 0, reversed: 0, adjusted: 0, absorbed: 0, liability: 0 },
    ]),
  )
  for (const storeId of input.storeIds) {
    const closing = await latestClosing(db, storeId, input.from.slice(0, 7))
    const start = closing ? `${nextMonth(closing.month)}-01` : null
    let liability = closing?.liability ?? 0
    const byDay = new Map<string, number>()
    for (const doc of await dayDocs(db, storeId, start, input.to)) {
      if (doc.day < input.from) {
        liability += net(doc)
        continue
      }
      const row = rows.get(doc.day)
      if (!row) continue
      for (const key of COUNTS) row[key] += doc[key] ?? 0
      byDay.set(doc.day, (byDay.get(doc.day) ?? 0) + net(doc))
    }
    for (const day of days) {
      liability += byDay.get(day) ?? 0
      ;(rows.get(day) as PointsDayRow).liability += liability
    }
  }
  return { from: input.from, to: input.to, storeIds: input.storeIds, rows: [...rows.values()] }
}

/**
 * Closes every finished China month of every store not closed yet (the daily points job): each
 * closing is the one before plus the month's days. Idempotent: a closing is added once.
 */
export async function closeMonths(db: Db, clock: Clock): Promise<{ closed: number }> {
  const thisMonth = chinaDate(clock.now()).slice(0, 7)
  const { data: stores } = await db.collection(COLLECTIONS.stores).limit(PAGE).get()
  let closed = 0
  for (const { _id: storeId } of stores as Doc[]) {
    const store = String(storeId)
    const last = await latestClosing(db, store)
    let month: string
    let liability = last?.liability ?? 0
    if (last) month = nextMonth(last.month)
    else {
      const { data } = await db
        .collection(COLLECTIONS.pointsDays)
        .where({ storeId: store })
        .orderBy('day', 'asc')
        .limit(1)
        .get()
      if (data.length === 0) continue
      month = String((data[0] as DayDoc).day).slice(0, 7)
    }
    for (; month < thisMonth; month = nextMonth(month)) {
      const docs = await dayDocs(db, store, `${month}-01`, `${month}-31`)
      liability += docs.reduce((sum, doc) => sum + net(doc), 0)
      const doc: ClosingDoc = {
        _id: closingId(store, month),
        storeId: store,
        month,
        liability,
        closedAt: new Date(clock.now()),
      }
      if (await addUnique(db, COLLECTIONS.pointsClosings, doc)) closed += 1
    }
  }
  return { closed }
}

/**
 * Creates the report shards of today and tomorrow (China days) for every open store (the daily
 * points job), so that the entries of the day only increment them.
 */
export async function openPointsDays(db: Db, clock: Clock): Promise<{ stores: number }> {
  const { data: stores } = await db.collection(COLLECTIONS.stores).where({ status: 'open' }).limit(PAGE).get()
  const today = chinaDate(clock.now())
  const tomorrow = chinaDate(clock.now() + 86_400_000)
  for (const { _id: storeId } of stores as Doc[])
    for (const day of [today, tomorrow]) await openPointsDay(db, String(storeId), day)
  return { stores: stores.length }
}
