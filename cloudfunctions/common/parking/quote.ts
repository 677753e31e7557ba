/**
 * The quote of a parking session (issue #12, 4.2.2.6): the tariff version in force at entry,
 * then for a member the deductions `parkingFee` takes in order — the tier's free time, the
 * day's qualifying receipts from the points ledger (refunds deducted), parking-time vouchers not
 * yet used, points available — and what is left to pay.
 *
 * What a quote reads: the car park's tariff versions (kept by the book), and for a member the
 * ledger entries of the day (the `member_time` index, one page), the parking vouchers issued
 * (the `member_time` index) and their rewards' minutes (by id). A non-member's quote reads
 * nothing of any member.
 */
import { chinaDate } from '../../../src/domain/dates'
import type { ParkingQuote } from '../../../src/domain/contracts/parking'
import { maskPlate } from '../../../src/domain/identity/mask'
import { parkingFee, type FeeLine, type Payer, type Receipt } from '../../../src/domain/parking/fee'
import { exitWindowOf } from '../../../src/domain/parking/fee'
import { overstayFen } from '../../../src/domain/parking/payment'
import { tariffAt } from '../../../src/domain/parking/tariffs'
import type { Clock } from '../clock'
import { COLLECTIONS, type Db } from '../db'
import type { MemberDoc } from '../members/model'
import { balanceOf, type LedgerEntry } from '../points/ledger'
import { createRedemptions } from '../points/redemptions'
import type { SessionDoc } from './sessions'
import type { TariffBook } from './tariffs'

/** Ledger entries of one member's day read at most: more receipts than a shopper has in a day. */
const DAY_ENTRIES_MAX = 200
/** Parking vouchers of a member read at most. */
const VOUCHERS_MAX = 20
const CHINA_OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

