/**
 * Parking figures per car park and China day (issue #12), written in the same transaction as
 * what they count — a payment, a refund, a waived fee — so the managers' report sums a few
 * documents and never scans sessions or payments. Sharded like `points_days`: concurrent exits
 * rarely touch the same document. Counts and sums only; no plate, no member.
 */
import { randomInt } from 'node:crypto'
import { chinaDate } from '../../../src/domain/dates'
import { between, COLLECTIONS, type Db, type DbTransaction, type Doc } from '../db'

/** Shards of a car park's day. */
export const PARKING_DAY_SHARDS = 8

/** What a day counts: fen unless named otherwise. */
export const PARKING_DAY_FIELDS = [
  /** Payments completed and what they brought in. */
  'payments',
  'paidFen',
  /** Payments refunded (in full or in part) and how much went back. */
  'refunds',
  'refundedFen',
  /** Fees waived at the desk and their amount. */
  'waives',
  'waivedFen',
  /** What each deduction took off the fees paid (the fee's lines, in their order). */
  'tierFen',
  'spendFen',
  'voucherFen',
  'pointsFen',
  /** Points spent on parking (a refund's returned points are subtracted). */
  'pointsSpent',
] as const

export type ParkingDayField = (typeof PARKING_DAY_FIELDS)[number]
export type ParkingDayCounts = Partial<Record<ParkingDayField, number>>

export interface ParkingDayDoc extends Doc, ParkingDayCounts {
  carParkId: string
  storeId: string
  day: string
}

/** Adds `counts` to the car park's day of `at` (China time), inside the caller's transaction. */
export async function countParkingDay(
  tx: DbTransaction,
  carPark: { carParkId: string; storeId: string },
  at: Date,
  counts: ParkingDayCounts,
): Promise<void> {
  const day = chinaDate(at.getTime())
  const ref = tx
    .collection(COLLECTIONS.parkingDays)
    .doc(`${carPark.carParkId}:${day}:${randomInt(PARKING_DAY_SHARDS)}`)
  const current = ((await ref.get()).data ?? {}) as ParkingDayCounts
  const next: Record<string, unknown> = { carParkId: carPark.carParkId, storeId: carPark.storeId, day }
  for (const field of PARKING_DAY_FIELDS) next[field] = (current[field] ?? 0) + (counts[field] ?? 0)
  await ref.set({ data: next })
}

/** Shard documents read at most per query: 8 shards × 31 days × 4 car parks. */
const READ_MAX = 1000

/**
 * The figures of `carParkIds` for each China day from `from` to `to` (inclusive), days without
 * a document left out, oldest first.
 */
export async function parkingDays(
  db: Db,
  carParkIds: readonly string[],
  from: string,
  to: string,
): Promise<(ParkingDayCounts & { day: string })[]> {
  if (carParkIds.length === 0) return []
  const _ = db.command
  const { data } = await db
    .collection(COLLECTIONS.parkingDays)
    .where({ carParkId: _.in([...carParkIds]), day: between(_.gte(from), _.lte(to)) })
    .limit(READ_MAX)
    .get()
  const byDay = new Map<string, ParkingDayCounts & { day: string }>()
  for (const doc of data as ParkingDayDoc[]) {
    const sum = byDay.get(doc.day) ?? { day: doc.day }
    for (const field of PARKING_DAY_FIELDS) sum[field] = (sum[field] ?? 0) + (doc[field] ?? 0)
    byDay.set(doc.day, sum)
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day))
}
