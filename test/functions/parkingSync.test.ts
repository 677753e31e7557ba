/**
 * The WeChat Pay 商圈 parking sync against a real local-cloud database: what a car park's events
 * queue (IN on entry, OUT on exit, once per session and state, only for a member who opted in
 * and authorised the 商圈), what withdrawal and deletion remove, the request the drain sends (the
 * plate encrypted for WeChat Pay) within the points sync's rate limit; and the parking sessions
 * in the member's data copy, before and after a deletion.
 */
import { constants, generateKeyPairSync, privateDecrypt, type KeyObject } from 'node:crypto'

import type { CallerKeys } from '../../cloudfunctions/common/wxpay/config'
import { PARKINGS_URL, parkingSyncId, type ParkingSyncDoc } from '../../cloudfunctions/common/wxpay/parkings'
import { createSyncQueue, SYNC_RATE_PER_S } from '../../cloudfunctions/common/wxpay/sync'
import { DEMO_CAR_PARK } from '../../database/seed'
import type { DataExport } from '../../src/domain/member/model'
import { parkingOf } from './parkingSupport'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'
import { fakeDrainOf, testCaller } from './wxpaySupport'

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
/** The test's stand-in for WeChat Pay's public key pair: the plate is encrypted with its public half. */
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
const PLATFORM_SERIAL = 'PUB_KEY_ID_TEST0001'

let env: TestEnv
let phones = 0

beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const parking = () => parkingOf(env)

const ago = (minutes: number) => new Date(env.clock.now() - minutes * 60_000).toISOString()

const apply = (eventId: string, kind: 'entry' | 'exit', plate: string, minutesAgo: number) =>
  parking().applyCarParkEvent(DEMO_CAR_PARK, { eventId, kind, plate, at: ago(minutesAgo) })

/** The 商圈 authorisation as the MALL_AUTH.ACTIVATE_CARD notice records it (wxpay/service.ts). */
async function authorise(memberId: string) {
  await env.db
    .collection('mall_auth')
    .doc(memberId)
    .set({
      data: {
        memberId,
        mchid: '1900000001',
        authType: 'REGISTERED_MODE',
        authorisedAt: new Date(env.clock.now()),
      },
    })
}

/** A member with `plate` bound; by default opted into the parking sync and authorised in WeChat Pay. */
async function driver(plate: string, options: { sync?: boolean; authorised?: boolean } = {}) {
  const openid = shopper()
  phones += 1
  const memberId = await env.member(openid, {
    ...VALID_FORM,
    phone: `1391234${String(phones).padStart(4, '0')}`,
  })
  await env.grant(openid, 'parking')
  expect((await env.call(openid, 'bindPlate', { plate })).ok).toBe(true)
  if (options.sync ?? true) await env.grant(openid, 'businessCircleParking')
  if (options.authorised ?? true) await authorise(memberId)
  return { openid, memberId, phone: `1391234${String(phones).padStart(4, '0')}` }
}

const queued = async () =>
  ((await env.all('wxpay_sync')) as ParkingSyncDoc[]).filter((doc) => doc.kind === 'parking')

const fakeDrain = (caller: Partial<CallerKeys> = {}) =>
  fakeDrainOf(
    env,
    testCaller(merchant.privateKey, {
      brandId: 1000,
      platformKey: { serial: PLATFORM_SERIAL, key: platform.publicKey },
      ...caller,
    }),
  )

interface SentCall {
  url: string
  headers: Record<string, string>
  body: Record<string, unknown>
}

const sent = () => env.cloud.outbox.list({ kind: 'wxpay' }).map((item) => item.payload as SentCall)

