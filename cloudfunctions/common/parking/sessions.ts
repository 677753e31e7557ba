/**
 * Parking sessions as the car park reports them (issue #12): `applyCarParkEvent` is what the
 * `ingest` function calls for each entry or exit a car park posts.
 *
 * - `parking_events/<car park>:<event id>` is added first (add → idempotent): a retried event
 *   finds it; the same id with other content is refused.
 * - `parking_plates/<car park>:<plate index>` holds the plate's recent events (no plate, no
 *   times but the car park's); the sessions are their pairing (src/domain/parking/sessions.ts).
 *   One transaction reads it, writes it back and writes every session the event created or
 *   changed and removes those it ended: on CloudBase's model (single-document operations in a
 *   transaction, reruns on conflict) two events of one plate never interleave, and an event whose
 *   transaction failed is applied whole by its retry.
 * - `parking_sessions/<car park>:<first event id>`: the blind index of the plate for lookups,
 *   the plate encrypted under the key of the car park's day (dayKeys.ts: the day of the session's
 *   last event, re-encrypted when that changes), the tariff version in force at entry, and the
 *   payment fields (paidFen, paidUntil) a later step writes and the desk's waives (waivedFen,
 *   waives), which re-pairing keeps.
 * - After the transaction, an entry that opened or an exit that closed a session of a plate a
 *   member binds is queued for the 商圈 parking sync when the member opted in
 *   (wxpay/parkings.ts): one read by `_id` when no member binds the plate.
 */
import {
  applyEvent,
  clockError,
  parseCarParkEvent,
  type SessionFacts,
  type SessionState,
} from '../../../src/domain/parking/sessions'
import { fail, ok, type Result } from '../../../src/domain/errors'
import { tariffAt } from '../../../src/domain/parking/tariffs'
import type { AuditLog } from '../audit'
import type { Clock } from '../clock'
import {
  addUnique,
  COLLECTIONS,
  getDoc,
  inTransaction,
  isTransactionConflict,
  type Db,
  type Doc,
} from '../db'
import type { Sealed, Vault } from '../vault'
import { createParkingSync } from '../wxpay/parkings'
import { createDayKeys, parkingDay } from './dayKeys'
import type { TariffBook } from './tariffs'

export interface CarPark {
  carParkId: string
  storeId: string
}

export interface SessionDoc extends Doc {
  carParkId: string
  storeId: string
  plateIndex: string
  /** The plate under the key of `keyDay` at this car park, field `plate:<session id>`. */
  plate: Sealed
  keyDay: string
  state: SessionState
  enteredAt: Date | null
  exitedAt: Date | null
  /** Its last event: the retention runs from it; the day key is this day's. */
  lastAt: Date
  /** Its entry, else its exit: the order the desk lists sessions in. */
  sortAt: Date
  /** The tariff version in force at entry (none for an exit-only session). */
  tariffVersion: number | null
  paidFen: number
  paidUntil: Date | null
  /** Fees waived at the desk (staff/parkingDesk.ts), and each waive; absent until the first. */
  waivedFen?: number
  waives?: SessionWaive[]
  /** Minutes of the stay (from entry) the payments so far cover; the exit window not counted. */
  paidMinutes?: number
  eventIds: string[]
  updatedAt: Date
}

/** One waive at the desk: `key` is `<staff id>:<client key>`, the retry's idempotency. */
export interface SessionWaive {
  key: string
  by: string
  reasonCode: string
  fen: number
  at: Date
}

export interface PlateHistoryDoc extends Doc {
  carParkId: string
  plateIndex: string
  events: { eventId: string; kind: 'entry' | 'exit'; at: string }[]
  lastAt: Date
}

export interface AppliedEvent {
  repeated: boolean
  sessionId: string
  state: SessionState
}

/** Runs of the transaction when events of one plate collide. */
const CONFLICT_RUNS = 4

export const sessionDocId = (carParkId: string, firstEventId: string) => `${carParkId}:${firstEventId}`
export const plateField = (sessionId: string) => `plate:${sessionId}`

const lastOf = (s: SessionFacts) =>
  new Date(Math.max(...[s.enteredAt, s.exitedAt].filter(Boolean).map((t) => Date.parse(t as string))))