/** A quote and what paying it takes. */
export interface Priced {
  quote: ParkingQuote
  /** The parking vouchers the quote's lines use, in order. */
  voucherIds: string[]
  /** Minutes of the stay from entry the payment covers. */
  coversMinutes: number
  /** Minutes to leave once paid. */
  windowMinutes: number
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

/** The China day of `at` as an interval of instants. */
function dayBounds(at: number): { from: Date; to: Date } {
  const start = Math.floor((at + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS
  return { from: new Date(start), to: new Date(start + DAY_MS) }
}

export function createParkingQuotes(deps: { db: Db; clock: Clock; tariffs: TariffBook }) {
  const { db, clock, tariffs } = deps
  const _ = db.command
  const vouchers = createRedemptions({ db, clock })

  /** The member's purchases of the day of `at`, less what was refunded of each. */
  async function receiptsOf(memberId: string, at: number): Promise<Receipt[]> {
    const { from, to } = dayBounds(at)
    const { data } = await db
      .collection(COLLECTIONS.pointsLedger)
      .where({ memberId, at: _.gte(from) })
      .orderBy('at', 'asc')
      .limit(DAY_ENTRIES_MAX)
      .get()
    const entries = (data as LedgerEntry[]).filter((e) => new Date(e.at).getTime() < to.getTime())
    const refunded = new Map<string, number>()
    for (const e of entries)
      if (e.kind === 'reverse' && e.reverses && e.refundFen)
        refunded.set(e.reverses, (refunded.get(e.reverses) ?? 0) + e.refundFen)
    return entries
      .filter((e) => e.kind === 'earn' && typeof e.amountFen === 'number' && e.amountFen > 0)
      .map((e) => ({
        amountFen: e.amountFen as number,
        at: new Date(e.at).toISOString(),
        refundedFen: refunded.get(e._id) ?? 0,
      }))
  }

  /** The member's parking vouchers still usable today, oldest first, with their minutes. */
  async function vouchersOf(memberId: string, now: number): Promise<{ id: string; minutes: number }[]> {
    const held = await vouchers.ofMember(memberId)
    const today = chinaDate(now)
    const usable = held
      .filter((v) => v.kind === 'parking' && v.status === 'issued' && v.validUntil >= today)
      .reverse()
      .slice(0, VOUCHERS_MAX)
    if (usable.length === 0) return []
    const ids = [...new Set(usable.map((v) => String(v.rewardId)))]
    const { data: rewards } = await db
      .collection(COLLECTIONS.rewards)
      .where({ _id: _.in(ids) })
      .limit(ids.length)
      .get()
    const minutes = new Map(rewards.map((r) => [r._id, Number(r.parkingMinutes ?? 0)]))
    return usable
      .map((v) => ({ id: String(v._id), minutes: minutes.get(String(v.rewardId)) ?? 0 }))
      .filter((v) => v.minutes > 0)
  }

  /**
   * The price of `session` (one with an entry) now, for `member` or a non-member, with what a
   * payment of it takes: the vouchers its lines use, the minutes of the stay it covers and the
   * exit window it opens. Null when the car park has no tariff for its entry.
   *
   * A session paid before is priced by its phase: within the exit window nothing is due; after
   * it only the time beyond the window, as a continuation of the paid stay (overstayFen), with
   * no deduction (those went to the first payment).
   */
  async function priceParking(input: {
    session: SessionDoc
    plate: string
    member?: MemberDoc
    usePoints?: boolean
  }): Promise<Priced | null> {
    const { session, member } = input
    const enteredAt = iso(session.enteredAt)
    if (!enteredAt) return null
    const versions = await tariffs.versions(db, session.carParkId)
    const version = versions.find((v) => v.version === session.tariffVersion) ?? tariffAt(versions, enteredAt)
    if (!version) return null
    const now = clock.now()
    const until = iso(session.exitedAt) ?? new Date(now).toISOString()
    const untilMs = Date.parse(until)
    const minutes = Math.ceil((untilMs - Date.parse(enteredAt)) / 60_000)
    const paidUntil = iso(session.paidUntil)
    const base = {
      sessionId: session._id,
      plate: maskPlate(input.plate),
      enteredAt,
      until,
      minutes,
      tariffVersion: version.version,
      paidFen: session.paidFen,
      paidUntil,
    }
    const windowMinutes = exitWindowOf(version.tariff)
    if (paidUntil) {
      const paidMinutes = session.paidMinutes ?? 0
      const extra = overstayFen({ tariff: version.tariff, enteredAt, paidMinutes, paidUntil, until })
      const lines: FeeLine[] =
        extra.minutes > 0
          ? [
              {
                kind: 'tariff',
                label: '超时停车费',
                detail: `超出离场时间 ${extra.minutes} 分钟`,
                fen: extra.fen,
                minutes: extra.minutes,
              },
            ]
          : []
      return {
        quote: {
          ...base,
          grossFen: extra.fen,
          lines,
          amountFen: extra.fen,
          points: 0,
          dueFen: extra.fen,
          phase: extra.minutes > 0 ? 'overstay' : 'window',
        },
        voucherIds: [],
        coversMinutes: paidMinutes + extra.minutes,
        windowMinutes,
      }
    }
    let payer: Payer = {}
    let receipts: Receipt[] = []
    let vouchers: { id: string; minutes: number }[] = []
    if (member) {
      payer = {
        tier: member.tier,
        tierFreeUsedToday: member.parkingTierFreeDay === chinaDate(now),
        availablePoints: balanceOf(member, new Date(now).toISOString()).available,
        ...(input.usePoints === false ? { maxPoints: 0 } : {}),
      }
      ;[receipts, vouchers] = await Promise.all([
        version.rules.spend ? receiptsOf(member._id, untilMs) : Promise.resolve([]),
        vouchersOf(member._id, now),
      ])
    }
    const fee = parkingFee({
      session: { enteredAt, until },
      payer,
      tariff: version.tariff,
      rules: version.rules,
      receipts,
      voucherMinutes: vouchers.map((v) => v.minutes),
    })
    const used = fee.lines.filter((l) => l.kind === 'voucher').length
    return {
      quote: {
        ...base,
        grossFen: fee.grossFen,
        lines: fee.lines,
        amountFen: fee.amountFen,
        points: fee.points,
        dueFen: Math.max(0, fee.amountFen - session.paidFen - (session.waivedFen ?? 0)),
        phase: 'unpaid',
      },
      voucherIds: vouchers.slice(0, used).map((v) => v.id),
      coversMinutes: minutes,
      windowMinutes,
    }
  }

  /** The quote of `session` for `member`, or for a non-member without one (see priceParking). */
  async function quoteParking(input: {
    session: SessionDoc
    plate: string
    member?: MemberDoc
  }): Promise<ParkingQuote | null> {
    return (await priceParking(input))?.quote ?? null
  }

  return { quoteParking, priceParking }
}

export type ParkingQuotes = ReturnType<typeof createParkingQuotes>
