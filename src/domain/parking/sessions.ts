/**
 * Parking sessions from the car park's entry and exit events (issue #12). The car park's
 * plate-recognition system reports each passage of a lane camera; events can be repeated, lost,
 * delivered late or out of order, and carry the car park's own clock.
 *
 * Sessions are not edited event by event: a plate's recent events at one car park (its history)
 * are paired in time order, so every delivery order of the same events gives the same sessions:
 * - an event already in the history changes nothing (`repeated`);
 * - two reads of one passage — an entry within `SAME_PASSAGE_MS` of the open session's entry, an
 *   exit within it of the last exit — belong to one session; the earlier time stands;
 * - an entry while a session is open: the open session's exit was missed; it is kept as
 *   `unclosed` for the desk (never charged automatically) and a new session opens. An exit that
 *   arrives late for it still closes it, since the pairing is redone in time order;
 * - an exit with no open session before it: a session `exitOnly`, for the desk, never charged
 *   automatically; its entry arriving later turns it into one `closed` session;
 * - the car park's clock is trusted within bounds: an event more than `MAX_FUTURE_MS` ahead of
 *   our clock is refused (`PARKING_EVENT_FUTURE`); one older than `MAX_PAST_MS`, or older than
 *   the plate's kept history, too (`PARKING_EVENT_STALE`): nothing is guessed.
 *
 * A session is named by the event that starts it (its entry, else its exit), so a re-pairing
 * answers which sessions changed and which are gone. Pure: the function layer stores the history
 * and projects the sessions.
 */
import { isValidPlate, normalisePlateInput } from '../plate/model'

/** Two camera reads of one passage come within this. */
export const SAME_PASSAGE_MS = 5 * 60_000
/** The car park's clock may be this far ahead of ours. */
export const MAX_FUTURE_MS = 5 * 60_000
/** Events older than this are refused (a device that held them for a week must be looked at). */
export const MAX_PAST_MS = 7 * 24 * 3600_000
/** Sessions whose events a plate's history keeps. */
export const HISTORY_SESSIONS = 10

export const EVENT_ID_MAX = 64
export const LANE_MAX = 32

export type CarParkEventKind = 'entry' | 'exit'

export interface CarParkEvent {
  /** The car park's id of the event, unique per car park. */
  eventId: string
  kind: CarParkEventKind
  /** Normalised (normalisePlateInput) and valid. */
  plate: string
  /** The car park's clock, ISO instant. */
  at: string
  lane?: string
}

/**
 * - `open`: entered, not yet left; the only one that can be charged for now.
 * - `closed`: entry and exit.
 * - `exitOnly`: an exit whose entry is unknown; for the desk, never charged automatically.
 * - `unclosed`: an entry whose exit was missed (another entry came); for the desk.
 */
export type SessionState = 'open' | 'closed' | 'exitOnly' | 'unclosed'

export const SESSION_STATE_LABELS: Record<SessionState, string> = {
  open: '在场',
  closed: '已离场',
  exitOnly: '无入场记录',
  unclosed: '未记录出场',
}

/**
 * A session in the member's data copy (L-8): one of their bound plates' sessions since they
 * bound it, with the plate in clear, its times and what was paid for it.
 */
export interface ParkingSessionCopy {
  id: string
  carParkId: string
  plate: string
  state: SessionState
  enteredAt: string | null
  exitedAt: string | null
  paidFen: number
}

/** An event as the plate's history keeps it (no plate: the history is per plate). */
export interface HistoryEvent {
  eventId: string
  kind: CarParkEventKind
  at: string
}

export interface SessionFacts {
  /** The event that starts it: its entry, else its exit. */
  id: string
  state: SessionState
  enteredAt?: string
  exitedAt?: string
  /** Every event of the session, repeated reads included. */
  eventIds: string[]
}

export type ParkingEventError =
  'PARKING_EVENT_INVALID' | 'PARKING_EVENT_FUTURE' | 'PARKING_EVENT_STALE' | 'PLATE_INVALID'

export type EventOutcome =
  | {
      ok: true
      repeated: boolean
      /** The session the event belongs to now. */
      sessionId: string
      /** The history to keep. */
      history: HistoryEvent[]
      /** Sessions new or different from before, and ids of sessions that are no more. */
      changed: SessionFacts[]
      removed: string[]
    }
  | { ok: false; code: ParkingEventError; field?: string }

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/
const EVENT_ID = /^[A-Za-z0-9_.:-]+$/

