/**
 * The `wxpay` function (WeChat Pay 智慧商圈 notices over HTTP access) and the points sync queue
 * the scheduler drains: verification and decryption, each event kind, repeated and concurrent
 * deliveries, members who may not earn, and the sync's content, rate, backoff and failure.
 */
import { createPrivateKey, createVerify, generateKeyPairSync } from 'node:crypto'

import { NOTICE_MAX_AGE_MS, noticeMessage, rsaSign } from '../../cloudfunctions/common/wxpay/apiv3'
import type { CallerKeys } from '../../cloudfunctions/common/wxpay/config'
import {
  backoffMs,
  MAX_SYNC_ATTEMPTS,
  POINTS_NOTIFY_URL,
  SYNC_RATE_PER_S,
} from '../../cloudfunctions/common/wxpay/sync'
import { createMain as createWxPayMain } from '../../cloudfunctions/wxpay/index'
import { createMain as createSchedulerMain } from '../../cloudfunctions/scheduler/index'
import type { Doc } from '../../cloudfunctions/common/db'
import {
  buildNotice,
  createWxPayFake,
  generateWxPayDemoKeys,
  noticeResource,
  wxPayNoticeEnv,
  type NoticeInput,
} from '../../local-cloud/wxpay'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { registerScheduler, tick } from '../scheduler/support'
import { createTestEnv, shopper, type TestEnv } from './support'
import { BIRTHDAY_RULES, publishMultipliers } from './staffSupport'
import { fakeDrainOf, testCaller } from './wxpaySupport'

interface HttpAnswer {
  statusCode: number
  body: string
}

const keys = generateWxPayDemoKeys()
const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
const MERCHANT_PEM = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

let env: TestEnv

beforeEach(async () => {
  env = await createTestEnv()
  const variables = { ...process.env, ...wxPayNoticeEnv(keys) }
  env.cloud.register('wxpay', () => ({ main: createWxPayMain({ clock: env.clock, env: variables }) }))
})

afterEach(() => env.cloud.close())

/** Posts a notice as HTTP access hands it to the function. */
async function post(notice: { headers: Record<string, string>; body: string }): Promise<HttpAnswer> {
  return (await env.cloud.invoke(
    'wxpay',
    {
      path: '/wxpay/businesscircle',
      httpMethod: 'POST',
      headers: notice.headers,
      queryStringParameters: {},
      body: notice.body,
      isBase64Encoded: false,
    },
    { OPENID: '', SOURCE: 'http' },
  )) as HttpAnswer
}

const notice = (input: NoticeInput, resource?: Record<string, unknown>) =>
  buildNotice(keys, { nowMs: env.clock.now(), ...input }, resource)

const deliver = (input: NoticeInput) => post(notice(input))

/** One notice (one id, one content), each call a delivery of it signed afresh, as WeChat Pay retries. */
function oneNotice(input: NoticeInput): () => Promise<HttpAnswer> {
  const once = { ...input, noticeId: `N-${input.transactionId}-${input.refundId ?? ''}` }
  const resource = noticeResource({ ...once, nowMs: env.clock.now() })
  return () => post(notice(once, resource))
}

const ledgerOf = async (memberId: string) =>
  (await env.all('points_ledger')).filter((entry) => entry.memberId === memberId)

const syncs = () => env.all('wxpay_sync')

const fakeDrain = (overrides: { caller?: Partial<CallerKeys> } = {}) =>
  fakeDrainOf(env, testCaller(createPrivateKey(MERCHANT_PEM), overrides.caller))

const sent = () =>
  env.cloud.outbox
    .list({ kind: 'wxpay' })
    .map(
      (item) =>
        item.payload as { url: string; headers: Record<string, string>; body: Record<string, unknown> },
    )

