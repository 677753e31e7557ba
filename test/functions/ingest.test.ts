/**
 * The ingest function: signed pushes from a store's POS over HTTP access. Every refusal of a
 * push that is not the device's own, fresh and unreplayed; purchases by member code and by the
 * phone's blind index, scored as the counter scores them, once per receipt whichever way it
 * arrives; refunds once each; a car park's gate events opening and closing sessions.
 */
import { randomBytes } from 'node:crypto'

import { createDevices, type RegisteredDevice } from '../../cloudfunctions/common/devices'
import { hexToBytes, memberCodeToken } from '../../src/domain/points/memberCode'
import { nodeHmacSha1 } from '../../cloudfunctions/common/points/memberCode'
import { createMain as createIngestMain, type HttpAnswer } from '../../cloudfunctions/ingest/index'
import { sign } from '../../cloudfunctions/ingest/signature'
import { DEMO_CAR_PARK, DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { MemberCodeSecret } from '../../src/domain/contracts/memberCode'
import type { AwardAnswer, RefundAnswer } from '../../src/domain/contracts/points'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'
import { BIRTHDAY_RULES, publishMultipliers, staffCallOf } from './staffSupport'

let env: TestEnv
let pos: RegisteredDevice
let phones = 0

const devicesOf = () =>
  createDevices({ db: env.db, keyDb: () => env.keyDb, vault: env.vault, clock: env.clock })

beforeEach(async () => {
  env = await createTestEnv()
  env.cloud.register('ingest', () => ({ main: createIngestMain({ clock: env.clock }) }))
  pos = await devicesOf().register({ kind: 'pos', storeId: DEMO_STORES.xuhui })
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)

interface Push {
  body?: string
  path?: string
  method?: string
  device?: string
  secret?: string
  timestamp?: number
  nonce?: string
  headers?: Record<string, string>
  /** Headers as sent, replacing the signed ones. */
  only?: Record<string, string>
}

/** The HTTP access event of a push, signed with the device's secret unless told otherwise. */
function eventOf(input: object | string, push: Push = {}) {
  const body = push.body ?? (typeof input === 'string' ? input : JSON.stringify(input))
  const path = push.path ?? '/ingest/pos'
  const method = push.method ?? 'POST'
  const timestamp = String(push.timestamp ?? Math.floor(env.clock.now() / 1000))
  const nonce = push.nonce ?? randomBytes(12).toString('base64url')
  const secret = Buffer.from(push.secret ?? pos.secret, 'base64')
  const headers = push.only ?? {
    'content-type': 'application/json',
    'x-device-id': push.device ?? pos.deviceId,
    'x-timestamp': timestamp,
    'x-nonce': nonce,
    'x-signature': sign(secret, { method, path, timestamp, nonce, body }),
    ...push.headers,
  }
  return { path, httpMethod: method, headers, queryStringParameters: {}, body, isBase64Encoded: false }
}

async function send(event: object): Promise<{ status: number; answer: Record<string, unknown> }> {
  const answer = (await env.cloud.invoke('ingest', event, { OPENID: '', SOURCE: 'http' })) as HttpAnswer
  return { status: answer.statusCode, answer: JSON.parse(answer.body) as Record<string, unknown> }
}

const push = (input: object | string, options: Push = {}) => send(eventOf(input, options))

async function member(): Promise<{ openid: string; memberId: string; phone: string }> {
  const openid = shopper()
  phones += 1
  const phone = `1390000${String(2000 + phones)}`
  await env.join(openid, { ...VALID_FORM, phone })
  return { openid, memberId: (await env.memberIdOf(openid)) as string, phone }
}

const byPhone = (phone: string) => ({ phoneIndex: env.vault.blindIndex('phone', phone) })

async function byCode(openid: string): Promise<{ code: string }> {
  const secret = dataOf<MemberCodeSecret>(await env.call(openid, 'memberCodeSecret'))
  return { code: memberCodeToken(secret.codeId, nodeHmacSha1, hexToBytes(secret.secret), env.clock.now()) }
}

const purchase = (receiptNo: string, amountFen: number, memberRef: object, extra: object = {}) => ({
  type: 'purchase',
  receiptNo,
  amountFen,
  at: new Date(env.clock.now() - 60_000).toISOString(),
  member: memberRef,
  ...extra,
})

const refund = (receiptNo: string, refundNo: string, refundFen: number) => ({
  type: 'refund',
  receiptNo,
  refundNo,
  refundFen,
  at: new Date(env.clock.now()).toISOString(),
})

const ledgerOf = async (memberId: string) =>
  (await env.all('points_ledger')).filter((entry) => entry.memberId === memberId)

const pointsOf = async (memberId: string) =>
  (await env.all('members')).find((doc) => doc._id === memberId)?.points

describe('ingest: who may push', () => {
  it('refuses unsigned pushes, wrong signatures and tampered bodies with 401, and writes nothing', async () => {
    const { phone } = await member()
    const body = purchase('S1', 10_000, byPhone(phone))
    const before = await env.counts()
    const unsigned = await push(body, { only: { 'content-type': 'application/json' } })
    expect(unsigned).toMatchObject({ status: 401, answer: { ok: false, code: 'DEVICE_SIGNATURE_INVALID' } })
    expect(typeof unsigned.answer.message).toBe('string')
    const other = randomBytes(32).toString('base64')
    expect(await push(body, { secret: other })).toMatchObject({
      status: 401,
      answer: { code: 'DEVICE_SIGNATURE_INVALID' },
    })
    const signed = eventOf(body)
    const tampered = { ...signed, body: signed.body.replace('10000', '99000') }
    expect(await send(tampered)).toMatchObject({ status: 401, answer: { code: 'DEVICE_SIGNATURE_INVALID' } })
    // The path and the method are signed too.
    expect(await send({ ...signed, httpMethod: 'PUT' })).toMatchObject({ status: 405 })
    expect(await push(body, { headers: { 'x-nonce': 'short' } })).toMatchObject({ status: 401 })
    expect(await env.counts()).toEqual(before)
  })

  it('refuses unknown and disabled devices with 401', async () => {
    const { phone, memberId } = await member()
    const body = purchase('S2', 10_000, byPhone(phone))
    expect(await push(body, { device: 'pos-nobody' })).toMatchObject({
      status: 401,
      answer: { code: 'DEVICE_UNKNOWN' },
    })
    await env.db
      .collection('devices')
      .doc(pos.deviceId)
      .update({ data: { status: 'disabled' } })
    expect(await push(body)).toMatchObject({ status: 401, answer: { code: 'DEVICE_UNKNOWN' } })
    expect(await ledgerOf(memberId)).toHaveLength(0)
  })

  it('refuses a timestamp more than 300 s off either way with its own code', async () => {
    const { phone } = await member()
    const now = Math.floor(env.clock.now() / 1000)
    const body = purchase('S3', 10_000, byPhone(phone))
    for (const timestamp of [now - 301, now + 301])
      expect(await push(body, { timestamp })).toMatchObject({
        status: 401,
        answer: { code: 'DEVICE_CLOCK_SKEW' },
      })
    for (const timestamp of [now - 300, now + 300]) expect((await push(body, { timestamp })).status).toBe(200)
  })

  it('refuses a replayed nonce with 409, also when two replays arrive at once', async () => {
    const { phone, memberId } = await member()
    const event = eventOf(purchase('S4', 10_000, byPhone(phone)))
    expect((await send(event)).status).toBe(200)
    expect(await send(event)).toMatchObject({ status: 409, answer: { code: 'DEVICE_NONCE_REPLAYED' } })
    const twice = eventOf(purchase('S5', 10_000, byPhone(phone)))
    const statuses = (await Promise.all([send(twice), send(twice)])).map((r) => r.status).sort()
    expect(statuses).toEqual([200, 409])
    expect(await ledgerOf(memberId)).toHaveLength(2)
  })

  it('refuses a device of another kind, unknown paths, bodies over 64 KB and bodies that are not JSON objects', async () => {
    const gate = await devicesOf().register({ kind: 'carpark', storeId: DEMO_STORES.xuhui })
    const { phone, memberId } = await member()
    const body = purchase('S6', 10_000, byPhone(phone))
    expect(await push(body, { device: gate.deviceId, secret: gate.secret })).toMatchObject({
      status: 403,
      answer: { code: 'DEVICE_KIND_MISMATCH' },
    })
    expect(await push(body, { path: '/ingest/vending' })).toMatchObject({
      status: 404,
      answer: { code: 'INGEST_PATH_UNKNOWN' },
    })
    expect(await push('x'.repeat(64 * 1024 + 1))).toMatchObject({
      status: 413,
      answer: { code: 'INGEST_BODY_TOO_LARGE' },
    })
    expect(await push('{"type":')).toMatchObject({ status: 400, answer: { code: 'INGEST_BODY_INVALID' } })
    expect(await push('[1]')).toMatchObject({ status: 400, answer: { code: 'INGEST_BODY_INVALID' } })
    expect(await push({ ...body, cashier: 'Li' })).toMatchObject({
      status: 400,
      answer: { code: 'INVALID_ARGUMENT', field: 'cashier' },
    })
    expect(await push({ ...body, member: { phone } })).toMatchObject({ status: 400 })
    expect(await push({ ...body, member: { ...byPhone(phone), code: 'MC1' } })).toMatchObject({
      status: 400,
      answer: { code: 'MEMBER_ID_REQUIRED' },
    })
    expect(await push({ ...body, at: new Date(env.clock.now() + 3600_000).toISOString() })).toMatchObject({
      status: 400,
      answer: { code: 'INGEST_TIME_INVALID' },
    })
    expect(await ledgerOf(memberId)).toHaveLength(0)
  })

  it('keeps the device secret only wrapped in the key environment, bound to the device', async () => {
    const device = (await env.all('devices')).find((doc) => doc._id === pos.deviceId)
    expect(device).toMatchObject({ kind: 'pos', storeId: DEMO_STORES.xuhui, status: 'active', keyVersion: 1 })
    const keyDoc = (await env.keyDb.collection('device_keys').doc(pos.deviceId).get()).data
    expect(keyDoc).toMatchObject({ keyVersion: 1, keyId: env.vault.currentKeyId })
    const plain = Buffer.from(pos.secret, 'base64')
    for (const text of [JSON.stringify(device), JSON.stringify(keyDoc)]) {
      expect(text).not.toContain(pos.secret)
      expect(text).not.toContain(plain.toString('hex'))
    }
    const wrapped = { keyId: String(keyDoc?.keyId), wrappedKey: keyDoc?.wrappedKey as never }
    expect(env.vault.openDeviceSecret(pos.deviceId, wrapped).equals(plain)).toBe(true)
    expect(() => env.vault.openDeviceSecret('pos-other', wrapped)).toThrow()
  })

  it('never answers a mini-program call', async () => {
    const answer = (await env.cloud.invoke('ingest', eventOf({}), { OPENID: shopper() })) as HttpAnswer
    expect(answer.statusCode).toBe(403)
  })
})

describe('ingest: POS purchases', () => {
  it('[6.4.1] earns by the phone’s blind index, scored at the till’s time, with the device as actor', async () => {
    const { memberId, phone } = await member()
    // Tuesday 10:00 in China is the demo rules' member day; the push arrives on Wednesday.
    const tuesday = '2024-06-18T02:00:00.000Z'
    env.clock.set('2024-06-19T02:00:00.000Z')
    const { status, answer } = await push(
      purchase('P-1', 60_000, byPhone(phone), { at: tuesday, counterId: 'counter-xh-lancome' }),
    )
    expect(status).toBe(200)
    expect(answer.data).toMatchObject({ receiptNo: 'P-1', points: 1250, version: 1, repeated: false })
    const [entry] = await ledgerOf(memberId)
    expect(entry).toMatchObject({
      _id: `earn:receipt:${DEMO_STORES.xuhui}:P-1`,
      delta: 1250,
      actor: `device:${pos.deviceId}`,
      storeId: DEMO_STORES.xuhui,
      purpose: 'membership',
      purchase: { at: tuesday, counterId: 'counter-xh-lancome' },
    })
  })

  it('earns by a member code, which then serves no other award and not once stale; a retry answers the first award', async () => {
    const { openid, memberId } = await member()
    const ref = await byCode(openid)
    const first = await push(purchase('P-2', 10_000, ref))
    expect(first).toMatchObject({ status: 200, answer: { data: { points: 100, repeated: false } } })
    expect(await push(purchase('P-2', 10_000, ref))).toMatchObject({
      status: 200,
      answer: { data: { points: 100, repeated: true } },
    })
    expect(await push(purchase('P-3', 10_000, ref))).toMatchObject({
      status: 422,
      answer: { code: 'MEMBER_CODE_USED', field: 'member' },
    })
    const stale = await byCode(openid)
    env.clock.advance(90_000)
    expect(await push(purchase('P-5', 10_000, stale))).toMatchObject({
      status: 422,
      answer: { code: 'MEMBER_CODE_EXPIRED' },
    })
    expect(await push(purchase('P-4', 10_000, { code: 'MC0000000012345678' }))).toMatchObject({
      status: 422,
      answer: { code: 'MEMBER_CODE_INVALID' },
    })
    expect(await ledgerOf(memberId)).toHaveLength(1)
  })

  it('writes one entry for twelve concurrent deliveries of one push', async () => {
    const { memberId, phone } = await member()
    const body = purchase('P-12', 5_000, byPhone(phone))
    const answers = await Promise.all(Array.from({ length: 12 }, () => push(body)))
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200))
    expect(answers.filter((a) => (a.answer.data as AwardAnswer).repeated === false)).toHaveLength(1)
    expect(await ledgerOf(memberId)).toHaveLength(1)
    expect(await pointsOf(memberId)).toBe(50)
  })

  it('earns once for a receipt awarded at the counter and then pushed by the POS; another amount is refused', async () => {
    const { memberId, phone } = await member()
    dataOf(
      await staffCall(DEMO_PERSONAS.counter, 'awardPoints', {
        ref: memberId,
        receiptNo: 'C-1',
        amountFen: 8_800,
      }),
    )
    expect(await push(purchase('c-1', 8_800, byPhone(phone)))).toMatchObject({
      status: 200,
      answer: { data: { points: 88, repeated: true } },
    })
    expect(await push(purchase('C-1', 9_900, byPhone(phone)))).toMatchObject({
      status: 409,
      answer: { code: 'RECEIPT_ALREADY_SCORED', amountFen: 8_800 },
    })
    expect(await ledgerOf(memberId)).toHaveLength(1)
    expect(await pointsOf(memberId)).toBe(88)
  })

  it('earns nothing for a member whose basic consent does not hold, nor for a child waiting for a guardian', async () => {
    const { memberId, phone } = await member()
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { consents: { membership: { granted: true, noticeVersion: 0 } } } })
    expect(await push(purchase('N-1', 10_000, byPhone(phone)))).toMatchObject({
      status: 422,
      answer: { code: 'PURPOSE_CONSENT_REQUIRED' },
    })
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { status: 'guardian_pending' } })
    expect(await push(purchase('N-2', 10_000, byPhone(phone)))).toMatchObject({
      status: 422,
      answer: { code: 'LOOKUP_MEMBER_UNKNOWN', field: 'member' },
    })
    expect(await push(purchase('N-3', 10_000, byPhone('13999999999')))).toMatchObject({
      status: 422,
      answer: { code: 'LOOKUP_MEMBER_UNKNOWN' },
    })
    expect(await ledgerOf(memberId)).toHaveLength(0)
  })
})

