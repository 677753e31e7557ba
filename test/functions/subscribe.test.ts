/**
 * Subscribe-message topics (6.3.1, L-12): a consent per topic, one-time allowances counted on the
 * server, and a sender that refuses without the topic's consent, an allowance or a template.
 */
import { templatesFromEnv, type SubscribeOpenApi } from '../../cloudfunctions/common/notify'
import { createCardActions } from '../../cloudfunctions/member/cards'
import type { MemberDeps } from '../../cloudfunctions/member/wiring'
import { DEMO_CARDS } from '../../database/seed'
import {
  MAX_PENDING_SUBSCRIPTIONS,
  NOTICE_VERSION,
  SUBSCRIBE_TOPIC_IDS,
  type SubscribeTopicId,
} from '../../src/domain/consent/purposes'
import type { ConsentsData, ConsentView } from '../../src/domain/consent/model'
import { createTestEnv, dataOf, type TestEnv } from './support'

const TEMPLATES = {
  subscribePoints: {
    templateId: 'tmpl-points',
    keywords: { change: 'number1', balance: 'number2', reason: 'thing3', time: 'time4' },
  },
  subscribeParking: {
    templateId: 'tmpl-parking',
    keywords: { plate: 'thing1', fee: 'amount2', time: 'time3' },
  },
}

let env: TestEnv
let seq = 0
const shopper = () => `o-subscribe-${++seq}`

beforeEach(async () => {
  process.env.SUBSCRIBE_TEMPLATES = JSON.stringify(TEMPLATES)
  env = await createTestEnv()
})
afterEach(() => {
  delete process.env.SUBSCRIBE_TEMPLATES
  env.cloud.close()
})

const viewOf = (data: ConsentsData, purpose: string): ConsentView => {
  const view = data.consents.find((c) => c.purpose === purpose)
  if (!view) throw new Error(`no view of ${purpose}`)
  return view
}

const allow = (openid: string, topic: SubscribeTopicId, requestId: string) =>
  env.call(openid, 'setConsent', {
    purpose: topic,
    granted: true,
    noticeVersion: NOTICE_VERSION,
    subscription: { requestId },
  })

function context(openapi?: SubscribeOpenApi): MemberDeps {
  const templates = templatesFromEnv(JSON.stringify(TEMPLATES))
  return env.deps({ templates, ...(openapi ? { openapi: openapi as never } : {}) })
}

const pointsMessage = (memberId: string) => ({
  memberId,
  topic: 'subscribePoints' as const,
  values: { change: 120, balance: 1320, reason: '会员卡积分并入', time: new Date('2024-06-15T02:00:00Z') },
  actor: 'system:test',
})

const sentMessages = () => env.cloud.outbox.list({ kind: 'subscribeMessage' })

/** A new member who turned points reminders on with `allowances` "allow"s. */
async function memberAllowing(allowances = 1): Promise<{ openid: string; memberId: string }> {
  const openid = shopper()
  const memberId = await env.member(openid)
  for (let i = 1; i <= allowances; i++) await allow(openid, 'subscribePoints', `req-0000000${i}`)
  return { openid, memberId }
}