describe('notice verification', () => {
  it('should refuse a bad signature, an unknown serial, an old timestamp or a tampered ciphertext with a status WeChat Pay retries', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const good = notice({ kind: 'transaction', openid, amountFen: 10000 })

    const badSignature = {
      ...good,
      headers: { ...good.headers, 'wechatpay-signature': Buffer.alloc(256).toString('base64') },
    }
    const wrongSerial = { ...good, headers: { ...good.headers, 'wechatpay-serial': 'PUB_KEY_ID_OTHER' } }
    const old = buildNotice(keys, {
      kind: 'transaction',
      openid,
      nowMs: env.clock.now() - NOTICE_MAX_AGE_MS - 1000,
    })
    const envelope = JSON.parse(good.body) as { resource: { ciphertext: string } }
    const bytes = Buffer.from(envelope.resource.ciphertext, 'base64')
    bytes[0] ^= 1
    envelope.resource.ciphertext = bytes.toString('base64')
    // Signed correctly over the tampered body: only the decryption can find it out.
    const signedTampered = signedOver(JSON.stringify(envelope))

    for (const bad of [badSignature, wrongSerial, old]) {
      const answer = await post(bad)
      expect(answer.statusCode).toBe(401)
      expect(JSON.parse(answer.body)).toEqual({ code: 'FAIL', message: '签名验证失败' })
    }
    const decrypted = await post(signedTampered)
    expect(decrypted.statusCode).toBe(400)
    expect(JSON.parse(decrypted.body)).toMatchObject({ code: 'FAIL' })
    expect(await ledgerOf(memberId)).toEqual([])
    expect(await syncs()).toEqual([])
  })

  it('should answer 404 for another path or method', async () => {
    const good = notice({ kind: 'auth', openid: shopper() })
    const answer = (await env.cloud.invoke(
      'wxpay',
      { path: '/wxpay/other', httpMethod: 'POST', headers: good.headers, body: good.body },
      { OPENID: '', SOURCE: 'http' },
    )) as HttpAnswer
    expect(answer.statusCode).toBe(404)
  })
})

/** A body signed with the platform key as WeChat Pay would sign it. */
function signedOver(body: string) {
  const base = buildNotice(keys, { kind: 'auth', openid: 'x', nowMs: env.clock.now() })
  const timestamp = base.headers['wechatpay-timestamp']
  const nonce = base.headers['wechatpay-nonce']
  const signature = rsaSign(createPrivateKey(keys.privateKeyPem), noticeMessage(timestamp, nonce, body))
  return { headers: { ...base.headers, 'wechatpay-signature': signature }, body }
}

describe('MALL_AUTH.ACTIVATE_CARD', () => {
  it('should record a member’s 商圈 authorisation without the OpenID, shown in their data copy and deleted with the account', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    expect((await deliver({ kind: 'auth', openid })).statusCode).toBe(204)
    const [auth] = await env.all('mall_auth')
    expect(auth).toMatchObject({ _id: memberId, memberId, authType: 'REGISTERED_MODE' })
    expect(JSON.stringify(auth)).not.toContain(openid)

    const copy = await env.call(openid, 'exportData')
    expect(copy.ok).toBe(true)
    expect(JSON.stringify(copy)).toContain('REGISTERED_MODE')

    expect((await env.deleteAccount(openid)).ok).toBe(true)
    expect(await env.all('mall_auth')).toEqual([])
  })
})

describe('MALL_TRANSACTION.SUCCESS', () => {
  it('should earn once under the rules at time_end and queue one sync, for 12 deliveries one after another', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const again = oneNotice({ kind: 'transaction', openid, amountFen: 12345, transactionId: '4200000001' })
    for (let i = 0; i < 12; i++) expect((await again()).statusCode).toBe(204)

    const entries = await ledgerOf(memberId)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      _id: 'earn:wxpay:4200000001',
      delta: 123,
      amountFen: 12345,
      actor: 'system:wxpay',
    })
    const queued = await syncs()
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ _id: '4200000001', memberId, status: 'pending' })
    expect(JSON.stringify(queued[0])).not.toContain(openid)
  })

  it('should write one ledger entry and one queued sync for 12 concurrent deliveries', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const again = oneNotice({ kind: 'transaction', openid, amountFen: 5000, transactionId: '4200000002' })
    const answers = await Promise.all(Array.from({ length: 12 }, again))
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(204))
    expect(await ledgerOf(memberId)).toHaveLength(1)
    expect(await syncs()).toHaveLength(1)
    const member = (await env.db.collection('members').doc(memberId).get()).data as Doc
    expect(member.points).toBe(50)
  })

  it('should report a payment too small to earn as earning nothing, with a remark', async () => {
    const openid = shopper()
    await env.member(openid)
    expect(
      (await deliver({ kind: 'transaction', openid, amountFen: 50, transactionId: '4200000005' })).statusCode,
    ).toBe(204)
    expect((await syncs())[0]).toMatchObject({
      state: { earnPoints: false, increasedPoints: 0, noPointsRemarks: '消费金额未达积分门槛' },
    })
  })

  it('should earn nothing for someone who is not a member and answer 204, recording the outcome without personal data', async () => {
    const openid = shopper()
    const answer = await deliver({
      kind: 'transaction',
      openid,
      amountFen: 10000,
      transactionId: '4200000003',
    })
    expect(answer.statusCode).toBe(204)
    expect((await env.all('points_ledger')).filter((e) => String(e._id).includes('wxpay'))).toEqual([])
    const notes = await env.all('wxpay_notices')
    expect(notes).toEqual([
      expect.objectContaining({
        _id: 'transaction:4200000003',
        eventType: 'MALL_TRANSACTION.SUCCESS',
        outcome: 'no-member',
      }),
    ])
    expect(JSON.stringify(notes)).not.toContain(openid)
  })

  it('should earn nothing for a member whose basic consent no longer holds', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { 'consents.membership.granted': false } })
    const answer = await deliver({
      kind: 'transaction',
      openid,
      amountFen: 10000,
      transactionId: '4200000004',
    })
    expect(answer.statusCode).toBe(204)
    expect(await ledgerOf(memberId)).toEqual([])
    expect((await env.all('wxpay_notices'))[0]).toMatchObject({ outcome: 'no-consent' })
  })
})