const decrypt = (key: KeyObject, base64: string) =>
  privateDecrypt(
    { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(base64, 'base64'),
  ).toString('utf8')

describe('queueing the parking sync', () => {
  it('should queue IN when an entry opens a session and OUT when its exit closes it, once per session and state', async () => {
    const { memberId } = await driver('沪A10001')
    const entry = await apply('e1', 'entry', '沪A10001', 90)
    expect(entry).toMatchObject({ ok: true })
    const sessionId = entry.ok ? entry.data.sessionId : ''
    expect((await queued()).map((d) => d._id)).toEqual([parkingSyncId(sessionId, 'IN')])
    // The device's retry and a second camera read queue nothing more.
    await apply('e1', 'entry', '沪A10001', 90)
    await apply('e1b', 'entry', '沪A10001', 89)
    await apply('x1', 'exit', '沪A10001', 5)
    await apply('x1', 'exit', '沪A10001', 5)
    const docs = (await queued()).sort((a, b) => a._id.localeCompare(b._id))
    expect(docs.map((d) => [d._id, d.memberId, d.parking.state, d.status])).toEqual([
      [parkingSyncId(sessionId, 'IN'), memberId, 'IN', 'pending'],
      [parkingSyncId(sessionId, 'OUT'), memberId, 'OUT', 'pending'],
    ])
    expect(docs.map((d) => d.parking.at)).toEqual([ago(90), ago(5)])
  })

  it('[3.2] should keep the plate and the OpenID only sealed under the member’s data key in the queue', async () => {
    const { openid } = await driver('沪A10002')
    await apply('e2', 'entry', '沪A10002', 30)
    const text = JSON.stringify(await env.all('wxpay_sync'))
    expect(text).not.toContain('沪A10002')
    expect(text).not.toContain(openid)
    expect((await queued())[0]).toMatchObject({
      plate: { ct: expect.any(String) },
      openid: { ct: expect.any(String) },
    })
  })

  it('[L-4] should queue nothing for a member with the parking consent alone, without businessCircleParking', async () => {
    await driver('沪A10003', { sync: false })
    await apply('e3', 'entry', '沪A10003', 30)
    await apply('x3', 'exit', '沪A10003', 5)
    expect(await queued()).toEqual([])
  })

  it('should queue nothing for a member who has not authorised the 商圈 in WeChat Pay', async () => {
    await driver('沪A10004', { authorised: false })
    await apply('e4', 'entry', '沪A10004', 30)
    expect(await queued()).toEqual([])
  })

  it('should queue nothing for a plate no member binds', async () => {
    await driver('沪A10005')
    await apply('e5', 'entry', '沪B99999', 30)
    await apply('x5', 'exit', '沪B99999', 5)
    expect(await queued()).toEqual([])
  })

  it('should not report a session the desk settles: an exit without entry, an entry left unclosed', async () => {
    await driver('沪A10006')
    await apply('x6', 'exit', '沪A10006', 200)
    expect(await queued()).toEqual([])
    const first = await apply('e6', 'entry', '沪A10006', 120)
    const second = await apply('e7', 'entry', '沪A10006', 30)
    // The second entry leaves the first session unclosed: its IN stays, no OUT is made up.
    const ids = (await queued()).map((d) => d._id).sort()
    expect(ids).toEqual(
      [
        parkingSyncId(first.ok ? first.data.sessionId : '', 'IN'),
        parkingSyncId(second.ok ? second.data.sessionId : '', 'IN'),
      ].sort(),
    )
  })
})

describe('withdrawal and deletion', () => {
  it('should drop the member’s queued parking syncs when businessCircleParking is withdrawn, and queue no more', async () => {
    const { openid } = await driver('沪A20001')
    await apply('e1', 'entry', '沪A20001', 30)
    expect(await queued()).toHaveLength(1)
    const answer = await env.call(openid, 'setConsent', { purpose: 'businessCircleParking', granted: false })
    expect(answer.ok).toBe(true)
    expect(await queued()).toEqual([])
    await apply('x1', 'exit', '沪A20001', 5)
    expect(await queued()).toEqual([])
  })

  it('should drop them when the parking consent goes (the plates go with it)', async () => {
    const { openid } = await driver('沪A20002')
    await apply('e2', 'entry', '沪A20002', 30)
    expect((await env.call(openid, 'setConsent', { purpose: 'parking', granted: false })).ok).toBe(true)
    expect(await queued()).toEqual([])
  })

  it('should drop, unsent, an item whose member no longer allows it when the drain comes', async () => {
    const { memberId } = await driver('沪A20003')
    await apply('e3', 'entry', '沪A20003', 30)
    await env.db.collection('mall_auth').doc(memberId).remove()
    expect(await fakeDrain().drain.run()).toMatchObject({ sent: 0, dropped: 1 })
    expect(sent()).toEqual([])
    expect(await queued()).toEqual([])
  })

  it('[7.2] should remove the queued parking syncs of a member who deletes their account', async () => {
    const { openid, phone } = await driver('沪A20004')
    await apply('e4', 'entry', '沪A20004', 30)
    expect(await queued()).toHaveLength(1)
    expect((await env.deleteAccount(openid, phone)).ok).toBe(true)
    expect(await queued()).toEqual([])
  })
})

describe('the drain', () => {
  it('should send the parkings request with the plate encrypted for WeChat Pay, then keep neither plate nor OpenID', async () => {
    const { openid } = await driver('沪A30001')
    await apply('e1', 'entry', '沪A30001', 90)
    await apply('x1', 'exit', '沪A30001', 5)
    const { drain } = fakeDrain()
    expect(await drain.run()).toMatchObject({ sent: 2, failed: 0 })
    const calls = sent()
    expect(calls.map((c) => c.url)).toEqual([PARKINGS_URL, PARKINGS_URL])
    for (const call of calls) {
      expect(call.headers['Wechatpay-Serial']).toBe(PLATFORM_SERIAL)
      expect(call.headers.Authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000001"/)
      expect(decrypt(platform.privateKey, String(call.body.plate_number))).toBe('沪A30001')
    }
    const byState = Object.fromEntries(calls.map((c) => [c.body.state, c.body]))
    expect(byState.IN).toEqual({
      brandid: 1000,
      appid: 'wx0000000000000000',
      openid,
      plate_number: expect.any(String),
      state: 'IN',
      time: '2024-06-15T08:30:00+08:00',
    })
    expect(byState.OUT).toMatchObject({ state: 'OUT', time: '2024-06-15T09:55:00+08:00' })
    // The plate's ciphertext for WeChat Pay is not the plate under another name.
    expect(JSON.stringify(calls)).not.toContain('沪A30001')
    for (const doc of await queued()) {
      expect(doc).toMatchObject({ status: 'sent' })
      expect(doc).not.toHaveProperty('plate')
      expect(doc).not.toHaveProperty('openid')
    }
    // A late retry of the car park's event finds the item and sends nothing again.
    await apply('x1', 'exit', '沪A30001', 5)
    expect(await drain.run()).toMatchObject({ sent: 0 })
  })

  it('should share the points sync’s rate limit: both kinds in one drain, at most SYNC_RATE_PER_S calls a second', async () => {
    const { openid, memberId } = await driver('沪A30002')
    const queue = createSyncQueue({ db: env.db, clock: env.clock, keys: env.keys() })
    for (let i = 0; i < 3; i++)
      await queue.enqueue({
        transactionId: `42000000${i}`,
        memberId,
        openid,
        state: { earnPoints: true, increasedPoints: 10, updatedAt: ago(1) },
      })
    await apply('e2', 'entry', '沪A30002', 30)
    await apply('x2', 'exit', '沪A30002', 5)
    const { drain, calls } = fakeDrain()
    expect(await drain.run()).toMatchObject({ sent: 5 })
    expect(new Set(sent().map((c) => c.url)).size).toBe(2)
    for (let i = 1; i < calls.length; i++)
      expect(calls[i] - calls[i - 1]).toBeGreaterThanOrEqual(1000 / SYNC_RATE_PER_S)
  })

  it('should fail an item without a call while no brand id or WeChat Pay public key is configured, keeping neither plate nor OpenID', async () => {
    await driver('沪A30003')
    await apply('e3', 'entry', '沪A30003', 30)
    expect(await fakeDrain({ brandId: undefined }).drain.run()).toMatchObject({ failed: 1, sent: 0 })
    expect(sent()).toEqual([])
    const [doc] = await queued()
    expect(doc).toMatchObject({ status: 'failed', lastStatus: 0 })
    // Given up: the plate and the OpenID go; the rest waits for an operator and the sweep.
    expect(doc).not.toHaveProperty('plate')
    expect(doc).not.toHaveProperty('openid')
  })
})

describe('parking sessions in the data copy', () => {
  const copyOf = async (openid: string) =>
    dataOf<{ export: DataExport }>(await env.call(openid, 'exportData')).export

  it('[L-8] should list the bound plates’ sessions since each was bound, with the plate, times and what was paid', async () => {
    await apply('before', 'entry', '沪A40001', 600)
    await apply('before-out', 'exit', '沪A40001', 500)
    const { openid } = await driver('沪A40001', { sync: false })
    env.clock.advance(60 * 60_000)
    await apply('e1', 'entry', '沪A40001', 30)
    await apply('x1', 'exit', '沪A40001', 5)
    const copy = await copyOf(openid)
    expect(copy.parkingSessions).toEqual([
      {
        id: `${DEMO_CAR_PARK.carParkId}:e1`,
        carParkId: DEMO_CAR_PARK.carParkId,
        plate: '沪A40001',
        state: 'closed',
        enteredAt: ago(30),
        exitedAt: ago(5),
        paidFen: 0,
      },
    ])
  })

  it('[7.2] should leave a deleted member’s sessions to their retention, linked to no member, and keep them from a later account binding the plate', async () => {
    const first = await driver('沪A40002', { sync: false })
    await apply('e1', 'entry', '沪A40002', 30)
    await apply('x1', 'exit', '沪A40002', 20)
    expect((await env.deleteAccount(first.openid, first.phone)).ok).toBe(true)
    // The session stays, for the car park, with nothing that names the member.
    const sessions = await env.all('parking_sessions')
    expect(sessions).toHaveLength(1)
    expect(JSON.stringify(sessions)).not.toContain(first.memberId)
    expect(await env.all('identity_index')).toEqual([])

    const later = await driver('沪A40002', { sync: false })
    env.clock.advance(10 * 60_000)
    await apply('e2', 'entry', '沪A40002', 2)
    const copy = await copyOf(later.openid)
    expect(copy.parkingSessions.map((s) => s.id)).toEqual([`${DEMO_CAR_PARK.carParkId}:e2`])
  })
})