describe('subscribe-message topics', () => {
  it('[L-12] lists every topic as its own purpose, with its template and nothing allowed yet', async () => {
    const openid = shopper()
    await env.member(openid)
    const data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    for (const topic of SUBSCRIBE_TOPIC_IDS) {
      expect(viewOf(data, topic)).toMatchObject({ granted: false, basic: false })
      expect(viewOf(data, topic).subscription?.pending).toBe(0)
    }
    expect(viewOf(data, 'subscribePoints').subscription?.templateId).toBe('tmpl-points')
    // A topic the retailer has not configured says so instead of naming a template.
    expect(viewOf(data, 'subscribeCoupon').subscription?.templateId).toBeNull()
    expect(viewOf(data, 'marketing').subscription).toBeNull()
    expect(viewOf(data, 'subscribeParking').requires).toBe('parking')
  })

  it('[4.1.2] [L-12] turning one topic on writes its own receipt and counts one allowance per id', async () => {
    const openid = shopper()
    await env.member(openid)
    env.clock.advance(1000)
    const first = dataOf<ConsentsData>(await allow(openid, 'subscribePoints', 'req-00000001'))
    expect(viewOf(first, 'subscribePoints')).toMatchObject({ granted: true, subscription: { pending: 1 } })
    expect(viewOf(first, 'subscribeCoupon').granted).toBe(false)
    expect(first.receipts[0]).toMatchObject({ purpose: 'subscribePoints', granted: true })

    // A retry of the same call counts nothing twice; another "allow" counts one more.
    await allow(openid, 'subscribePoints', 'req-00000001')
    const again = dataOf<ConsentsData>(await allow(openid, 'subscribePoints', 'req-00000002'))
    expect(viewOf(again, 'subscribePoints').subscription?.pending).toBe(2)
    const receipts = (await env.all('consent_receipts')).filter((r) => r.purpose === 'subscribePoints')
    expect(receipts).toHaveLength(1)
  })

  it('[L-12] keeps at most a bounded number of allowances waiting', async () => {
    const openid = shopper()
    await env.member(openid)
    for (let i = 0; i < MAX_PENDING_SUBSCRIPTIONS + 3; i++)
      await allow(openid, 'subscribePoints', `req-${1000 + i}`)
    const data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    expect(viewOf(data, 'subscribePoints').subscription?.pending).toBe(MAX_PENDING_SUBSCRIPTIONS)
  })

  type Case = [string, Record<string, unknown>, string, string]
  it.each<Case>([
    [
      'an allowance for a purpose that is not a topic',
      {
        purpose: 'marketing',
        granted: true,
        noticeVersion: NOTICE_VERSION,
        subscription: { requestId: 'req-12345678' },
      },
      'INVALID_ARGUMENT',
      'subscription',
    ],
    [
      'an allowance with a withdrawal',
      { purpose: 'subscribePoints', granted: false, subscription: { requestId: 'req-12345678' } },
      'INVALID_ARGUMENT',
      'subscription',
    ],
    [
      'a malformed request id',
      {
        purpose: 'subscribePoints',
        granted: true,
        noticeVersion: NOTICE_VERSION,
        subscription: { requestId: 'x' },
      },
      'SUBSCRIBE_ID_INVALID',
      'subscription',
    ],
    [
      'the parking reminder without the parking service',
      { purpose: 'subscribeParking', granted: true, noticeVersion: NOTICE_VERSION },
      'PURPOSE_PREREQUISITE',
      'parking',
    ],
  ])('[L-12] refuses %s and changes nothing', async (_name, data, code, field) => {
    const openid = shopper()
    await env.member(openid)
    const before = await env.dump()
    const answer = await env.call(openid, 'setConsent', data)
    expect(answer).toMatchObject({ ok: false, code, field })
    expect(await env.dump()).toBe(before)
  })

  it('[6.3.1] sends a message only under the topic consent, spending one allowance', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const ctx = context()

    // No consent: refused, nothing sent.
    expect(await ctx.notifier.send(pointsMessage(memberId))).toMatchObject({
      ok: false,
      code: 'PURPOSE_CONSENT_REQUIRED',
      field: 'subscribePoints',
    })
    await allow(openid, 'subscribePoints', 'req-00000001')
    expect(await ctx.notifier.send(pointsMessage(memberId))).toEqual({ ok: true, data: { sent: true } })
    const [message] = sentMessages()
    expect(message?.payload).toEqual({
      touser: openid,
      template_id: 'tmpl-points',
      page: 'account/consents/index?topic=subscribePoints',
      data: {
        number1: { value: '120' },
        number2: { value: '1320' },
        thing3: { value: '会员卡积分并入' },
        time4: { value: '2024-06-15 10:00' },
      },
    })
    // One allowance, one message: the next one waits for another "allow".
    expect(await ctx.notifier.send(pointsMessage(memberId))).toMatchObject({
      ok: false,
      code: 'SUBSCRIBE_NO_ALLOWANCE',
    })
    expect(sentMessages()).toHaveLength(1)
  })

  it('[6.1.1] a withdrawn topic stops the very next message and keeps the allowance', async () => {
    const { openid, memberId } = await memberAllowing()
    await env.call(openid, 'setConsent', { purpose: 'subscribePoints', granted: false })
    const answer = await context().notifier.send(pointsMessage(memberId))
    expect(answer).toMatchObject({ ok: false, code: 'PURPOSE_CONSENT_REQUIRED' })
    expect(sentMessages()).toHaveLength(0)
    const refused = (await env.all('audit_log')).filter(
      (e) => e.memberId === memberId && e.purpose === 'subscribePoints' && e.success === false,
    )
    expect(refused).toHaveLength(1)
    const data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    expect(viewOf(data, 'subscribePoints').subscription?.pending).toBe(1)
  })

  it('[L-12] the parking reminder stops with the parking service', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.grant(openid, 'parking')
    await allow(openid, 'subscribeParking', 'req-00000001')
    await allow(openid, 'subscribeParking', 'req-00000002')
    const ctx = context()
    const parkingMessage = {
      memberId,
      topic: 'subscribeParking' as const,
      values: { plate: '京A·***45', fee: '12.00元', time: new Date('2024-06-15T03:00:00Z') },
      actor: 'system:test',
    }
    expect((await ctx.notifier.send(parkingMessage)).ok).toBe(true)
    await env.call(openid, 'setConsent', { purpose: 'parking', granted: false })
    expect(await ctx.notifier.send(parkingMessage)).toMatchObject({
      ok: false,
      code: 'PURPOSE_CONSENT_REQUIRED',
    })
    expect(sentMessages()).toHaveLength(1)
  })

  it('[L-12] concurrent senders never spend one allowance twice', async () => {
    const { memberId } = await memberAllowing(2)
    const ctx = context()
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => ctx.notifier.send(pointsMessage(memberId))),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(2)
    expect(sentMessages()).toHaveLength(2)
  })

  it('[L-12] WeChat refusing spends the allowance; a failed send gives it back', async () => {
    const { openid, memberId } = await memberAllowing()
    const failing = (errCode: number): SubscribeOpenApi => ({
      subscribeMessage: {
        send: () => Promise.reject(Object.assign(new Error(`errCode ${errCode}`), { errCode })),
      },
    })
    expect(await context(failing(-1)).notifier.send(pointsMessage(memberId))).toMatchObject({
      ok: false,
      code: 'SUBSCRIBE_SEND_FAILED',
    })
    let data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    expect(viewOf(data, 'subscribePoints').subscription?.pending).toBe(1)

    expect(await context(failing(43101)).notifier.send(pointsMessage(memberId))).toMatchObject({
      ok: false,
      code: 'SUBSCRIBE_NO_ALLOWANCE',
    })
    data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    expect(viewOf(data, 'subscribePoints').subscription?.pending).toBe(0)
  })

  it('[L-12] a topic without a configured template sends nothing', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await allow(openid, 'subscribeCoupon', 'req-00000001')
    const answer = await context().notifier.send({
      memberId,
      topic: 'subscribeCoupon',
      values: { coupon: '满200减30', expires: new Date(), note: '仅限本店' },
      actor: 'system:test',
    })
    expect(answer).toMatchObject({ ok: false, code: 'SUBSCRIBE_NOT_CONFIGURED' })
    expect(sentMessages()).toHaveLength(0)
  })

  /** Binds the first demo card (with points) to the member `openid`. */
  const bindDemoCard = async (openid: string) =>
    dataOf<{ pointsMoved: number; member: { points: number } }>(await env.bindCard(openid, DEMO_CARDS[0]))

  it('[6.3.1] binding a card with points sends one points reminder when the member allowed one', async () => {
    const { openid } = await memberAllowing()
    const bound = await bindDemoCard(openid)
    expect(bound.pointsMoved).toBeGreaterThan(0)
    const [message] = sentMessages()
    expect(message?.payload).toMatchObject({
      touser: openid,
      template_id: 'tmpl-points',
      data: {
        number1: { value: String(bound.pointsMoved) },
        number2: { value: String(bound.member.points) },
        thing3: { value: '会员卡积分并入' },
      },
    })
  })

  it('[6.3.1] a reminder that fails unexpectedly never fails the binding it follows', async () => {
    const { openid } = await memberAllowing()
    const card = DEMO_CARDS[0]
    const smsCode = await env.codeVia(
      openid,
      'sendCardCode',
      { cardNo: card.cardNo, phone: card.phone },
      card.phone,
    )
    const ctx = { ...context(), notifier: { send: () => Promise.reject(new Error('database unavailable')) } }
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const member = await ctx.members.memberOf({ openid })
      const answer = await createCardActions(ctx).bindCard(
        { cardNo: card.cardNo, phone: card.phone, smsCode },
        { caller: { openid }, member },
      )
      expect(answer).toMatchObject({ ok: true, data: { pointsMoved: expect.any(Number) } })
      expect(errors).toHaveBeenCalledWith('[member] points reminder failed', expect.any(Object))
    } finally {
      errors.mockRestore()
    }
  })

  it('[6.3.1] binding a card sends nothing to a member who did not ask for points reminders', async () => {
    const openid = shopper()
    await env.member(openid)
    expect((await bindDemoCard(openid)).pointsMoved).toBeGreaterThan(0)
    expect(sentMessages()).toHaveLength(0)
  })

  it('[5.1] keeps the WeChat user id only encrypted: no plaintext openid in any collection', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const [identity] = (await env.all('identities')).filter((d) => d._id === memberId)
    expect((identity?.fields as Record<string, unknown>).openid).toBeDefined()
    expect(await env.dump()).not.toContain(openid)
  })
})

describe('SUBSCRIBE_TEMPLATES', () => {
  it('reads a complete configuration and treats an empty one as none', () => {
    expect(templatesFromEnv(undefined)).toEqual({})
    expect(templatesFromEnv(' ')).toEqual({})
    expect(templatesFromEnv(JSON.stringify(TEMPLATES)).subscribePoints?.templateId).toBe('tmpl-points')
  })

  it.each([
    ['not JSON', '{'],
    ['a list', '[]'],
    ['an unknown topic', JSON.stringify({ subscribeWeather: TEMPLATES.subscribePoints })],
    [
      'a missing template id',
      JSON.stringify({ subscribePoints: { keywords: TEMPLATES.subscribePoints.keywords } }),
    ],
    [
      'a value without its keyword',
      JSON.stringify({ subscribePoints: { templateId: 't', keywords: { change: 'number1' } } }),
    ],
  ])('refuses %s', (_name, text) => {
    expect(() => templatesFromEnv(text)).toThrow(/SUBSCRIBE_TEMPLATES/)
  })
})