describe('MALL_TRANSACTION.SUCCESS on a birthday', () => {
  it('[6.4.1] should double a payment made on the member’s birthday and take all of it back on a full refund', async () => {
    env.clock.set('2025-05-17T01:00:00.000Z')
    const openid = shopper()
    const memberId = await env.member(openid)
    await publishMultipliers(env, [BIRTHDAY_RULES.day])
    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000050' })
    env.clock.set('2025-05-18T02:00:00.000Z')
    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000051' })
    const earned = await ledgerOf(memberId)
    expect(earned.map((e) => [e._id, e.delta])).toEqual([
      ['earn:wxpay:4200000050', 200],
      ['earn:wxpay:4200000051', 100],
    ])
    expect(earned[0].lines).toContainEqual({ kind: 'multiplier', label: '生日', detail: '2 倍', points: 100 })
    await deliver({ kind: 'refund', openid, amountFen: 10000, transactionId: '4200000050', refundId: 'R-50' })
    expect((await ledgerOf(memberId)).find((e) => e.kind === 'reverse')).toMatchObject({ delta: -200 })
  })
})

describe('MALL_REFUND.SUCCESS', () => {
  it('should take back the refunded part once per refund_id and queue the transaction’s new points', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000010' })
    const again = oneNotice({
      kind: 'refund',
      openid,
      amountFen: 4000,
      transactionId: '4200000010',
      refundId: 'R-1',
    })
    const answers = await Promise.all(Array.from({ length: 12 }, again))
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(204))
    const entries = await ledgerOf(memberId)
    expect(entries.map((e) => e.delta).sort()).toEqual([-40, 100])
    const [queued] = await syncs()
    expect(queued).toMatchObject({ status: 'pending', state: { earnPoints: true, increasedPoints: 60 } })
    // The payment's notice delivered once more afterwards leaves the refunded state queued.
    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000010' })
    expect((await syncs())[0]).toMatchObject({ state: { increasedPoints: 60 } })
  })

  it('should reverse concurrent refunds of one transaction only as far as the payment goes, the points exactly', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000013' })
    const refunds = ['R-11', 'R-12', 'R-13', 'R-14'].map((refundId) =>
      oneNotice({ kind: 'refund', openid, amountFen: 3050, transactionId: '4200000013', refundId }),
    )
    const answers = await Promise.all(refunds.map((refund) => refund()))
    expect(answers.map((a) => a.statusCode)).toEqual(Array(4).fill(204))
    // ¥91.50 of ¥100 refunded: the ¥8.50 kept earns 8 points.
    const reversals = (await ledgerOf(memberId)).filter((e) => e.kind === 'reverse')
    expect(reversals).toHaveLength(3)
    expect((await ledgerOf(memberId)).reduce((sum, e) => sum + Number(e.delta), 0)).toBe(8)
    expect((await env.all('members')).find((m) => m._id === memberId)?.points).toBe(8)
    expect(await env.all('wxpay_notices')).toEqual([expect.objectContaining({ outcome: 'ignored' })])
    expect((await syncs())[0]).toMatchObject({ state: { earnPoints: true, increasedPoints: 8 } })
  })

  it('should leave the later refund’s points queued when an earlier refund of the transaction reaches the queue last', async () => {
    const openid = shopper()
    await env.member(openid)
    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000014' })
    const refund = (refundId: string) =>
      deliver({ kind: 'refund', openid, amountFen: 3050, transactionId: '4200000014', refundId })
    // R-22 runs whole between R-21's commit (¥69.50 kept: 69 points) and R-21's queueing.
    let first: string | undefined
    let ran = false
    const stop = env.cloud.onTransactionStep(async (step) => {
      if (step.collection === 'points_refunds') first ??= step.transactionId
      if (ran || step.action !== 'database.commitTransaction' || step.transactionId !== first) return
      ran = true
      await refund('R-22')
    })
    expect((await refund('R-21').finally(stop)).statusCode).toBe(204)
    expect(ran).toBe(true)
    expect((await syncs())[0]).toMatchObject({ state: { earnPoints: true, increasedPoints: 39 } })
  })

  it('should answer 503 for a refund whose transaction notice has not come yet, and reverse it once it has', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const refund: NoticeInput = {
      kind: 'refund',
      openid,
      amountFen: 10000,
      transactionId: '4200000011',
      refundId: 'R-2',
    }
    const early = await deliver(refund)
    expect(early.statusCode).toBe(503)
    expect(JSON.parse(early.body)).toMatchObject({ code: 'FAIL' })
    expect(await ledgerOf(memberId)).toEqual([])

    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000011' })
    expect((await deliver(refund)).statusCode).toBe(204)
    expect((await ledgerOf(memberId)).reduce((sum, e) => sum + Number(e.delta), 0)).toBe(0)
    expect((await syncs())[0]).toMatchObject({ state: { earnPoints: false, increasedPoints: 0 } })
  })

  it('should answer 204 for a refund of a transaction that earned nothing', async () => {
    const openid = shopper()
    await deliver({ kind: 'transaction', openid, amountFen: 10000, transactionId: '4200000012' })
    const answer = await deliver({
      kind: 'refund',
      openid,
      amountFen: 10000,
      transactionId: '4200000012',
      refundId: 'R-3',
    })
    expect(answer.statusCode).toBe(204)
  })
})