export function createParkingSessions(deps: {
  db: Db
  keyDb: () => Db
  vault: Vault
  clock: Clock
  tariffs: TariffBook
  /** Records the reads of the 商圈 parking sync (wxpay/parkings.ts). */
  audit: AuditLog
}) {
  const { db, vault, clock, tariffs } = deps
  const parkingSync = createParkingSync(deps)

  async function applyCarParkEvent(carPark: CarPark, raw: unknown): Promise<Result<AppliedEvent>> {
    const parsed = parseCarParkEvent(raw)
    if (!parsed.ok) return fail(parsed.code, parsed.field)
    const { event } = parsed
    const now = clock.now()
    const skewed = clockError(event, now)
    if (skewed) return fail(skewed.code, skewed.field)
    const { carParkId, storeId } = carPark
    const plateIndex = vault.blindIndex('plate', event.plate)
    const eventDoc = {
      _id: `${carParkId}:${event.eventId}`,
      carParkId,
      kind: event.kind,
      at: new Date(event.at),
      plateIndex,
      receivedAt: new Date(now),
    }
    let seen = false
    if (!(await addUnique(db, COLLECTIONS.parkingEvents, eventDoc))) {
      const first = await getDoc(db, COLLECTIONS.parkingEvents, eventDoc._id)
      if (
        !first ||
        first.kind !== event.kind ||
        first.plateIndex !== plateIndex ||
        new Date(first.at as Date).getTime() !== eventDoc.at.getTime()
      )
        return fail('PARKING_EVENT_INVALID', 'eventId')
      seen = true
    }
    const versions = await tariffs.versions(db, carParkId)
    const keys = createDayKeys({ keyDb: deps.keyDb, vault, clock })

    const historyId = `${carParkId}:${plateIndex}`
    const run = () =>
      inTransaction(db, async (tx): Promise<Result<AppliedEvent>> => {
        const plates = tx.collection(COLLECTIONS.parkingPlates)
        const sessions = tx.collection(COLLECTIONS.parkingSessions)
        const stored = (await plates.doc(historyId).get()).data as PlateHistoryDoc | null
        const outcome = applyEvent(stored?.events ?? [], event, now)
        if (!outcome.ok) {
          // Applied long ago and since trimmed from the plate's history: a retry, not an error.
          if (seen && outcome.code === 'PARKING_EVENT_STALE')
            return ok({ repeated: true, sessionId: '', state: 'closed' as const })
          return fail(outcome.code, outcome.field)
        }
        const sessionId = sessionDocId(carParkId, outcome.sessionId)
        if (outcome.repeated) {
          const doc = (await sessions.doc(sessionId).get()).data as SessionDoc | null
          return ok({ repeated: true, sessionId, state: doc?.state ?? 'closed' })
        }
        const lastAt = new Date(Math.max(...outcome.history.map((e) => Date.parse(e.at))))
        await plates.doc(historyId).set({ data: { carParkId, plateIndex, events: outcome.history, lastAt } })
        const before = new Set((stored?.events ?? []).map((e) => e.eventId))
        let state: SessionState = 'open'
        for (const facts of outcome.changed) {
          const id = sessionDocId(carParkId, facts.id)
          const last = lastOf(facts)
          const keyDay = parkingDay(last.getTime())
          const cipher = await keys.forDay(carParkId, keyDay)
          // A session that existed keeps what was paid for it.
          const existing = before.has(facts.id)
            ? ((await sessions.doc(id).get()).data as SessionDoc | null)
            : null
          const doc: Omit<SessionDoc, '_id'> = {
            carParkId,
            storeId,
            plateIndex,
            plate: cipher.encrypt(plateField(id), event.plate),
            keyDay,
            state: facts.state,
            enteredAt: facts.enteredAt ? new Date(facts.enteredAt) : null,
            exitedAt: facts.exitedAt ? new Date(facts.exitedAt) : null,
            lastAt: last,
            sortAt: new Date(facts.enteredAt ?? (facts.exitedAt as string)),
            tariffVersion: facts.enteredAt ? (tariffAt(versions, facts.enteredAt)?.version ?? null) : null,
            paidFen: existing?.paidFen ?? 0,
            paidUntil: existing?.paidUntil ?? null,
            ...(existing?.waives ? { waivedFen: existing.waivedFen ?? 0, waives: existing.waives } : {}),
            ...(existing?.paidMinutes ? { paidMinutes: existing.paidMinutes } : {}),
            eventIds: facts.eventIds,
            updatedAt: new Date(now),
          }
          await sessions.doc(id).set({ data: doc })
          if (facts.id === outcome.sessionId) state = facts.state
        }
        for (const gone of outcome.removed) await sessions.doc(sessionDocId(carParkId, gone)).remove()
        return ok({ repeated: false, sessionId, state })
      })
    let applied: Result<AppliedEvent>
    for (let attempt = 1; ; attempt += 1) {
      try {
        applied = await run()
        break
      } catch (error) {
        if (!isTransactionConflict(error)) throw error
        if (attempt === CONFLICT_RUNS) return fail('PARKING_BUSY')
      }
    }
    // After the transaction, also for a repeat: an event whose sync was not queued (the call
    // failed after the sessions were written) is queued by the device's retry.
    if (applied.ok && applied.data.sessionId)
      await parkingSync.afterEvent({
        sessionId: applied.data.sessionId,
        kind: event.kind,
        state: applied.data.state,
        plate: event.plate,
        plateIndex,
        at: event.at,
      })
    return applied
  }

  return { applyCarParkEvent }
}
