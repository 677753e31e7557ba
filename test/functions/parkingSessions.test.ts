/**
 * Parking sessions from the car park's events against a real local-cloud database: every
 * delivery order, repeats, conflicts, refusals, the encrypted plate under the day key, the
 * retention sweep with the day keys, and no plate in clear in any file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { transactionConflict, type Doc } from '../../cloudfunctions/common/db'
import { createDayKeys } from '../../cloudfunctions/common/parking/dayKeys'
import { plateField, type SessionDoc } from '../../cloudfunctions/common/parking/sessions'
import { createSweeps, retentionSweep } from '../../cloudfunctions/scheduler/sweeps'
import { DEMO_CAR_PARK } from '../../database/seed'
import { staffDocId } from '../../cloudfunctions/common/staff'
import { createLedger, type EntrySource } from '../../cloudfunctions/common/points/ledger'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import { DEMO_PARKING_RULES, DEMO_PARKING_TARIFF } from '../../src/domain/parking/tariffs'
import { PARKING_BY_PLATE_PER_DAY } from '../../cloudfunctions/member/parking'
import { addAdmin, staffCallOf } from './staffSupport'
import { parkingOf } from './parkingSupport'
import { createTestEnv, dataOf, shopper, START, VALID_FORM, type TestEnv } from './support'

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

const parking = () => parkingOf(env)

/** `minutes` before our clock (START, 10:00 in Shanghai, for the tables built before any test runs). */
const ago = (minutes: number) =>
  new Date((env ? env.clock.now() : Date.parse(START)) - minutes * 60_000).toISOString()

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

  it('answers PARKING_BUSY when the plate’s history stays contended, and writes no session', async () => {
    const contended = Object.create(env.db) as typeof env.db
    contended.runTransaction = () => Promise.reject(transactionConflict())
    const busy = parkingOf(env, { db: contended })
    expect(await busy.applyCarParkEvent(DEMO_CAR_PARK, event('in', 'entry', 10))).toMatchObject({
      ok: false,
      code: 'PARKING_BUSY',
    })
    expect(await parkingCounts()).toMatchObject({ parking_sessions: 0, parking_plates: 0 })
    // The device's retry, once the contention is over, applies it.
    expect(await apply(event('in', 'entry', 10))).toMatchObject({
      ok: true,
      data: { repeated: false, state: 'open' },
    })
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

  it('[7.1] deletes sessions, events and plate histories 30 days after the last event, then destroys the day key', async () => {
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

describe('tariff versions', () => {
  const staff = staffCallOf(() => env)
  const publish = (openid: string, extra: Record<string, unknown> = {}) =>
    staff(openid, 'publishParkingTariff', {
      carParkId: DEMO_CAR_PARK.carParkId,
      tariff: { ...DEMO_PARKING_TARIFF, firstPeriod: { minutes: 60, fen: 800 } },
      rules: DEMO_PARKING_RULES,
      note: '首小时调价',
      ...extra,
    })

  it('publishes a version for a future instant, keeps the history, and prices a session by the version at its entry', async () => {
    const effectiveFrom = new Date(env.clock.now() + 3600_000).toISOString()
    const published = await publish(DEMO_PERSONAS.manager, { effectiveFrom })
    expect(published).toMatchObject({
      ok: true,
      data: {
        version: { version: 2, effectiveFrom, changedBy: 'staff:staff-demo-manager', note: '首小时调价' },
      },
    })
    expect(
      await staff(DEMO_PERSONAS.manager, 'parkingTariffs', { carParkId: DEMO_CAR_PARK.carParkId }),
    ).toMatchObject({
      ok: true,
      data: { current: { version: 1 }, next: { version: 2 }, history: [{ version: 2 }, { version: 1 }] },
    })
    await apply(event('before', 'entry', 10))
    env.clock.advance(2 * 3600_000)
    await apply(event('after', 'entry', 10, '沪D00001'))
    expect((await sessionsOf()).map((s) => s.tariffVersion)).toEqual([1])
    expect((await sessionsOf('沪D00001')).map((s) => s.tariffVersion)).toEqual([2])
    const audit = await env.all('audit_log')
    expect(JSON.stringify(audit)).toContain(`parking-tariff:${DEMO_CAR_PARK.carParkId}:v2`)
  })

  it('takes effect no sooner than every instance has read it, and never in the past', async () => {
    const answer = dataOf<{ version: { effectiveFrom: string } }>(await publish(DEMO_PERSONAS.manager))
    expect(Date.parse(answer.version.effectiveFrom)).toBe(env.clock.now() + 60_000)
    expect(
      await publish(DEMO_PERSONAS.manager, { effectiveFrom: new Date(env.clock.now() - 1000).toISOString() }),
    ).toMatchObject({ ok: false, code: 'RULES_EFFECTIVE_INVALID', field: 'effectiveFrom' })
  })

  it.each([
    [
      'a negative price',
      { tariff: { ...DEMO_PARKING_TARIFF, increment: { minutes: 30, fen: -1 } } },
      'tariff',
    ],
    [
      'a zero increment',
      { tariff: { ...DEMO_PARKING_TARIFF, increment: { minutes: 0, fen: 300 } } },
      'tariff',
    ],
    [
      'a night that is no time',
      { tariff: { ...DEMO_PARKING_TARIFF, overnight: { from: '25:00', to: '08:00', fen: 1 } } },
      'tariff',
    ],
    ['an unknown tier', { rules: { tierFreeMinutes: { gold: 60 } } }, 'rules'],
    ['an unknown field', { rules: { ...DEMO_PARKING_RULES, coupons: 1 } }, 'rules'],
  ])('refuses %s and publishes nothing', async (_name, extra, field) => {
    expect(await publish(DEMO_PERSONAS.manager, extra)).toMatchObject({
      ok: false,
      code: 'PARKING_TARIFF_INVALID',
      field,
    })
    expect((await env.all('parking_tariffs')).length).toBe(1)
  })

  it('lets the admin publish for any car park and a manager of another store none', async () => {
    expect(await publish(await addAdmin(env))).toMatchObject({ ok: true })
    const other = shopper()
    await env.db.collection('staff').add({
      data: {
        _id: staffDocId(env.vault, other),
        staffId: 'staff-pudong-manager',
        role: 'manager',
        storeIds: [DEMO_STORES.pudong],
        displayName: '浦东店长',
        status: 'active',
        createdAt: new Date(env.clock.now()),
      },
    })
    expect(await publish(other)).toMatchObject({ ok: false, code: 'CAR_PARK_UNKNOWN' })
    expect(await staff(other, 'parkingTariffs', { carParkId: DEMO_CAR_PARK.carParkId })).toMatchObject({
      ok: false,
      code: 'CAR_PARK_UNKNOWN',
    })
    expect(await publish(DEMO_PERSONAS.counter)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})

describe('the parking desk', () => {
  const staff = staffCallOf(() => env)

  it('[3.2][L-7][5.5] finds a plate’s sessions masked with times, state and fee, and audits the read under parking', async () => {
    await apply(event('in', 'entry', 120))
    expect(await staff(DEMO_PERSONAS.counter, 'parkingDeskLookup', { plate: '沪a 12345' })).toEqual({
      ok: true,
      data: {
        sessions: [
          {
            sessionId: `${DEMO_CAR_PARK.carParkId}:in`,
            plate: '沪A·***45',
            state: 'open',
            stateLabel: '在场',
            enteredAt: ago(120),
            exitedAt: null,
            feeFen: 1100,
            paidFen: 0,
            waivedFen: 0,
            waived: false,
          },
        ],
      },
    })
    const reads = (await env.all('audit_log')).filter((e) => e.purpose === 'parking')
    expect(reads).toHaveLength(1)
    expect(JSON.stringify(reads)).not.toContain('12345')
  })

  it('lists the last hour’s exits of the staff member’s store with the plates masked', async () => {
    await apply(event('a-in', 'entry', 300))
    await apply(event('a-out', 'exit', 120))
    await apply(event('b-in', 'entry', 200, '粤B9876F'))
    await apply(event('b-out', 'exit', 20, '粤B9876F'))
    const answer = dataOf<{ sessions: { plate: string; state: string }[] }>(
      await staff(DEMO_PERSONAS.manager, 'parkingRecentExits', {}),
    )
    expect(answer.sessions).toEqual([expect.objectContaining({ plate: '粤B·***6F', state: 'closed' })])
    expect(
      await staff(DEMO_PERSONAS.counter, 'parkingRecentExits', { storeId: DEMO_STORES.pudong }),
    ).toMatchObject({
      ok: false,
      code: 'STORE_UNKNOWN',
    })
  })
})

describe('the quote', () => {
  const PURCHASE: EntrySource = { kind: 'receipt', ref: `${DEMO_STORES.xuhui}:R-1` }

  async function memberWithPlate(): Promise<{ openid: string; memberId: string }> {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.grant(openid, 'parking')
    expect(await env.call(openid, 'bindPlate', { plate: PLATE })).toMatchObject({ ok: true })
    return { openid, memberId }
  }

  it('[4.2.2.6] quotes a member’s open session with the day’s spending deducted, and takes a refund back out', async () => {
    const { openid, memberId } = await memberWithPlate()
    await apply(event('in', 'entry', 120))
    const ledger = createLedger({
      db: env.db,
      clock: env.clock,
      policy: { holdDays: 7, expiry: { kind: 'endOfNextYear' } },
    })
    await ledger.earn({
      memberId,
      source: PURCHASE,
      points: 400,
      storeId: DEMO_STORES.xuhui,
      actor: 'staff:s',
      amountFen: 40_000,
    })
    const quoted = dataOf<{ sessions: Record<string, unknown>[] }>(await env.call(openid, 'parkingSession'))
    expect(quoted.sessions).toEqual([
      expect.objectContaining({
        plate: '沪A·***45',
        enteredAt: ago(120),
        minutes: 120,
        tariffVersion: 1,
        grossFen: 1100,
        amountFen: 0,
        dueFen: 0,
        lines: [
          expect.objectContaining({ kind: 'tariff', fen: 1100 }),
          expect.objectContaining({ kind: 'spend', minutes: 120, fen: 1100 }),
        ],
      }),
    ])
    await ledger.reverse({
      memberId,
      earnSource: PURCHASE,
      refundRef: 'RF-1',
      points: 400,
      refundFen: 40_000,
      actor: 'staff:s',
      refundPolicy: 'negative',
    })
    const after = dataOf<{ sessions: { amountFen: number; lines: { kind: string }[] }[] }>(
      await env.call(openid, 'parkingSession'),
    )
    expect(after.sessions[0]).toMatchObject({ amountFen: 1100, lines: [{ kind: 'tariff' }] })
    // An issued voucher of two hours takes its place.
    await env.db.collection('points_ledger').add({
      data: {
        _id: 'spend:voucher:PARK0001',
        memberId,
        kind: 'spend',
        delta: -500,
        at: new Date(env.clock.now()),
        voucher: {
          code: 'PARK0001',
          rewardId: 'reward-parking-2h',
          kind: 'parking',
          status: 'issued',
          validUntil: '2024-06-30',
        },
      },
    })
    const voucher = dataOf<{
      sessions: { amountFen: number; lines: { kind: string; minutes?: number }[] }[]
    }>(await env.call(openid, 'parkingSession'))
    expect(voucher.sessions[0]).toMatchObject({
      amountFen: 0,
      lines: [{ kind: 'tariff' }, { kind: 'voucher', minutes: 120 }],
    })
  })

  it('answers no session for a member whose plates are not parked, and needs the parking consent', async () => {
    const { openid } = await memberWithPlate()
    expect(await env.call(openid, 'parkingSession')).toEqual({ ok: true, data: { sessions: [] } })
    const other = shopper()
    await env.member(other, { ...VALID_FORM, phone: '13900000077' })
    expect(await env.call(other, 'parkingSession')).toMatchObject({
      ok: false,
      code: 'PURPOSE_CONSENT_REQUIRED',
    })
  })

  it('quotes a typed plate for anyone with the tariff only, masked, a few times a day', async () => {
    await apply(event('in', 'entry', 120))
    const caller = shopper()
    expect(await env.call(caller, 'parkingByPlate', { plate: '沪A12345' })).toEqual({
      ok: true,
      data: {
        session: expect.objectContaining({
          plate: '沪A·***45',
          grossFen: 1100,
          amountFen: 1100,
          lines: [expect.objectContaining({ kind: 'tariff' })],
        }),
      },
    })
    expect(await env.call(caller, 'parkingByPlate', { plate: '沪A54321' })).toMatchObject({
      ok: false,
      code: 'PARKING_SESSION_NONE',
    })
    for (let i = 2; i < PARKING_BY_PLATE_PER_DAY; i += 1)
      await env.call(caller, 'parkingByPlate', { plate: PLATE })
    expect(await env.call(caller, 'parkingByPlate', { plate: PLATE })).toMatchObject({
      ok: false,
      code: 'PARKING_LOOKUP_LIMIT',
    })
    expect(await env.call(shopper(), 'parkingByPlate', { plate: PLATE })).toMatchObject({ ok: true })
  })
})
