import {
  applyEvent,
  HISTORY_SESSIONS,
  MAX_FUTURE_MS,
  MAX_PAST_MS,
  parseCarParkEvent,
  SAME_PASSAGE_MS,
  sessionsOf,
  type CarParkEvent,
  type HistoryEvent,
} from '@/domain/parking/sessions'

const PLATE = '沪A12345'
/** Our clock: 2026-12-07 20:00 China time. */
const NOW = Date.parse('2026-12-07T20:00:00+08:00')
const at = (time: string) => new Date(Date.parse(`2026-12-07T${time}:00+08:00`)).toISOString()

const ev = (eventId: string, kind: 'entry' | 'exit', time: string): CarParkEvent => ({
  eventId,
  kind,
  plate: PLATE,
  at: at(time),
})

/** Applies `events` in order to an empty history; answers the sessions, oldest first, and each effect. */
function run(events: CarParkEvent[]) {
  let history: HistoryEvent[] = []
  const effects: string[] = []
  for (const event of events) {
    const outcome = applyEvent(history, event, NOW)
    if (!outcome.ok) throw new Error(outcome.code)
    effects.push(
      outcome.repeated
        ? 'repeated'
        : `${outcome.changed.map((c) => c.state).join('+')}-${outcome.removed.length}`,
    )
    history = outcome.history
  }
  const sessions = sessionsOf(history).map(({ state, enteredAt, exitedAt }) => ({
    state,
    enteredAt,
    exitedAt,
  }))
  return { sessions, effects }
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items]
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  )
}

describe('parseCarParkEvent', () => {
  it('normalises the plate and the instant', () => {
    expect(
      parseCarParkEvent({
        eventId: 'e-1',
        kind: 'entry',
        plate: '沪a·12345',
        at: '2026-12-07T10:00:00+08:00',
        lane: 'L1',
      }),
    ).toEqual({
      ok: true,
      event: { eventId: 'e-1', kind: 'entry', plate: PLATE, at: '2026-12-07T02:00:00.000Z', lane: 'L1' },
    })
  })

  it.each([
    ['no object', null, 'PARKING_EVENT_INVALID', undefined],
    [
      'an event id with spaces',
      { eventId: 'a b', kind: 'entry', plate: PLATE, at: at('10:00') },
      'PARKING_EVENT_INVALID',
      'eventId',
    ],
    [
      'an event id too long',
      { eventId: 'x'.repeat(65), kind: 'entry', plate: PLATE, at: at('10:00') },
      'PARKING_EVENT_INVALID',
      'eventId',
    ],
    [
      'another kind',
      { eventId: 'e', kind: 'pass', plate: PLATE, at: at('10:00') },
      'PARKING_EVENT_INVALID',
      'kind',
    ],
    [
      'a time without zone',
      { eventId: 'e', kind: 'exit', plate: PLATE, at: '2026-12-07T10:00:00' },
      'PARKING_EVENT_INVALID',
      'at',
    ],
    [
      'a lane too long',
      { eventId: 'e', kind: 'exit', plate: PLATE, at: at('10:00'), lane: 'l'.repeat(33) },
      'PARKING_EVENT_INVALID',
      'lane',
    ],
    [
      'a plate that is none',
      { eventId: 'e', kind: 'exit', plate: 'ABC', at: at('10:00') },
      'PLATE_INVALID',
      'plate',
    ],
  ])('refuses %s', (_name, raw, code, field) => {
    expect(parseCarParkEvent(raw)).toEqual(field ? { ok: false, code, field } : { ok: false, code })
  })
})