/** The event as the car park sent it, checked and normalised; the error otherwise. */
export function parseCarParkEvent(
  raw: unknown,
): { ok: true; event: CarParkEvent } | { ok: false; code: ParkingEventError; field?: string } {
  if (typeof raw !== 'object' || raw === null) return { ok: false, code: 'PARKING_EVENT_INVALID' }
  const { eventId, kind, plate, at, lane } = raw as Record<string, unknown>
  if (typeof eventId !== 'string' || eventId.length > EVENT_ID_MAX || !EVENT_ID.test(eventId))
    return { ok: false, code: 'PARKING_EVENT_INVALID', field: 'eventId' }
  if (kind !== 'entry' && kind !== 'exit') return { ok: false, code: 'PARKING_EVENT_INVALID', field: 'kind' }
  if (typeof at !== 'string' || !ISO.test(at) || !Number.isFinite(Date.parse(at)))
    return { ok: false, code: 'PARKING_EVENT_INVALID', field: 'at' }
  if (lane !== undefined && (typeof lane !== 'string' || lane.length > LANE_MAX))
    return { ok: false, code: 'PARKING_EVENT_INVALID', field: 'lane' }
  const normalised = typeof plate === 'string' ? normalisePlateInput(plate) : ''
  if (!isValidPlate(normalised)) return { ok: false, code: 'PLATE_INVALID', field: 'plate' }
  return {
    ok: true,
    event: { eventId, kind, plate: normalised, at: new Date(at).toISOString(), ...(lane ? { lane } : {}) },
  }
}

const ms = (iso: string | undefined) => (iso === undefined ? NaN : Date.parse(iso))

/** Time order; at the same instant an entry before an exit, then by id: one order for every delivery. */
function byTime(a: HistoryEvent, b: HistoryEvent): number {
  return (
    ms(a.at) - ms(b.at) ||
    (a.kind === b.kind ? 0 : a.kind === 'entry' ? -1 : 1) ||
    (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)
  )
}

/** The sessions a plate's events make, oldest first. */
export function sessionsOf(events: readonly HistoryEvent[]): SessionFacts[] {
  const sessions: SessionFacts[] = []
  let open: SessionFacts | null = null
  for (const event of [...events].sort(byTime)) {
    const at = ms(event.at)
    const last = sessions[sessions.length - 1]
    if (event.kind === 'entry') {
      if (open && at - ms(open.enteredAt) <= SAME_PASSAGE_MS) {
        open.eventIds.push(event.eventId)
        continue
      }
      if (open) open.state = 'unclosed'
      open = { id: event.eventId, state: 'open', enteredAt: event.at, eventIds: [event.eventId] }
      sessions.push(open)
    } else if (!open && last?.exitedAt !== undefined && at - ms(last.exitedAt) <= SAME_PASSAGE_MS) {
      last.eventIds.push(event.eventId)
    } else if (open) {
      open.state = 'closed'
      open.exitedAt = event.at
      open.eventIds.push(event.eventId)
      open = null
    } else
      sessions.push({ id: event.eventId, state: 'exitOnly', exitedAt: event.at, eventIds: [event.eventId] })
  }
  return sessions
}

/** When a session happened: its entry, else its exit. */
export const sessionTime = (s: Pick<SessionFacts, 'enteredAt' | 'exitedAt'>): string =>
  (s.enteredAt ?? s.exitedAt) as string

/** The refusal of an event whose time is out of bounds of our clock `now` (ms), if it is. */
export function clockError(
  event: Pick<CarParkEvent, 'at'>,
  now: number,
): { ok: false; code: ParkingEventError; field: string } | undefined {
  const at = ms(event.at)
  if (at > now + MAX_FUTURE_MS) return { ok: false, code: 'PARKING_EVENT_FUTURE', field: 'at' }
  if (at < now - MAX_PAST_MS) return { ok: false, code: 'PARKING_EVENT_STALE', field: 'at' }
  return undefined
}

const same = (a: SessionFacts, b: SessionFacts) => JSON.stringify(a) === JSON.stringify(b)

/**
 * What `event` does to a plate's `history` at our time `now` (ms): the history to keep (the
 * events of its newest HISTORY_SESSIONS sessions), the sessions that changed and those gone.
 * `history` is what an earlier call answered (already trimmed).
 */
export function applyEvent(history: readonly HistoryEvent[], event: CarParkEvent, now: number): EventOutcome {
  const skewed = clockError(event, now)
  if (skewed) return skewed
  const before = sessionsOf(history)
  const containing = (sessions: SessionFacts[]) =>
    sessions.find((s) => s.eventIds.includes(event.eventId)) as SessionFacts
  if (history.some((e) => e.eventId === event.eventId))
    return {
      ok: true,
      repeated: true,
      sessionId: containing(before).id,
      history: [...history],
      changed: [],
      removed: [],
    }
  // Older than every session kept: its pairing is out of reach (the history was trimmed).
  if (history.length > 0 && before.length >= HISTORY_SESSIONS && event.at < sessionTime(before[0]))
    return { ok: false, code: 'PARKING_EVENT_STALE', field: 'at' }
  const all = sessionsOf([...history, { eventId: event.eventId, kind: event.kind, at: event.at }])
  const kept = all.slice(-HISTORY_SESSIONS)
  const ids = new Set(kept.flatMap((s) => s.eventIds))
  const events = [...history, { eventId: event.eventId, kind: event.kind, at: event.at }]
  const previous = new Map(before.map((s) => [s.id, s]))
  const after = new Set(all.map((s) => s.id))
  return {
    ok: true,
    repeated: false,
    sessionId: containing(all).id,
    history: events.filter((e) => ids.has(e.eventId)).sort(byTime),
    changed: all.filter((s) => !previous.has(s.id) || !same(previous.get(s.id) as SessionFacts, s)),
    removed: before.filter((s) => !after.has(s.id)).map((s) => s.id),
  }
}
