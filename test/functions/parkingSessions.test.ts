/**
 * Parking sessions from the car park's events against a real local-cloud database: every
 * delivery order, repeats, conflicts, refusals, the encrypted plate under the day key, the
 * retention sweep with the day keys, and no plate in clear in any file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import type { Doc } from '../../cloudfunctions/common/db'
import { createDayKeys } from '../../cloudfunctions/common/parking/dayKeys'
import {
  createParkingSessions,
  plateField,
  type SessionDoc,
} from '../../cloudfunctions/common/parking/sessions'
import { createTariffBook } from '../../cloudfunctions/common/parking/tariffs'
import { createSweeps, retentionSweep } from '../../cloudfunctions/scheduler/sweeps'
import { DEMO_CAR_PARK } from '../../database/seed'
import { createTestEnv, type TestEnv } from './support'

const PLATE = '沪A12345'
const DAY = 86_400_000

let env: TestEnv
let dir: string | undefined

beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => {
  env.cloud.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

const parking = () =>
  createParkingSessions({
    db: env.db,
    keyDb: () => env.keyDb,
    vault: env.vault,
    clock: env.clock,
    tariffs: createTariffBook(env.clock),
  })

/** `minutes` before our clock (it starts at 10:00 in Shanghai, START). */
const ago = (minutes: number) => new Date(env.clock.now() - minutes * 60_000).toISOString()

const event = (eventId: string, kind: 'entry' | 'exit', minutesAgo: number, plate = PLATE) => ({
  eventId,
  kind,
  plate,
  at: ago(minutesAgo),
})

const apply = (raw: unknown) => parking().applyCarParkEvent(DEMO_CAR_PARK, raw)

async function sessionsOf(plate = PLATE): Promise<SessionDoc[]> {
  const index = env.vault.blindIndex('plate', plate)
  return ((await env.all('parking_sessions')) as SessionDoc[])
    .filter((s) => s.plateIndex === index)
    .sort((a, b) => new Date(a.sortAt).getTime() - new Date(b.sortAt).getTime())
}

const shape = (s: SessionDoc) => ({
  state: s.state,
  enteredAt: s.enteredAt && new Date(s.enteredAt).toISOString(),
  exitedAt: s.exitedAt && new Date(s.exitedAt).toISOString(),
})

async function parkingCounts(): Promise<Record<string, number>> {
  const names = ['parking_events', 'parking_plates', 'parking_sessions', 'parking_keys']
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await env.all(n)).length])))
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items]
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  )
}

describe('applyCarParkEvent', () => {
  it('opens a session on entry and closes it on exit, priced by the tariff version at entry', async () => {
    expect(await apply(event('in-1', 'entry', 120))).toMatchObject({
      ok: true,
      data: { repeated: false, sessionId: `${DEMO_CAR_PARK.carParkId}:in-1`, state: 'open' },
    })
    expect(await apply(event('out-1', 'exit', 10))).toMatchObject({ ok: true, data: { state: 'closed' } })
    const [session] = await sessionsOf()
    expect(shape(session)).toEqual({ state: 'closed', enteredAt: ago(120), exitedAt: ago(10) })
    expect(session).toMatchObject({
      carParkId: DEMO_CAR_PARK.carParkId,
      storeId: DEMO_CAR_PARK.storeId,
      tariffVersion: 1,
      paidFen: 0,
      paidUntil: null,
      keyDay: '2024-06-15',
    })
    // The plate is the day key's ciphertext, bound to the session.
    const cipher = await createDayKeys({ keyDb: () => env.keyDb, vault: env.vault, clock: env.clock }).open(
      DEMO_CAR_PARK.carParkId,
      session.keyDay,
    )
    expect(cipher?.decrypt(plateField(session._id), session.plate)).toBe(PLATE)
  })

  it('makes the same two sessions whatever order four events arrive in, leaving no stray session', async () => {
    const orders = permutations([
      ['a-in', 'entry', 300],
      ['a-out', 'exit', 240],
      ['b-in', 'entry', 180],
      ['b-out', 'exit', 60],
    ] as const)
    for (const [n, order] of orders.entries()) {
      const plate = `沪B${String(10000 + n)}`
      for (const [id, kind, minutes] of order)
        expect(await apply(event(`${n}-${id}`, kind, minutes, plate))).toMatchObject({ ok: true })
      expect((await sessionsOf(plate)).map(shape)).toEqual([
        { state: 'closed', enteredAt: ago(300), exitedAt: ago(240) },
        { state: 'closed', enteredAt: ago(180), exitedAt: ago(60) },
      ])
    }
    expect((await env.all('parking_sessions')).length).toBe(orders.length * 2)
  })

  it('answers a repeated event as such and writes nothing', async () => {
    await apply(event('in-1', 'entry', 120))
    const before = await env.dump()
    expect(await apply(event('in-1', 'entry', 120))).toMatchObject({
      ok: true,
      data: { repeated: true, state: 'open' },
    })
    expect(await env.dump()).toBe(before)
  })

  it('refuses an event id reused with other content', async () => {
    await apply(event('in-1', 'entry', 120))
    expect(await apply(event('in-1', 'entry', 100))).toMatchObject({
      ok: false,
      code: 'PARKING_EVENT_INVALID',
      field: 'eventId',
    })
    expect(await apply(event('in-1', 'exit', 120))).toMatchObject({
      ok: false,
      code: 'PARKING_EVENT_INVALID',
    })
  })

  it.each([
    ['too far ahead of our clock', { ...event('e', 'entry', 0), at: ago(-6) }, 'PARKING_EVENT_FUTURE', 'at'],
    ['older than a week', event('e', 'entry', 8 * 24 * 60), 'PARKING_EVENT_STALE', 'at'],
    ['a plate that is none', event('e', 'entry', 10, 'XYZ'), 'PLATE_INVALID', 'plate'],
    ['a kind that is none', { ...event('e', 'entry', 10), kind: 'pass' }, 'PARKING_EVENT_INVALID', 'kind'],
    ['no event id', { ...event('e', 'entry', 10), eventId: '' }, 'PARKING_EVENT_INVALID', 'eventId'],
  ])('refuses an event %s and changes nothing', async (_name, raw, code, field) => {
    const before = await parkingCounts()
    const answer = await apply(raw)
    expect(answer).toMatchObject({ ok: false, code, field })
    expect(answer.ok === false && answer.message).toMatch(/[\u4e00-\u9fff]/)
    expect(await parkingCounts()).toEqual(before)
  })

  it('keeps an exit without entry for the desk, and completes it when the entry arrives late', async () => {
    expect(await apply(event('out', 'exit', 30))).toMatchObject({ ok: true, data: { state: 'exitOnly' } })
    expect((await sessionsOf()).map(shape)).toEqual([
      { state: 'exitOnly', enteredAt: null, exitedAt: ago(30) },
    ])
    expect(await apply(event('in', 'entry', 200))).toMatchObject({ ok: true, data: { state: 'closed' } })
    const sessions = await sessionsOf()
    expect(sessions.map(shape)).toEqual([{ state: 'closed', enteredAt: ago(200), exitedAt: ago(30) }])
    expect(sessions[0]).toMatchObject({ _id: `${DEMO_CAR_PARK.carParkId}:in`, tariffVersion: 1 })
  })

  it('marks a session unclosed when a second entry comes, and a late exit still closes it', async () => {
    await apply(event('a', 'entry', 300))
    await apply(event('b', 'entry', 100))
    expect((await sessionsOf()).map((s) => s.state)).toEqual(['unclosed', 'open'])
    await apply(event('a-out', 'exit', 200))
    expect((await sessionsOf()).map((s) => s.state)).toEqual(['closed', 'open'])
  })

  it('keeps what was paid for a session when re-pairing changes it', async () => {
    await apply(event('a', 'entry', 300))
    const [open] = await sessionsOf()
    await env.db
      .collection('parking_sessions')
      .doc(open._id)
      .update({ data: { paidFen: 500 } })
    await apply(event('a-out', 'exit', 10))
    expect(await sessionsOf()).toEqual([expect.objectContaining({ state: 'closed', paidFen: 500 })])
  })

  it('applies events of one plate that arrive at once as one session', async () => {
    const answers = await Promise.all([
      apply(event('in', 'entry', 120)),
      apply(event('in-2', 'entry', 119)),
      apply(event('out', 'exit', 5)),
    ])
    for (const answer of answers) expect(answer).toMatchObject({ ok: true })
    const sessions = await sessionsOf()
    expect(sessions.map(shape)).toEqual([{ state: 'closed', enteredAt: ago(120), exitedAt: ago(5) }])
    expect(sessions[0].eventIds.sort()).toEqual(['in', 'in-2', 'out'])
  })
})

