/**
 * The parking desk's waive against a real local-cloud database: a reason from the list (a note
 * for 其他), the session settled for its fee with the exit window, the day's figures and the
 * audit entry written with it, retries answered once, the daily allowance, the store scope, and
 * the sessions the car park could not pair closed by the desk.
 */
import type { SessionDoc } from '../../cloudfunctions/common/parking/sessions'
import { DEMO_CAR_PARK, DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import { EXIT_WINDOW_MINUTES } from '../../src/domain/parking/fee'
import { DEMO_PARKING_RULES, DEMO_PARKING_TARIFF } from '../../src/domain/parking/tariffs'
import { WAIVE_DAILY_LIMIT } from '../../src/domain/parking/waive'
import { parkingOf } from './parkingSupport'
import { addStaffAccount, staffCallOf } from './staffSupport'
import { createTestEnv, dataOf, shopper, type TestEnv } from './support'

const PLATE = '沪A12345'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staff = staffCallOf(() => env)

const ago = (minutes: number) => new Date(env.clock.now() - minutes * 60_000).toISOString()

async function apply(eventId: string, kind: 'entry' | 'exit', minutesAgo: number, plate = PLATE) {
  const parking = parkingOf(env)
  const applied = await parking.applyCarParkEvent(DEMO_CAR_PARK, {
    eventId,
    kind,
    plate,
    at: ago(minutesAgo),
  })
  expect(applied).toMatchObject({ ok: true })
}

const sessionId = (eventId: string) => `${DEMO_CAR_PARK.carParkId}:${eventId}`

const waive = (openid: string, eventId: string, key: string, extra: Record<string, unknown> = {}) =>
  staff(openid, 'waiveParking', { sessionId: sessionId(eventId), reasonCode: 'deviceFault', key, ...extra })

async function session(eventId: string): Promise<SessionDoc> {
  return (await env.all('parking_sessions')).find((s) => s._id === sessionId(eventId)) as SessionDoc
}

async function dayFigures(): Promise<{ waives: number; waivedFen: number }> {
  const docs = await env.all('parking_days')
  return {
    waives: docs.reduce((sum, d) => sum + Number(d.waives ?? 0), 0),
    waivedFen: docs.reduce((sum, d) => sum + Number(d.waivedFen ?? 0), 0),
  }
}

const waiveAudits = async () =>
  (await env.all('audit_log')).filter((e) => String(e.memberId).startsWith('parking-session:'))

describe('waiveParking', () => {
  it('settles an open session for its fee, lets the car leave within the exit window, counts the day and audits the reason', async () => {
    await apply('in', 'entry', 120)
    expect(await waive(DEMO_PERSONAS.counter, 'in', 'k-1')).toEqual({
      ok: true,
      data: {
        sessionId: sessionId('in'),
        waivedFen: 1100,
        paidUntil: new Date(env.clock.now() + EXIT_WINDOW_MINUTES * 60_000).toISOString(),
        repeated: false,
        waivesLeft: WAIVE_DAILY_LIMIT - 1,
      },
    })
    expect(await session('in')).toMatchObject({ waivedFen: 1100, paidFen: 0 })
    expect(await dayFigures()).toEqual({ waives: 1, waivedFen: 1100 })
    const [entry] = await waiveAudits()
    expect(entry).toMatchObject({
      action: 'update',
      purpose: 'parking',
      reason: 'deviceFault',
      success: true,
    })
    expect(JSON.stringify(entry)).not.toContain('12345')
    // The desk and the payer see it settled.
    const desk = dataOf<{ sessions: { waivedFen: number; waived: boolean }[] }>(
      await staff(DEMO_PERSONAS.counter, 'parkingDeskLookup', { plate: PLATE }),
    )
    expect(desk.sessions[0]).toMatchObject({ waivedFen: 1100, waived: true })
    // The car is within its exit window: nothing is due.
    expect(await env.call(shopper(), 'parkingByPlate', { plate: PLATE })).toMatchObject({
      ok: true,
      data: { session: { phase: 'window', dueFen: 0 } },
    })
    // Staying past the window owes the time beyond it only, as after a payment: 30 minutes more.
    const clockThen = env.clock.now()
    env.clock.advance((EXIT_WINDOW_MINUTES + 30) * 60_000)
    expect(await env.call(shopper(), 'parkingByPlate', { plate: PLATE })).toMatchObject({
      ok: true,
      data: { session: { phase: 'overstay', dueFen: 300 } },
    })
    env.clock.set(clockThen)
    // Nothing is left to waive.
    expect(await waive(DEMO_PERSONAS.counter, 'in', 'k-2')).toMatchObject({
      ok: false,
      code: 'PARKING_WAIVE_NOTHING',
    })
  })

  it('asks for a reason from the list, and a note for 其他, changing nothing without them', async () => {
    await apply('in', 'entry', 120)
    const before = await env.counts()
    expect(
      await staff(DEMO_PERSONAS.counter, 'waiveParking', { sessionId: sessionId('in'), key: 'k-1' }),
    ).toMatchObject({ ok: false, code: 'PARKING_WAIVE_REASON_REQUIRED', field: 'reasonCode' })
    expect(await waive(DEMO_PERSONAS.counter, 'in', 'k-1', { reasonCode: 'friend' })).toMatchObject({
      ok: false,
      code: 'PARKING_WAIVE_REASON_REQUIRED',
    })
    expect(await waive(DEMO_PERSONAS.counter, 'in', 'k-1', { reasonCode: 'other' })).toMatchObject({
      ok: false,
      code: 'PARKING_WAIVE_NOTE_REQUIRED',
      field: 'note',
      message: '选择“其他”时请填写备注',
    })
    expect(await env.counts()).toEqual(before)
    expect(
      await waive(DEMO_PERSONAS.counter, 'in', 'k-1', { reasonCode: 'other', note: '道闸抬杆失灵' }),
    ).toMatchObject({ ok: true })
    expect((await waiveAudits())[0].reason).toBe('other:道闸抬杆失灵')
  })

  it('answers a retry with the same key once: one waive, one figure, one audit entry, one unit of the allowance', async () => {
    await apply('in', 'entry', 120)
    const first = dataOf<{ waivesLeft: number }>(await waive(DEMO_PERSONAS.counter, 'in', 'k-1'))
    env.clock.advance(60_000)
    expect(await waive(DEMO_PERSONAS.counter, 'in', 'k-1')).toMatchObject({
      ok: true,
      data: { waivedFen: 1100, repeated: true, waivesLeft: first.waivesLeft },
    })
    expect((await session('in')).waives).toHaveLength(1)
    expect(await dayFigures()).toEqual({ waives: 1, waivedFen: 1100 })
    expect(await waiveAudits()).toHaveLength(1)
  })

  it('refuses a staff member past the daily allowance, and a fee with nothing due takes none of it', async () => {
    await apply('free', 'entry', 10, '沪B00000')
    expect(await waive(DEMO_PERSONAS.counter, 'free', 'k-free')).toMatchObject({
      ok: false,
      code: 'PARKING_WAIVE_NOTHING',
    })
    for (let i = 0; i <= WAIVE_DAILY_LIMIT; i += 1)
      await apply(`in-${i}`, 'entry', 120, `沪A2${String(i).padStart(4, '0')}`)
    for (let i = 0; i < WAIVE_DAILY_LIMIT; i += 1)
      expect(await waive(DEMO_PERSONAS.counter, `in-${i}`, `k-${i}`)).toMatchObject({ ok: true })
    const refused = await waive(DEMO_PERSONAS.counter, `in-${WAIVE_DAILY_LIMIT}`, 'k-last')
    expect(refused).toMatchObject({ ok: false, code: 'PARKING_WAIVE_LIMIT' })
    expect(await session(`in-${WAIVE_DAILY_LIMIT}`)).not.toHaveProperty('waives')
    expect((await dayFigures()).waives).toBe(WAIVE_DAILY_LIMIT)
    // The allowance is the staff member's: the manager still has theirs.
    expect(await waive(DEMO_PERSONAS.manager, `in-${WAIVE_DAILY_LIMIT}`, 'k-last')).toMatchObject({
      ok: true,
    })
  })

  it('is refused for a session of another store, as if it did not exist', async () => {
    await apply('in', 'entry', 120)
    const other = await addStaffAccount(env, {
      staffId: 'staff-pudong-counter',
      role: 'counter',
      storeIds: [DEMO_STORES.pudong],
      displayName: '浦东专柜',
    })
    expect(await waive(other, 'in', 'k-1')).toMatchObject({ ok: false, code: 'PARKING_SESSION_UNKNOWN' })
    expect(await waive(DEMO_PERSONAS.counter, 'nope', 'k-1')).toMatchObject({
      ok: false,
      code: 'PARKING_SESSION_UNKNOWN',
    })
    expect(await dayFigures()).toEqual({ waives: 0, waivedFen: 0 })
  })

  it('closes an exit-only session once, with nothing priced, and lets the desk waive an unclosed one', async () => {
    await apply('out', 'exit', 5)
    expect(await waive(DEMO_PERSONAS.counter, 'out', 'k-1')).toMatchObject({
      ok: true,
      data: { waivedFen: 0, repeated: false },
    })
    expect(await waive(DEMO_PERSONAS.counter, 'out', 'k-2')).toMatchObject({
      ok: false,
      code: 'PARKING_WAIVE_NOTHING',
    })
    expect(await staff(DEMO_PERSONAS.counter, 'parkingDeskLookup', { plate: PLATE })).toMatchObject({
      ok: true,
      data: { sessions: [{ state: 'exitOnly', stateLabel: '无入场记录', waived: true, waivedFen: 0 }] },
    })
    await apply('a-in', 'entry', 300, '沪C22222')
    await apply('b-in', 'entry', 60, '沪C22222')
    expect((await session('a-in')).state).toBe('unclosed')
    const desk = dataOf<{ sessions: { stateLabel: string }[] }>(
      await staff(DEMO_PERSONAS.counter, 'parkingDeskLookup', { plate: '沪C22222' }),
    )
    expect(desk.sessions.map((s) => s.stateLabel)).toEqual(['在场', '未记录出场'])
    expect(await waive(DEMO_PERSONAS.counter, 'a-in', 'k-3')).toMatchObject({ ok: true })
    expect((await session('a-in')).waivedFen).toBeGreaterThan(0)
    expect((await dayFigures()).waives).toBe(2)
  })

  it('keeps the waive when the car park’s exit re-pairs the session', async () => {
    await apply('in', 'entry', 120)
    await waive(DEMO_PERSONAS.counter, 'in', 'k-1')
    await apply('out', 'exit', 0)
    expect(await session('in')).toMatchObject({ state: 'closed', waivedFen: 1100 })
    expect((await session('in')).waives).toHaveLength(1)
  })
})

describe('the tariff page’s answers', () => {
  it('names the car parks of the manager’s stores and answers the first one’s versions without an id', async () => {
    expect(await staff(DEMO_PERSONAS.manager, 'parkingTariffs', {})).toMatchObject({
      ok: true,
      data: {
        carParks: [{ id: DEMO_CAR_PARK.carParkId, name: '徐汇店停车场' }],
        carParkId: DEMO_CAR_PARK.carParkId,
        current: { version: 1 },
      },
    })
  })

  it('gives the car the exit window of the tariff in force at entry after a waive', async () => {
    const published = await staff(DEMO_PERSONAS.manager, 'publishParkingTariff', {
      carParkId: DEMO_CAR_PARK.carParkId,
      tariff: { ...DEMO_PARKING_TARIFF, exitWindowMinutes: 30 },
      rules: DEMO_PARKING_RULES,
    })
    expect(published).toMatchObject({ ok: true, data: { version: { tariff: { exitWindowMinutes: 30 } } } })
    env.clock.advance(3600_000)
    await apply('in', 'entry', 30)
    expect(await waive(DEMO_PERSONAS.counter, 'in', 'k-1')).toMatchObject({
      ok: true,
      data: { paidUntil: new Date(env.clock.now() + 30 * 60_000).toISOString() },
    })
    expect(
      await staff(DEMO_PERSONAS.manager, 'publishParkingTariff', {
        carParkId: DEMO_CAR_PARK.carParkId,
        tariff: { ...DEMO_PARKING_TARIFF, exitWindowMinutes: 0 },
        rules: DEMO_PARKING_RULES,
      }),
    ).toMatchObject({ ok: false, code: 'PARKING_TARIFF_INVALID' })
  })
})