describe('ingest: POS purchases on a birthday', () => {
  it('[6.4.1] doubles a purchase the till made on the member’s birthday, by the till’s time', async () => {
    env.clock.set('2025-05-17T01:00:00.000Z')
    const { memberId, phone } = await member()
    await publishMultipliers(env, [BIRTHDAY_RULES.day])
    env.clock.set('2025-05-18T02:00:00.000Z')
    const onTheDay = await push(purchase('BD-1', 10_000, byPhone(phone), { at: '2025-05-17T12:00:00.000Z' }))
    expect(onTheDay.answer.data).toMatchObject({
      points: 200,
      lines: [
        { label: '基础', detail: '1 分/元', points: 100 },
        { label: '生日', detail: '2 倍', points: 100 },
      ],
    })
    expect(await push(purchase('BD-2', 10_000, byPhone(phone)))).toMatchObject({
      answer: { data: { points: 100 } },
    })
    expect(await pointsOf(memberId)).toBe(300)
  })
})

describe('ingest: POS refunds', () => {
  it('takes back the refunded part once per refund, and refuses refunds beyond the purchase', async () => {
    const { memberId, phone } = await member()
    dataOf(await push(purchase('R-1', 10_000, byPhone(phone))).then((r) => r.answer as never))
    const first = await push(refund('R-1', 'RF-1', 3_050))
    expect(first).toMatchObject({
      status: 200,
      answer: { data: { points: 31, refundableFen: 6_950, repeated: false } },
    })
    const again = await push(refund('R-1', 'RF-1', 3_050))
    expect((again.answer.data as RefundAnswer).repeated).toBe(true)
    expect(await push(refund('R-1', 'RF-2', 7_000))).toMatchObject({
      status: 422,
      answer: { code: 'REFUND_EXCEEDS_PURCHASE' },
    })
    expect(await push(refund('R-9', 'RF-1', 100))).toMatchObject({
      status: 422,
      answer: { code: 'POINTS_SOURCE_UNKNOWN' },
    })
    expect(await pointsOf(memberId)).toBe(69)
    const reversals = (await ledgerOf(memberId)).filter((entry) => entry.kind === 'reverse')
    expect(reversals).toEqual([expect.objectContaining({ delta: -31, actor: `device:${pos.deviceId}` })])
  })
})

