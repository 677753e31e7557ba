import { requesterOf } from '../../cloudfunctions/common/quota'
import {
  createSmsService,
  SMS_DAILY_LIMIT,
  SMS_DAILY_LIMIT_PER_PAIR,
  SMS_DAILY_LIMIT_PER_PHONE,
  SMS_OWN_DAILY_ALLOWANCE,
  type SmsOpenApi,
} from '../../cloudfunctions/common/sms'
import { createTestEnv, shopper, VALID_FORM, type Answer, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const phone = VALID_FORM.phone
const join = (openid: string, smsCode: string) => env.call(openid, 'join', { ...VALID_FORM, smsCode })
const wrong = (code: string) => (code === '000000' ? '111111' : '000000')

function smsService(templateId = 'test-template') {
  return createSmsService({
    db: env.db,
    vault: env.vault,
    clock: env.clock,
    openapi: env.cloud.sdk().openapi as SmsOpenApi,
    config: { env: env.cloud.env, templateId },
  })
}

describe('sendJoinCode', () => {
  it('[4.2.1.1][L-11] sends a 6-digit code by SMS and stores only its keyed hash', async () => {
    const openid = shopper()
    expect(await env.call(openid, 'sendJoinCode', { phone })).toEqual({
      ok: true,
      data: { expiresIn: 300, resendAfter: 60 },
    })
    const [sms] = env.cloud.outbox.list({ kind: 'sms' })
    expect(sms.payload).toMatchObject({
      env: 'local-cloud',
      phone_number_list: ['+8613812345678'],
      sms_type: 'Notification',
      template_param_list: [expect.stringMatching(/^\d{6}$/), '5'],
    })
    const code = env.lastCode(phone) as string
    const [doc] = await env.all('sms_codes')
    expect(doc).toMatchObject({
      purpose: 'join',
      tries: 0,
      consumed: false,
      requester: requesterOf(env.vault, openid),
      phoneIndex: env.vault.blindIndex('phone', phone),
    })
    expect(doc._id).toBe(`join:${env.vault.blindIndex('phone', phone)}:${requesterOf(env.vault, openid)}`)
    const dump = await env.dump()
    expect(dump).not.toContain(phone)
    expect(dump).not.toContain(`"${code}"`)
  })

  it.each<[string, unknown, string]>([
    ['no phone', {}, 'PHONE_REQUIRED'],
    ['a malformed phone', { phone: '2381234567' }, 'PHONE_INVALID'],
    ['a phone that is a number', { phone: 13812345678 }, 'INVALID_ARGUMENT'],
    ['a huge phone', { phone: '1'.repeat(100_000) }, 'FIELD_TOO_LONG'],
  ])('[4.2.1.1] refuses %s with %s and sends nothing', async (_case, data, code) => {
    expect(await env.call(shopper(), 'sendJoinCode', data)).toMatchObject({ ok: false, code, field: 'phone' })
    expect(env.cloud.outbox.list({ kind: 'sms' })).toHaveLength(0)
    expect(await env.counts()).toMatchObject({ sms_codes: 0, sms_quota: 0 })
  })

  it('[4.2.1.1] refuses a new code within 60 seconds, then replaces the old one', async () => {
    const openid = shopper()
    const first = await env.sendCode(openid)
    env.clock.advance(45_000)
    expect(await env.call(openid, 'sendJoinCode', { phone })).toEqual({
      ok: false,
      code: 'SMS_RESEND_TOO_SOON',
      message: '验证码发送过于频繁，请15秒后再试',
      retryAfter: 15,
    })
    env.clock.advance(14_000)
    env.clock.advance(1_000)
    const second = await env.sendCode(openid)
    expect(env.cloud.outbox.list({ kind: 'sms' })).toHaveLength(2)
    if (first !== second) expect(await join(openid, first)).toMatchObject({ code: 'SMS_CODE_WRONG' })
    expect(await join(openid, second)).toMatchObject({ ok: true })
  })

  it('[4.2.1.1] sends one SMS for 10 simultaneous requests', async () => {
    const openid = shopper()
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => env.call(openid, 'sendJoinCode', { phone })),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(1)
    expect(answers.filter((a) => !a.ok && a.code === 'SMS_RESEND_TOO_SOON')).toHaveLength(9)
    expect(env.cloud.outbox.list({ kind: 'sms' })).toHaveLength(1)
    const quotas = await env.all('sms_quota')
    expect(quotas.map((q) => q.count)).toEqual([1, 1, 1])
  })

  /** Sends join codes as `openid` a minute apart until refused: the number sent and the refusal. */
  async function sendUntilRefused(openid: string): Promise<[number, Answer]> {
    for (let sent = 0; ; sent++) {
      const answer = await env.call(openid, 'sendJoinCode', { phone })
      env.clock.advance(61_000)
      if (!answer.ok) return [sent, answer]
    }
  }

  it("[4.2.1.1] sends 5 codes a day per user and phone, 10 to a phone from all users beyond each user's first 3, and tells when to retry", async () => {
    const got: number[] = []
    let refusal: Answer | undefined
    for (let i = 0; i < 4; i++) {
      const [sent, answer] = await sendUntilRefused(shopper())
      got.push(sent)
      refusal = answer
    }
    // The first two users spend the phone's shared 10; later ones still get their own 3.
    expect(SMS_DAILY_LIMIT_PER_PHONE).toBe(2 * SMS_DAILY_LIMIT_PER_PAIR)
    expect(got).toEqual([
      SMS_DAILY_LIMIT_PER_PAIR,
      SMS_DAILY_LIMIT_PER_PAIR,
      SMS_OWN_DAILY_ALLOWANCE,
      SMS_OWN_DAILY_ALLOWANCE,
    ])
    // Until 00:00 in China, in seconds, and in words.
    const midnight = Date.parse('2024-06-15T16:00:00.000Z')
    const refusedAt = env.clock.now() - 61_000
    expect(refusal).toEqual({
      ok: false,
      code: 'SMS_DAILY_LIMIT',
      message: '今日获取验证码次数已达上限，请明天再试',
      retryAfter: Math.ceil((midnight - refusedAt) / 1000),
    })
    // The next day in China (00:00 UTC+8) the count starts again.
    env.clock.set('2024-06-15T16:00:00.000Z')
    expect(await env.call(shopper(), 'sendJoinCode', { phone })).toMatchObject({ ok: true })
  })

  it("[4.2.1.1] keeps the owner's own codes when strangers spent the phone's day", async () => {
    for (let i = 0; i < 5; i++) await sendUntilRefused(shopper())
    const owner = shopper()
    let code = ''
    for (let j = 0; j < SMS_OWN_DAILY_ALLOWANCE; j++) {
      env.clock.advance(61_000)
      code = await env.sendCode(owner)
    }
    expect(await join(owner, code)).toMatchObject({ ok: true })
  })

  it("[4.2.1.1] keeps each user's code: a stranger's request for the same phone does not cancel it", async () => {
    const owner = shopper()
    const code = await env.sendCode(owner)
    const stranger = shopper()
    expect(await env.call(stranger, 'sendJoinCode', { phone })).toMatchObject({ ok: true })
    // The owner's code still works; the stranger's code is theirs alone.
    expect(await join(owner, code)).toMatchObject({ ok: true })
    expect(await env.counts()).toMatchObject({ sms_codes: 2 })
  })

  it('[4.2.1.1] answers 30 simultaneous senders of one phone with the real outcome, never a limit nobody reached', async () => {
    const strangers = Array.from({ length: 30 }, () => shopper())
    const answers = await Promise.all(strangers.map((openid) => env.call(openid, 'sendJoinCode', { phone })))
    expect(answers.filter((a) => !a.ok)).toEqual([])
    // One WeChat user tapping 30 times at once: one code, and the others are told to wait.
    const tapper = shopper()
    const other = '13912345678'
    const taps = await Promise.all(strangers.map(() => env.call(tapper, 'sendJoinCode', { phone: other })))
    expect(taps.filter((a) => a.ok)).toHaveLength(1)
    expect(taps.filter((a) => !a.ok).map((a) => !a.ok && a.code)).toEqual(
      Array(29).fill('SMS_RESEND_TOO_SOON'),
    )
    const pairs = (await env.all('sms_quota')).filter((q) => String(q._id).includes(':pair:'))
    expect(pairs.map((q) => q.count)).toEqual(Array(31).fill(1))
  })

  it('[4.2.1.1] sends at most 10 codes a day for one WeChat user, whatever the phone', async () => {
    const openid = shopper()
    for (let i = 0; i < SMS_DAILY_LIMIT; i++) await env.sendCode(openid, `1390000000${i}`)
    expect(await env.call(openid, 'sendJoinCode', { phone: '13700000000' })).toMatchObject({
      ok: false,
      code: 'SMS_DAILY_LIMIT',
    })
    // The refused request used none of that phone's quota.
    expect(await env.call(shopper(), 'sendJoinCode', { phone: '13700000000' })).toMatchObject({ ok: true })
  })

  it('[4.2.1.1] answers SMS_SEND_FAILED when the SMS API refuses, and allows a retry at once', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const openid = shopper()
    // The SMS API refuses a request without a template (errcode 40097).
    expect(await smsService('').send({ purpose: 'join', phone, openid })).toMatchObject({
      ok: false,
      code: 'SMS_SEND_FAILED',
    })
    expect(JSON.stringify(errors.mock.calls)).not.toContain(phone)
    errors.mockRestore()
    expect(await env.counts()).toMatchObject({ sms_codes: 0 })
    expect(await smsService().send({ purpose: 'join', phone, openid })).toMatchObject({ ok: true })
  })
})