describe('retention of parking data', () => {
  const sweep = (name: string) => {
    const rule = retentionSweep(name)
    if (!rule) throw new Error(`no sweep ${name}`)
    return createSweeps({
      db: env.db,
      keyDb: () => env.keyDb,
      clock: env.clock,
      eraseMember: () => async () => undefined,
    }).run(rule)
  }
  const sweepAll = async () => {
    for (const name of ['parkingSessions', 'parkingPlates', 'parkingEvents', 'parkingDayKeys'])
      await sweep(name)
  }

  it('[3.2] deletes sessions, events and plate histories 30 days after the last event, then destroys the day key', async () => {
    await apply(event('in', 'entry', 120))
    await apply(event('out', 'exit', 60))
    env.clock.advance(29 * DAY)
    // A stay on a later day keeps its own day key.
    await apply(event('later-in', 'entry', 60, '沪C54321'))
    await sweepAll()
    expect(await parkingCounts()).toMatchObject({ parking_sessions: 2, parking_keys: 2 })

    env.clock.advance(2 * DAY)
    await sweepAll()
    const counts = await parkingCounts()
    expect(counts).toMatchObject({ parking_sessions: 1, parking_events: 1, parking_plates: 1 })
    // The day's sessions are gone; its key one day later.
    expect((await env.all('parking_keys')).map((k: Doc) => k.day)).toEqual(['2024-06-15', '2024-07-14'])
    env.clock.advance(2 * DAY)
    await sweepAll()
    expect((await env.all('parking_keys')).map((k: Doc) => k.day)).toEqual(['2024-07-14'])
  })

  it('[3.2][5.1] leaves no plate in clear in any file of the data directory', async () => {
    env.cloud.close()
    dir = mkdtempSync(path.join(tmpdir(), 'mm-parking-'))
    const dataDir = dir
    env = await createTestEnv({ dataDir })
    await apply(event('in', 'entry', 120))
    await apply(event('out', 'exit', 60))
    await apply(event('other', 'exit', 30, '粤B9876F'))
    expect((await env.all('parking_sessions')).length).toBe(2)
    const bytes = Buffer.concat(readdirSync(dataDir).map((f) => readFileSync(path.join(dataDir, f))))
    for (const plate of [PLATE, '粤B9876F', 'A12345', 'B9876F'])
      expect({ plate, found: bytes.includes(Buffer.from(plate, 'utf8')) }).toEqual({ plate, found: false })
    // The test can see what it looks for: the blind index is there.
    expect(bytes.includes(Buffer.from(env.vault.blindIndex('plate', PLATE), 'utf8'))).toBe(true)
  })
})