describe('ingest: car parks', () => {
  const PLATE = '沪A12345'
  let gate: RegisteredDevice

  beforeEach(async () => {
    gate = await devicesOf().register({
      kind: 'carpark',
      storeId: DEMO_STORES.xuhui,
      carParkId: DEMO_CAR_PARK.carParkId,
    })
  })

  const atGate = (body: object, options: Push = {}) =>
    push(body, { path: '/ingest/carpark', device: gate.deviceId, secret: gate.secret, ...options })
  const minutesAgo = (minutes: number) => new Date(env.clock.now() - minutes * 60_000).toISOString()

  test('opens and closes a session from the gate’s signed entry and exit, the plate only encrypted', async () => {
    expect(await atGate({ eventId: 'in-1', kind: 'entry', plate: PLATE, at: minutesAgo(90) })).toMatchObject({
      status: 200,
      answer: { ok: true, data: { repeated: false, state: 'open' } },
    })
    expect(await atGate({ eventId: 'out-1', kind: 'exit', plate: PLATE, at: minutesAgo(1) })).toMatchObject({
      status: 200,
      answer: { ok: true, data: { state: 'closed' } },
    })
    const sessions = await env.all('parking_sessions')
    expect(sessions).toHaveLength(1)
    expect(sessions[0]).toMatchObject({
      carParkId: DEMO_CAR_PARK.carParkId,
      plateIndex: env.vault.blindIndex('plate', PLATE),
    })
    expect(JSON.stringify(sessions)).not.toContain('12345')
  })

  test('queues the 商圈 parking sync of a member who opted in when the gate reports their entry', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.grant(openid, 'parking')
    expect((await env.call(openid, 'bindPlate', { plate: PLATE })).ok).toBe(true)
    await env.grant(openid, 'businessCircleParking')
    await env.db
      .collection('mall_auth')
      .doc(memberId)
      .set({ data: { memberId, mchid: '1900000001', authType: 'REGISTERED_MODE', authorisedAt: new Date() } })
    await atGate({ eventId: 'in-9', kind: 'entry', plate: PLATE, at: minutesAgo(3) })
    expect(await env.all('wxpay_sync')).toEqual([
      expect.objectContaining({
        _id: `parking:${DEMO_CAR_PARK.carParkId}:in-9:IN`,
        kind: 'parking',
        memberId,
        status: 'pending',
      }),
    ])
  })

  test('refuses a POS posting gate events, a gate posting receipts, and a gate of no known car park', async () => {
    const entry = { eventId: 'in-2', kind: 'entry', plate: PLATE, at: minutesAgo(5) }
    expect(await push(entry, { path: '/ingest/carpark' })).toMatchObject({
      status: 403,
      answer: { code: 'DEVICE_KIND_MISMATCH' },
    })
    expect(
      await atGate(purchase('R-GATE', 100, byPhone('13900000000')), { path: '/ingest/pos' }),
    ).toMatchObject({ status: 403, answer: { code: 'DEVICE_KIND_MISMATCH' } })
    const stray = await devicesOf().register({
      kind: 'carpark',
      storeId: DEMO_STORES.xuhui,
      carParkId: 'carpark-nowhere',
    })
    expect(
      await push(entry, { path: '/ingest/carpark', device: stray.deviceId, secret: stray.secret }),
    ).toMatchObject({ status: 422, answer: { code: 'CAR_PARK_UNKNOWN' } })
    expect(await env.all('parking_sessions')).toHaveLength(0)
  })

  test('answers a malformed event 400 and changes nothing', async () => {
    expect(await atGate({ eventId: 'in-3', kind: 'entry', plate: 'ABC', at: minutesAgo(5) })).toMatchObject({
      status: 400,
      answer: { ok: false, code: 'PLATE_INVALID' },
    })
    expect(await env.all('parking_sessions')).toHaveLength(0)
    expect(await env.all('parking_events')).toHaveLength(0)
  })
})
