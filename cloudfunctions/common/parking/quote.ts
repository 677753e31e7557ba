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
import { parkingFee, type Payer, type Receipt } from '../../../src/domain/parking/fee'
import { tariffAt } from '../../../src/domain/parking/tariffs'
import type { Clock } from '../clock'
import { COLLECTIONS, type Db } from '../db'
import type { MemberDoc } from '../members/model'
import { balanceOf, type LedgerEntry } from '../points/ledger'
import type { SessionDoc } from './sessions'
import type { TariffBook } from './tariffs'

/** Ledger entries of one member's day read at most: more receipts than a shopper has in a day. */
const DAY_ENTRIES_MAX = 200
/** Parking vouchers of a member read at most. */
const VOUCHERS_MAX = 20
const CHINA_OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

/** The China day of `at` as an interval of instants. */
function dayBounds(at: number): { from: Date; to: Date } {
  const start = Math.floor((at + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS
  return { from: new Date(start), to: new Date(start + DAY_MS) }
}

export function createParkingQuotes(deps: { db: Db; clock: Clock; tariffs: TariffBook }) {
  const { db, clock, tariffs } = deps
  const _ = db.command

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

  /** Minutes of the member's parking vouchers still usable today. */
  async function voucherMinutesOf(memberId: string, now: number): Promise<number[]> {
    const { data } = await db
      .collection(COLLECTIONS.redemptions)
      .where({ memberId, kind: 'parking', status: 'issued' })
      .orderBy('createdAt', 'asc')
      .limit(VOUCHERS_MAX)
      .get()
    const today = chinaDate(now)
    const usable = data.filter((v) => typeof v.validUntil !== 'string' || v.validUntil >= today)
    if (usable.length === 0) return []
    const ids = [...new Set(usable.map((v) => String(v.rewardId)))]
    const { data: rewards } = await db
      .collection(COLLECTIONS.rewards)
      .where({ _id: _.in(ids) })
      .limit(ids.length)
      .get()
    const minutes = new Map(rewards.map((r) => [r._id, Number(r.parkingMinutes ?? 0)]))
    return usable.map((v) => minutes.get(String(v.rewardId)) ?? 0).filter((m) => m > 0)
  }

  /**
   * The quote of `session` (one with an entry) for `member`, or for a non-member without one;
   * null when the car park has no tariff for its entry. `plate` is the plate in clear, masked
   * in the answer.
   */
  async function quoteParking(input: {
    session: SessionDoc
    plate: string
    member?: MemberDoc
  }): Promise<ParkingQuote | null> {
    const { session, member } = input
    const enteredAt = iso(session.enteredAt)
    if (!enteredAt) return null
    const versions = await tariffs.versions(db, session.carParkId)
    const version = versions.find((v) => v.version === session.tariffVersion) ?? tariffAt(versions, enteredAt)
    if (!version) return null
    const now = clock.now()
    const until = iso(session.exitedAt) ?? new Date(now).toISOString()
    const untilMs = Date.parse(until)
    let payer: Payer = {}
    let receipts: Receipt[] = []
    let voucherMinutes: number[] = []
    if (member) {
      payer = { tier: member.tier, availablePoints: balanceOf(member, new Date(now).toISOString()).available }
      ;[receipts, voucherMinutes] = await Promise.all([
        version.rules.spend ? receiptsOf(member._id, untilMs) : Promise.resolve([]),
        voucherMinutesOf(member._id, now),
      ])
    }
    const fee = parkingFee({
      session: { enteredAt, until },
      payer,
      tariff: version.tariff,
      rules: version.rules,
      receipts,
      voucherMinutes,
    })
    return {
      sessionId: session._id,
      plate: maskPlate(input.plate),
      enteredAt,
      until,
      minutes: Math.ceil((untilMs - Date.parse(enteredAt)) / 60_000),
      tariffVersion: version.version,
      grossFen: fee.grossFen,
      lines: fee.lines,
      amountFen: fee.amountFen,
      points: fee.points,
      paidFen: session.paidFen,
      dueFen: Math.max(0, fee.amountFen - session.paidFen - (session.waivedFen ?? 0)),
    }
  }

  return { quoteParking }
}