describe('points sync', () => {
  async function earned(openid: string, transactionId: string, amountFen = 10000) {
    await deliver({ kind: 'transaction', openid, amountFen, transactionId })
  }

  it('should send the transaction’s points with a verifiable APIv3 signature, without total_points while businessCircle is off', async () => {
    const openid = shopper()
    await env.member(openid)
    await earned(openid, '4200000020')
    const { drain } = fakeDrain()
    expect(await drain.run()).toMatchObject({ sent: 1 })
    const [call] = sent()
    expect(call.url).toBe(POINTS_NOTIFY_URL)
    expect(call.body).toEqual({
      transaction_id: '4200000020',
      appid: 'wx0000000000000000',
      openid,
      earn_points: true,
      increased_points: 100,
      points_update_time: '2024-06-15T10:00:00+08:00',
    })
    const auth =
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="(\w{32})",signature="([^"]+)",timestamp="(\d+)",serial_no="MERCHANT-SERIAL-1"$/.exec(
        call.headers.Authorization,
      )
    expect(auth).not.toBeNull()
    const [, nonce, signature, timestamp] = auth as RegExpExecArray
    const message = `POST\n${POINTS_NOTIFY_URL}\n${timestamp}\n${nonce}\n${JSON.stringify(call.body)}\n`
    const verifier = createVerify('RSA-SHA256').update(message)
    expect(verifier.verify(merchant.publicKey, signature, 'base64')).toBe(true)
    expect((await syncs())[0]).toMatchObject({ status: 'sent', attempts: 1 })
    // Sent once: a second drain has nothing to do, and a repeated notice queues nothing.
    await earned(openid, '4200000020')
    expect(await drain.run()).toEqual({ sent: 0, failed: 0, retried: 0, dropped: 0 })
  })

  it('should add total_points, the member’s balance, when the businessCircle consent holds', async () => {
    const openid = shopper()
    await env.member(openid)
    const answer = await env.call(openid, 'setConsent', {
      purpose: 'businessCircle',
      granted: true,
      noticeVersion: NOTICE_VERSION,
    })
    expect(answer.ok).toBe(true)
    await earned(openid, '4200000021')
    await fakeDrain().drain.run()
    expect(sent()[0].body).toMatchObject({ increased_points: 100, total_points: expect.any(Number) })
  })

  it('should send at most SYNC_RATE_PER_S calls a second', async () => {
    const openid = shopper()
    await env.member(openid)
    for (let i = 0; i < 7; i++) await earned(openid, `42000001${i}`)
    const { drain, calls } = fakeDrain()
    expect(await drain.run()).toMatchObject({ sent: 7 })
    for (let i = 1; i < calls.length; i++)
      expect(calls[i] - calls[i - 1]).toBeGreaterThanOrEqual(1000 / SYNC_RATE_PER_S)
    // Within a budget: what does not fit waits for the next run.
    for (let i = 0; i < 5; i++) await earned(openid, `42000002${i}`)
    const next = fakeDrain()
    expect(await next.drain.run({ budgetMs: 500 })).toMatchObject({ sent: 3 })
  })

  it('should retry a failed call after a doubling backoff and give up after MAX_SYNC_ATTEMPTS', async () => {
    const openid = shopper()
    await env.member(openid)
    await earned(openid, '4200000030')
    const { fake, drain } = fakeDrain()
    fake.failNext(MAX_SYNC_ATTEMPTS)
    expect(await drain.run()).toMatchObject({ retried: 1 })
    let [doc] = await syncs()
    expect(doc).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 })
    expect(new Date(doc.nextAt as Date).getTime() - env.clock.now()).toBe(backoffMs(1))
    // Not before its time.
    expect(await drain.run()).toMatchObject({ retried: 0 })
    for (let attempt = 2; attempt <= MAX_SYNC_ATTEMPTS; attempt++) {
      env.clock.advance(backoffMs(attempt - 1))
      await drain.run()
    }
    ;[doc] = await syncs()
    expect(doc).toMatchObject({ status: 'failed', attempts: MAX_SYNC_ATTEMPTS })
    expect(sent()).toEqual([])
    expect(backoffMs(2)).toBe(2 * backoffMs(1))
  })

  it('should give up at once when WeChat Pay refuses the request itself', async () => {
    const openid = shopper()
    await env.member(openid)
    await earned(openid, '4200000031')
    const { fake, drain } = fakeDrain()
    fake.failNext(1, 400)
    expect(await drain.run()).toMatchObject({ failed: 1 })
  })

  it('should drain the queue in the scheduler’s wxpay trigger once a merchant is configured (one-line PEM), and skip it before', async () => {
    const openid = shopper()
    await env.member(openid)
    await earned(openid, '4200000040')
    registerScheduler(env)
    const skipped = await tick(env, 'wxpay')
    expect(skipped.data.jobs.syncWxPay).toEqual({ skipped: 'no WXPAY_MCHID' })

    const fake = createWxPayFake(env.cloud.outbox)
    const variables = {
      ...process.env,
      WXPAY_MCHID: '1900000001',
      WXPAY_APPID: 'wx0000000000000000',
      WXPAY_MERCHANT_SERIAL: 'MERCHANT-SERIAL-1',
      WXPAY_MERCHANT_KEY: MERCHANT_PEM.replace(/\n/g, '\\n'),
    }
    env.cloud.register('scheduler', () => ({
      main: createSchedulerMain({
        clock: env.clock,
        env: variables,
        wxpayPort: fake.port,
        sleep: async () => {},
      }),
    }))
    const run = await tick(env, 'wxpay')
    expect(run.data.jobs.syncWxPay).toEqual({ sent: 1, failed: 0, retried: 0, dropped: 0 })
    expect(sent()[0].body).toMatchObject({ transaction_id: '4200000040', openid })
  })

  it('should drop the queued sync of a member who deleted their account', async () => {
    const openid = shopper()
    await env.member(openid)
    await earned(openid, '4200000050')
    expect((await env.deleteAccount(openid)).ok).toBe(true)
    expect(await syncs()).toEqual([])
  })
})