describe('applyEvent', () => {
  const closed = { state: 'closed', enteredAt: at('10:00'), exitedAt: at('12:00') }

  it.each(permutations([ev('in', 'entry', '10:00'), ev('out', 'exit', '12:00')]))(
    'an entry and its exit make one closed session in either order (%#)',
    (...events) => {
      expect(run(events).sessions).toEqual([closed])
    },
  )

  it.each(
    permutations([
      ev('in', 'entry', '10:00'),
      ev('in2', 'entry', '10:02'),
      ev('out', 'exit', '12:00'),
      ev('out2', 'exit', '12:03'),
    ]),
  )('two camera reads of each passage are one session in every order (%#)', (...events) => {
    const { sessions } = run(events)
    expect(sessions).toHaveLength(1)
    expect(sessions[0].state).toBe('closed')
  })

  it.each(
    permutations([
      ev('a-in', 'entry', '09:00'),
      ev('a-out', 'exit', '10:00'),
      ev('b-in', 'entry', '11:00'),
      ev('b-out', 'exit', '13:00'),
    ]),
  )('two stays delivered in any order are two closed sessions (%#)', (...events) => {
    expect(run(events).sessions).toEqual([
      { state: 'closed', enteredAt: at('09:00'), exitedAt: at('10:00') },
      { state: 'closed', enteredAt: at('11:00'), exitedAt: at('13:00') },
    ])
  })

  it('the same event twice is a no-op', () => {
    const { sessions, effects } = run([ev('in', 'entry', '10:00'), ev('in', 'entry', '10:00')])
    expect(sessions).toEqual([{ state: 'open', enteredAt: at('10:00'), exitedAt: undefined }])
    expect(effects).toEqual(['open-0', 'repeated'])
  })

  it('a second read of the entry within the window joins the session; the first time stands', () => {
    const second = at('10:00').replace('02:00:00', '02:04:59')
    const { sessions, effects } = run([
      ev('in', 'entry', '10:00'),
      { ...ev('in2', 'entry', '10:00'), at: second },
    ])
    expect(effects).toEqual(['open-0', 'open-0'])
    expect(sessions).toEqual([{ state: 'open', enteredAt: at('10:00'), exitedAt: undefined }])
    expect(SAME_PASSAGE_MS).toBe(5 * 60_000)
  })

  it.each([
    [
      'a second entry later leaves the first unclosed for the desk and opens a new one',
      ['a', 'b'],
      'unclosed+open-0',
    ],
    [
      'an entry older than a later stay, with no exit to pair with, is recorded unclosed',
      ['b', 'a'],
      'unclosed-0',
    ],
  ])('%s', (_name, order, effect) => {
    const entries: Record<string, CarParkEvent> = {
      a: ev('a', 'entry', '10:00'),
      b: ev('b', 'entry', '14:00'),
    }
    const { sessions, effects } = run(order.map((id) => entries[id]))
    expect(effects).toEqual(['open-0', effect])
    expect(sessions).toEqual([
      { state: 'unclosed', enteredAt: at('10:00'), exitedAt: undefined },
      { state: 'open', enteredAt: at('14:00'), exitedAt: undefined },
    ])
  })

  it('a late exit still closes a session that was marked unclosed', () => {
    const { sessions } = run([
      ev('a', 'entry', '10:00'),
      ev('b', 'entry', '14:00'),
      ev('a-out', 'exit', '11:00'),
    ])
    expect(sessions).toEqual([
      { state: 'closed', enteredAt: at('10:00'), exitedAt: at('11:00') },
      { state: 'open', enteredAt: at('14:00'), exitedAt: undefined },
    ])
  })

  it('an exit without entry is an exit-only session; its entry arriving later completes it', () => {
    const first = run([ev('out', 'exit', '12:00')])
    expect(first.effects).toEqual(['exitOnly-0'])
    expect(first.sessions).toEqual([{ state: 'exitOnly', enteredAt: undefined, exitedAt: at('12:00') }])
    const late = run([ev('out', 'exit', '12:00'), ev('in', 'entry', '10:00')])
    // The exit-only session is gone, one closed session named by its entry takes its place.
    expect(late.effects).toEqual(['exitOnly-0', 'closed-1'])
    expect(late.sessions).toEqual([closed])
  })

  it('an exit after a closed stay is exit-only, never a second exit of that stay', () => {
    expect(
      run([ev('in', 'entry', '10:00'), ev('out', 'exit', '12:00'), ev('out-b', 'exit', '15:00')]).sessions,
    ).toEqual([closed, { state: 'exitOnly', enteredAt: undefined, exitedAt: at('15:00') }])
  })

  it('bounds the car park clock: too far ahead or too old is refused, within bounds accepted', () => {
    const event = (offset: number): CarParkEvent => ({
      ...ev('e', 'entry', '10:00'),
      at: new Date(NOW + offset).toISOString(),
    })
    expect(applyEvent([], event(MAX_FUTURE_MS + 1000), NOW)).toEqual({
      ok: false,
      code: 'PARKING_EVENT_FUTURE',
      field: 'at',
    })
    expect(applyEvent([], event(-MAX_PAST_MS - 1000), NOW)).toEqual({
      ok: false,
      code: 'PARKING_EVENT_STALE',
      field: 'at',
    })
    expect(applyEvent([], event(MAX_FUTURE_MS - 1000), NOW)).toMatchObject({ ok: true, repeated: false })
  })

  it('keeps the newest sessions only and refuses an event older than all of them', () => {
    const events = Array.from({ length: HISTORY_SESSIONS + 2 }, (_, i) =>
      ev(`e${i}`, 'entry', `${String(8 + i).padStart(2, '0')}:00`),
    )
    let history: HistoryEvent[] = []
    for (const event of events) {
      const outcome = applyEvent(history, event, NOW)
      if (!outcome.ok) throw new Error(outcome.code)
      history = outcome.history
    }
    expect(sessionsOf(history)).toHaveLength(HISTORY_SESSIONS)
    expect(applyEvent(history, ev('old', 'exit', '08:30'), NOW)).toEqual({
      ok: false,
      code: 'PARKING_EVENT_STALE',
      field: 'at',
    })
  })
})