describe('verifying the code', () => {
  it('[4.2.1.1] locks the code after 5 wrong tries: even the right code is refused then', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    for (let i = 0; i < 4; i++)
      expect(await join(openid, wrong(code))).toMatchObject({ code: 'SMS_CODE_WRONG' })
    expect(await join(openid, wrong(code))).toMatchObject({ code: 'SMS_CODE_LOCKED', field: 'smsCode' })
    expect(await join(openid, code)).toMatchObject({ code: 'SMS_CODE_LOCKED' })
    expect(await env.counts()).toMatchObject({ members: 0 })
  })

  it('[4.2.1.1] lets a locked code be replaced at once: the answer says so, and the new code works', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    for (let i = 0; i < 4; i++) await join(openid, wrong(code))
    expect(await join(openid, wrong(code))).toEqual({
      ok: false,
      code: 'SMS_CODE_LOCKED',
      message: '验证码输错次数过多，已失效，请立即重新获取',
      field: 'smsCode',
      retryAfter: 0,
    })
    env.clock.advance(10_000)
    const fresh = await env.sendCode(openid)
    expect(await join(openid, fresh)).toMatchObject({ ok: true })
  })

  it('[4.2.1.1] accepts the right code on the 5th try', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    for (let i = 0; i < 4; i++) await join(openid, wrong(code))
    expect(await join(openid, code)).toMatchObject({ ok: true })
  })

  it('[4.2.1.1] counts simultaneous guesses: 30 parallel wrong codes get at most 5 comparisons', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    const guesses = Array.from({ length: 30 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    )
    const answers = await Promise.all(guesses.map((guess) => join(openid, guess)))
    expect(answers.every((a) => !a.ok)).toBe(true)
    expect(answers.filter((a) => !a.ok && a.code === 'SMS_CODE_WRONG').length).toBeLessThanOrEqual(5)
    const [doc] = await env.all('sms_codes')
    expect(doc.tries).toBe(5)
    expect(await join(openid, code)).toMatchObject({ code: 'SMS_CODE_LOCKED' })
  })

  it('[4.2.1.1] counts the try and consumes a right code in one write, reading nothing: a second use fails', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    let writes = 0
    let reads = 0
    env.cloud.onWire((action) => {
      if (action === 'database.modifyDocument') writes++
      if (action === 'database.getDocument') reads++
    })
    const service = smsService()
    expect(await service.verify({ purpose: 'join', phone, openid, code })).toEqual({
      ok: true,
      data: null,
    })
    expect([reads, writes]).toEqual([0, 1])
    const [doc] = await env.all('sms_codes')
    expect(doc).toMatchObject({ tries: 1, consumed: true })
    expect(await service.verify({ purpose: 'join', phone, openid, code })).toMatchObject({
      code: 'SMS_CODE_EXPIRED',
    })
  })

  it('[4.2.1.1] expires a code after 5 minutes', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    env.clock.advance(5 * 60_000 - 1)
    const service = smsService()
    expect(await service.verify({ purpose: 'join', phone, openid, code: wrong(code) })).toMatchObject({
      code: 'SMS_CODE_WRONG',
    })
    env.clock.advance(1)
    expect(await service.verify({ purpose: 'join', phone, openid, code })).toMatchObject({
      code: 'SMS_CODE_EXPIRED',
    })
  })

  it('[4.2.1.1] accepts a code once', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    const service = smsService()
    expect(await service.verify({ purpose: 'join', phone, openid, code })).toEqual({
      ok: true,
      data: null,
    })
    expect(await service.verify({ purpose: 'join', phone, openid, code })).toMatchObject({
      code: 'SMS_CODE_EXPIRED',
    })
  })
})
