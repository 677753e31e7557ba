/**
 * The parking desk's waive (issue #12; src/domain/contracts/parkingDesk.ts): a counter or
 * manager of the car park's store settles a session for what it costs now — the quote's amount
 * due, no member's deductions (the desk sees no member) — with a reason from a fixed list.
 *
 * One transaction on the session adds the waive to it (`waivedFen`, `waives`, `paidUntil` = now
 * + the tariff's exit window, so the car can leave) and counts it in the car park's day
 * (`countParkingDay`), so the figures never miss or double a waive. A session the car park could
 * not pair (exit only, or an entry whose exit was missed) is the desk's to close: it is waived
 * once even with nothing priced. A retry with the same key finds its waive on the session and
 * answers it; each new waive takes one of the staff member's daily allowance and is audited
 * with the reason.
 */
import { actingStaff } from '../common/staff'
import type { parkingDeskContract, WaiveAnswer } from '../../src/domain/contracts/parkingDesk'
import { fail, failUntil, ok, secondsToChinaMidnight, type Result } from '../../src/domain/errors'
import { EXIT_WINDOW_MINUTES, exitWindowOf } from '../../src/domain/parking/fee'
import { WAIVE_DAILY_LIMIT } from '../../src/domain/parking/waive'
import { inStoreScope } from '../../src/domain/staff/model'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, inTransaction, isTransactionConflict, type Db } from '../common/db'
import { countParkingDay } from '../common/parking/days'
import { createParkingQuotes } from '../common/parking/quote'
import type { SessionDoc, SessionWaive } from '../common/parking/sessions'
import { createTariffBook } from '../common/parking/tariffs'
import { createDailyCounts } from '../common/quota'
import type { Handlers } from '../common/router'

export interface ParkingDeskDeps {
  db: Db
  clock: Clock
  audit: AuditLog
}

const WAIVE_KIND = 'parking-waive'
/** Runs of the transaction when the car park's event for the plate collides with the waive. */
const CONFLICT_RUNS = 3
/** Sessions the car park could not pair: the desk closes them. */
const DESK_STATES = new Set(['exitOnly', 'unclosed'])

type Waived = { repeated: boolean; waive: SessionWaive; paidUntil: Date }

export function createParkingDeskActions(
  deps: ParkingDeskDeps,
): Handlers<typeof parkingDeskContract, { status: 'active' }> {
  const { db, clock, audit } = deps
  const counts = createDailyCounts({ db, clock })
  const tariffs = createTariffBook(clock)
  const quotes = createParkingQuotes({ db, clock, tariffs })

  /** The waive of `key` on the session, added with the day's count unless it is there. */
  function waive(sessionId: string, key: string, by: string, reasonCode: string): Promise<Result<Waived>> {
    return inTransaction(db, async (tx): Promise<Result<Waived>> => {
      const ref = tx.collection(COLLECTIONS.parkingSessions).doc(sessionId)
      const session = (await ref.get()).data as SessionDoc | null
      if (!session) return fail('PARKING_SESSION_UNKNOWN', 'sessionId')
      const waives = session.waives ?? []
      const earlier = waives.find((w) => w.key === key)
      if (earlier) return ok({ repeated: true, waive: earlier, paidUntil: session.paidUntil ?? earlier.at })
      const now = clock.now()
      let fen = 0
      let exitWindow = EXIT_WINDOW_MINUTES
      // The stay the waive covers, as a payment's: staying beyond the window owes only the extra time.
      let covered: number | undefined
      if (session.enteredAt) {
        const quote = await quotes.quoteParking({ session, plate: '' })
        if (!quote) return fail('PARKING_TARIFF_MISSING')
        fen = quote.dueFen
        covered = quote.phase === 'unpaid' ? quote.minutes : undefined
        const version = (await tariffs.versions(db, session.carParkId)).find(
          (v) => v.version === quote.tariffVersion,
        )
        if (version) exitWindow = exitWindowOf(version.tariff)
      }
      const deskCloses = DESK_STATES.has(session.state) && waives.length === 0
      if (fen === 0 && !deskCloses) return fail('PARKING_WAIVE_NOTHING', 'sessionId')
      const at = new Date(now)
      const added: SessionWaive = { key, by, reasonCode, fen, at }
      const paidUntil = new Date(now + exitWindow * 60_000)
      await ref.update({
        data: {
          waivedFen: (session.waivedFen ?? 0) + fen,
          waives: [...waives, added],
          paidUntil,
          ...(covered !== undefined ? { paidMinutes: covered } : {}),
          updatedAt: at,
        },
      })
      await countParkingDay(tx, session, at, { waives: 1, waivedFen: fen })
      return ok({ repeated: false, waive: added, paidUntil })
    })
  }

  return {
    async waiveParking({ sessionId, reasonCode, note, key }, { caller }) {
      const staff = actingStaff(caller)
      const session = (await getDoc(db, COLLECTIONS.parkingSessions, sessionId)) as SessionDoc | null
      if (!session || !inStoreScope(staff, session.storeId))
        return fail('PARKING_SESSION_UNKNOWN', 'sessionId')
      const ownKey = `${staff.id}:${key}`
      const quota = { requester: staff.id }
      const quotaId = counts.idOf(WAIVE_KIND, quota)
      const left = async () => Math.max(0, WAIVE_DAILY_LIMIT - (await counts.count(quotaId)))
      const answer = async (done: Waived): Promise<WaiveAnswer> => ({
        sessionId,
        waivedFen: done.waive.fen,
        paidUntil: new Date(done.paidUntil).toISOString(),
        repeated: done.repeated,
        waivesLeft: await left(),
      })
      const earlier = session.waives?.find((w) => w.key === ownKey)
      if (earlier)
        return ok(
          await answer({ repeated: true, waive: earlier, paidUntil: session.paidUntil ?? earlier.at }),
        )
      if (!(await counts.take(quotaId, quota, WAIVE_DAILY_LIMIT)))
        return failUntil('PARKING_WAIVE_LIMIT', secondsToChinaMidnight(clock.now()))
      let outcome: Result<Waived> | undefined
      for (let attempt = 1; !outcome; attempt += 1) {
        try {
          outcome = await waive(sessionId, ownKey, staffActor(staff.id), reasonCode)
        } catch (error) {
          if (!isTransactionConflict(error)) {
            await counts.giveBack(quotaId)
            throw error
          }
          if (attempt === CONFLICT_RUNS) outcome = fail('PARKING_BUSY')
        }
      }
      if (!outcome.ok || outcome.data.repeated) await counts.giveBack(quotaId)
      if (!outcome.ok) return outcome
      if (!outcome.data.repeated)
        await audit.record(
          {
            actor: staffActor(staff.id),
            action: 'update',
            purpose: 'parking',
            memberId: `parking-session:${sessionId}`,
            fields: [],
            success: true,
            reason: note ? `${reasonCode}:${note}` : reasonCode,
          },
          { counted: false },
        )
      return ok(await answer(outcome.data))
    },
  }
}
