import type { IdentityDoc } from '../../cloudfunctions/common/identity'
import { ok } from '../../cloudfunctions/common/errors'
import type { SmsService } from '../../cloudfunctions/common/sms'
import type { Sealed } from '../../cloudfunctions/common/vault'
import { manifest } from '../../database/manifest'
import { DEMO_STORES } from '../../database/seed'
import { isValidMemberNo } from '../../src/domain/member/rules'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { createTestEnv, dataOf, shopper, START, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const HEX64 = /^[0-9a-f]{64}$/

/** Accepts any code: for tests of what happens after verification (the claims race). */
const anyCode: SmsService = {
  send: async () => ok({ expiresIn: 300, resendAfter: 60 }),
  verify: async () => ok(null),
}

describe('member.join: the happy path', () => {
  it('[4.2.1.1][4.1.2] creates a pseudonymous member, an encrypted identity and a consent receipt', async () => {
    const openid = shopper()
    const answer = await env.join(openid)
    expect(answer).toEqual({
      ok: true,
      data: {
        member: {
          memberNo: expect.any(String),
          tier: 'normal',
          tierLabel: '普通会员',
          points: 0,
          available: 0,
          pending: 0,
          name: '张*',
          phone: '138****5678',
          store: { id: DEMO_STORES.xuhui, name: '星湖购物中心·徐汇店', city: '上海市' },
          joinedAt: START,
          status: 'active',
          hasCard: false,
        },
      },
    })
    expect(await env.counts()).toMatchObject({
      members: 1,
      identities: 1,
      identity_index: 2,
      consent_receipts: 1,
    })

    const [member] = await env.all('members')
    expect(member).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{32}$/),
      memberNo: dataOf<{ member: { memberNo: string } }>(answer).member.memberNo,
      // Its last four digits, indexed: how the counter finds the member.
      memberNoTail: dataOf<{ member: { memberNo: string } }>(answer).member.memberNo.slice(-4),
      tier: 'normal',
      points: 0,
      storeId: DEMO_STORES.xuhui,
      gender: 'female',
      province: '31',
      channel: 'weapp',
      status: 'active',
      consents: { membership: { granted: true, noticeVersion: NOTICE_VERSION, at: new Date(START) } },
      joinedAt: new Date(START),
      // Keyed hashes of the birth date, for the birthday multiplier: never the date itself.
      birthdayMarks: { day: expect.stringMatching(HEX64), month: expect.stringMatching(HEX64) },
    })
    expect(isValidMemberNo(member.memberNo as string)).toBe(true)

    const [receipt] = await env.all('consent_receipts')
    expect(receipt).toMatchObject({
      memberId: member._id,
      purpose: 'membership',
      noticeVersion: NOTICE_VERSION,
      granted: true,
      at: new Date(START),
      channel: 'weapp',
    })
  })

  it('[4.1.3][L-3] joins with the necessary fields only', async () => {
    const { gender: _g, province: _p, birthDate: _b, ...necessary } = VALID_FORM
    expect(await env.join(shopper(), { ...necessary, ageDeclared: true })).toMatchObject({ ok: true })
    const [member] = await env.all('members')
    expect(member).not.toHaveProperty('gender')
    expect(member).not.toHaveProperty('province')
    const [identity] = (await env.all('identities')) as unknown as IdentityDoc[]
    expect(Object.keys(identity.fields).sort()).toEqual(['name', 'openid', 'phone'])
  })

  it('numbers members in sequence', async () => {
    const a = await env.join(shopper(), { ...VALID_FORM, phone: '13900000001' })
    const b = await env.join(shopper(), { ...VALID_FORM, phone: '13900000002' })
    const no = (x: typeof a) => dataOf<{ member: { memberNo: string } }>(x).member.memberNo
    expect(no(a)).toBe('800000000011')
    expect(Number(no(b).slice(1, 11))).toBe(2)
  })
})

describe('member.join: children (L-5)', () => {
  const { birthDate: _b, ...undated } = VALID_FORM

  it('[L-5] refuses a sign-up without a birth date and without the age declaration, writing nothing', async () => {
    const answer = await env.join(shopper(), undated)
    expect(answer).toMatchObject({
      ok: false,
      code: 'AGE_DECLARATION_REQUIRED',
      field: 'ageDeclared',
      message: expect.stringContaining('15周岁'),
    })
    expect(await env.counts()).toMatchObject({ members: 0, identities: 0, consent_receipts: 0 })
  })

  it('[L-5] records the age declaration in the receipt of a sign-up without a birth date', async () => {
    expect(await env.join(shopper(), { ...undated, ageDeclared: true })).toMatchObject({
      ok: true,
      data: { member: { status: 'active' } },
    })
    expect(await env.all('consent_receipts')).toEqual([
      expect.objectContaining({ purpose: 'membership', granted: true, ageDeclared: true }),
    ])
  })

  it('[L-5] leaves the declaration out of the receipt when the birth date decides', async () => {
    expect(await env.join(shopper(), { ...VALID_FORM, ageDeclared: true })).toMatchObject({ ok: true })
    const [receipt] = await env.all('consent_receipts')
    expect(receipt).not.toHaveProperty('ageDeclared')
  })

  it.each([
    ['turns 14 today', '2010-06-15', 'guardian_pending'],
    ['turns 15 tomorrow', '2009-06-16', 'guardian_pending'],
    ['turns 15 today', '2009-06-15', 'active'],
  ])('[L-5][3.2] holds a shopper who %s as %s', async (_case, birthDate, status) => {
    // START is 2024-06-15 in China.
    expect(await env.join(shopper(), { ...VALID_FORM, birthDate })).toMatchObject({
      ok: true,
      data: { member: { status } },
    })
  })
})

describe('member.join: member numbers from blocks', () => {
  it('gives every member a different number when two function instances sign up at once', async () => {
    // Two function instances, each with its own block of numbers from the same counter.
    const instances = [env.memberWith({ sms: anyCode }), env.memberWith({ sms: anyCode })]
    const answers = await Promise.all(
      instances.flatMap((call, s) =>
        Array.from({ length: 12 }, (_, i) =>
          call(shopper(), 'join', {
            ...VALID_FORM,
            phone: `1390000${s}${String(i).padStart(3, '0')}`,
            smsCode: '000000',
          }),
        ),
      ),
    )
    const numbers = answers.map((a) => dataOf<{ member: { memberNo: string } }>(a).member.memberNo)
    expect(numbers.every(isValidMemberNo)).toBe(true)
    expect(new Set(numbers).size).toBe(24)
    const stored = (await env.all('members')).map((m) => m.memberNo).sort()
    expect(stored).toEqual([...numbers].sort())
  })
})

describe('member.join: what is stored (5.1)', () => {
  it('[5.1] stores no plaintext phone or name in any collection', async () => {
    const openid = shopper()
    await env.join(openid, { ...VALID_FORM, name: '欧阳娜娜' })
    const dump = await env.dump()
    for (const secret of ['13812345678', '欧阳娜娜', '1990-05-17', openid]) expect(dump).not.toContain(secret)
    // Nor part of the name (Chinese characters cannot occur in base64 or hex by chance).
    expect(dump).not.toContain('欧阳')
  })

  it('[5.1][5.3] keeps identifiers in the identity document, encrypted and bound to the member', async () => {
    const openid = shopper()
    await env.join(openid)
    const [member] = await env.all('members')
    const [identity] = (await env.all('identities')) as unknown as IdentityDoc[]
    expect(identity._id).toBe(member._id)
    // The wrapped data key is in the key environment's store, never beside the ciphertexts.
    expect(identity).not.toHaveProperty('keyId')
    expect(identity).not.toHaveProperty('wrappedKey')
    const [key] = (await env.all('member_keys')).filter((k) => k.kind === 'member')
    expect(key).toMatchObject({ _id: member._id, kind: 'member', owner: member._id, keyId: 'k1' })
    expect(identity.phoneIndex).toBe(env.vault.blindIndex('phone', VALID_FORM.phone))
    expect(identity.openidIndex).toBe(env.vault.blindIndex('openid', openid))
    expect(Object.keys(identity.fields).sort()).toEqual(['birthDate', 'name', 'openid', 'phone'])

    const cipher = env.vault.openMemberKey(identity._id, {
      keyId: String(key.keyId),
      wrappedKey: key.wrappedKey as Sealed,
    })
    expect(cipher.decrypt('name', identity.fields.name!)).toBe('张三')
    expect(cipher.decrypt('phone', identity.fields.phone!)).toBe('13812345678')
    expect(cipher.decrypt('birthDate', identity.fields.birthDate!)).toBe('1990-05-17')
    // Swapping the name and phone ciphertexts does not yield the other field.
    expect(() => cipher.decrypt('name', identity.fields.phone!)).toThrow()

    const claims = await env.all('identity_index')
    expect(claims.map((c) => c._id).sort()).toEqual(
      [`openid:${identity.openidIndex}`, `phone:${identity.phoneIndex}`].sort(),
    )
    expect(claims.every((c) => c.memberId === member._id)).toBe(true)
  })

  it('[L-14][5.5] audits the write of personal information without naming the WeChat user', async () => {
    const openid = shopper()
    await env.join(openid)
    const [member] = await env.all('members')
    const log = await env.all('audit_log')
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'create',
          purpose: 'membership',
          memberId: member._id,
          fields: ['openid', 'name', 'phone', 'birthDate'],
          success: true,
          actor: `wx:${env.vault.keyedHash('actor', openid)}`,
        }),
        expect.objectContaining({
          action: 'create',
          fields: ['gender', 'province', 'memberNo', 'storeId', 'channel', 'birthdayMarks'],
          memberId: member._id,
        }),
      ]),
    )
    expect(JSON.stringify(log)).not.toContain(openid)
  })

  it("counts the sign-up's entries in the new member's first day document", async () => {
    const openid = shopper()
    await env.join(openid)
    const [member] = await env.all('members')
    const actor = `wx:${env.vault.keyedHash('actor', openid)}`
    const days = await env.all('audit_days')
    expect(days).toHaveLength(1)
    expect(days[0]).toMatchObject({
      _id: `${member._id}:2024-06-15`,
      memberId: member._id,
      day: '2024-06-15',
    })
    const [day] = await env.all('audit_days')
    expect(Object.values(day.rows as object)).toEqual(
      expect.arrayContaining([
        {
          actor,
          action: 'create',
          purpose: 'membership',
          fields: ['openid', 'name', 'phone', 'birthDate'],
          success: true,
          count: 1,
        },
        {
          actor,
          action: 'create',
          purpose: 'membership',
          fields: ['gender', 'province', 'memberNo', 'storeId', 'channel', 'birthdayMarks'],
          success: true,
          count: 1,
        },
      ]),
    )
    expect(Object.keys(day.rows as object)).toHaveLength(2)
  })
})

describe('member.join: joining twice', () => {
  it('[4.2.1.1] answers ALREADY_MEMBER to the same WeChat user and keeps one member', async () => {
    const openid = shopper()
    await env.join(openid)
    const before = await env.counts()
    expect(await env.call(openid, 'sendJoinCode', { phone: '13900000009' })).toMatchObject({
      ok: false,
      code: 'ALREADY_MEMBER',
    })
    expect(
      await env.call(openid, 'join', { ...VALID_FORM, phone: '13900000009', smsCode: '123456' }),
    ).toMatchObject({ ok: false, code: 'ALREADY_MEMBER', message: '您已是会员，无需重复申请' })
    expect(await env.counts()).toEqual(before)
  })

  it('[4.2.1.1] answers PHONE_TAKEN to another WeChat user with the same phone', async () => {
    await env.join(shopper())
    env.clock.advance(61_000)
    const before = await env.counts()
    const answer = await env.join(shopper())
    expect(answer).toMatchObject({ ok: false, code: 'PHONE_TAKEN', field: 'phone' })
    const after = await env.counts()
    // Only the SMS bookkeeping of the second attempt changed (its own code and counts).
    expect({ ...after, sms_quota: 0, sms_codes: 0 }).toEqual({ ...before, sms_quota: 0, sms_codes: 0 })
  })

  it('[4.2.1.1] consumes the code: the same code cannot be used again after PHONE_TAKEN', async () => {
    await env.join(shopper())
    env.clock.advance(61_000)
    const other = shopper()
    const code = await env.sendCode(other)
    expect(await env.call(other, 'join', { ...VALID_FORM, smsCode: code })).toMatchObject({
      code: 'PHONE_TAKEN',
    })
    expect(await env.call(other, 'join', { ...VALID_FORM, smsCode: code })).toMatchObject({
      code: 'SMS_CODE_EXPIRED',
      field: 'smsCode',
    })
  })

  it('[4.2.1.1][5.1] 20 concurrent joins with one phone from different WeChat users make exactly one member', async () => {
    const join = env.memberWith({ sms: anyCode })
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => join(shopper(), 'join', { ...VALID_FORM, smsCode: '000000' })),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(1)
    expect(answers.filter((a) => !a.ok && a.code === 'PHONE_TAKEN')).toHaveLength(19)
    expect(await env.counts()).toMatchObject({
      members: 1,
      identities: 1,
      identity_index: 2,
      consent_receipts: 1,
    })
  })

  it('[4.2.1.1] 20 concurrent joins by one WeChat user with different phones make exactly one member', async () => {
    const join = env.memberWith({ sms: anyCode })
    const openid = shopper()
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        join(openid, 'join', {
          ...VALID_FORM,
          phone: `139000000${String(i).padStart(2, '0')}`,
          smsCode: '000000',
        }),
      ),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(1)
    expect(answers.filter((a) => !a.ok && a.code === 'ALREADY_MEMBER')).toHaveLength(19)
    expect(await env.counts()).toMatchObject({
      members: 1,
      identities: 1,
      identity_index: 2,
      consent_receipts: 1,
    })
  })

  it('[4.2.1.1] a double-submitted form (20 calls, one code) makes exactly one member', async () => {
    const openid = shopper()
    const code = await env.sendCode(openid)
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => env.call(openid, 'join', { ...VALID_FORM, smsCode: code })),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(1)
    expect(
      answers.every(
        (a) => a.ok || ['SMS_CODE_EXPIRED', 'SMS_CODE_LOCKED', 'ALREADY_MEMBER'].includes(a.code),
      ),
    ).toBe(true)
    expect(await env.counts()).toMatchObject({
      members: 1,
      identities: 1,
      identity_index: 2,
      consent_receipts: 1,
    })
  })
})

describe('member.join: bad input writes nothing', () => {
  const huge = 'x'.repeat(200_000)
  type Case = [string, (code: string) => unknown, string, string | undefined]
  const cases: Case[] = [
    ['no data at all', () => undefined, 'CONSENT_REQUIRED', 'noticeVersion'],
    ['data that is not an object', () => ['张三'], 'INVALID_ARGUMENT', 'data'],
    [
      'no notice version (no consent)',
      (c) => ({ ...VALID_FORM, noticeVersion: undefined, smsCode: c }),
      'CONSENT_REQUIRED',
      'noticeVersion',
    ],
    [
      'an outdated notice',
      (c) => ({ ...VALID_FORM, noticeVersion: NOTICE_VERSION - 1, smsCode: c }),
      'NOTICE_OUTDATED',
      'noticeVersion',
    ],
    ['no name', (c) => ({ ...VALID_FORM, name: undefined, smsCode: c }), 'NAME_REQUIRED', 'name'],
    ['a malformed name', (c) => ({ ...VALID_FORM, name: 'Z', smsCode: c }), 'NAME_INVALID', 'name'],
    ['a huge name', (c) => ({ ...VALID_FORM, name: huge, smsCode: c }), 'FIELD_TOO_LONG', 'name'],
    [
      'a name that is an object',
      (c) => ({ ...VALID_FORM, name: { $gt: '' }, smsCode: c }),
      'INVALID_ARGUMENT',
      'name',
    ],
    ['an unknown gender', (c) => ({ ...VALID_FORM, gender: 'x', smsCode: c }), 'GENDER_INVALID', 'gender'],
    [
      'an unknown province',
      (c) => ({ ...VALID_FORM, province: '00', smsCode: c }),
      'PROVINCE_INVALID',
      'province',
    ],
    ['no store', (c) => ({ ...VALID_FORM, storeId: '', smsCode: c }), 'STORE_REQUIRED', 'storeId'],
    [
      'an unknown store',
      (c) => ({ ...VALID_FORM, storeId: 'store-nowhere', smsCode: c }),
      'STORE_UNKNOWN',
      'storeId',
    ],
    [
      'a closed store',
      (c) => ({ ...VALID_FORM, storeId: DEMO_STORES.closed, smsCode: c }),
      'STORE_UNKNOWN',
      'storeId',
    ],
    ['a huge store id', (c) => ({ ...VALID_FORM, storeId: huge, smsCode: c }), 'FIELD_TOO_LONG', 'storeId'],
    [
      'a store id that is a number',
      (c) => ({ ...VALID_FORM, storeId: 1, smsCode: c }),
      'INVALID_ARGUMENT',
      'storeId',
    ],
    [
      'a future birth date',
      (c) => ({ ...VALID_FORM, birthDate: '2024-06-16', smsCode: c }),
      'BIRTH_DATE_FUTURE',
      'birthDate',
    ],
    [
      'an impossible birth date',
      (c) => ({ ...VALID_FORM, birthDate: '1990-02-30', smsCode: c }),
      'BIRTH_DATE_INVALID',
      'birthDate',
    ],
    ['no phone', (c) => ({ ...VALID_FORM, phone: undefined, smsCode: c }), 'PHONE_REQUIRED', 'phone'],
    [
      'a malformed phone',
      (c) => ({ ...VALID_FORM, phone: '1381234567', smsCode: c }),
      'PHONE_INVALID',
      'phone',
    ],
    [
      'a phone that is a number',
      (c) => ({ ...VALID_FORM, phone: 13812345678, smsCode: c }),
      'INVALID_ARGUMENT',
      'phone',
    ],
    ['a huge phone', (c) => ({ ...VALID_FORM, phone: huge, smsCode: c }), 'FIELD_TOO_LONG', 'phone'],
    [
      'a name with a bidi override',
      (c) => ({ ...VALID_FORM, name: '张\u202e三', smsCode: c }),
      'TEXT_INVALID',
      'name',
    ],
    [
      'a field the inventory does not declare',
      (c) => ({ ...VALID_FORM, email: 'zhang@example.com', smsCode: c }),
      'INVALID_ARGUMENT',
      'email',
    ],
    ['no code', () => ({ ...VALID_FORM }), 'SMS_CODE_REQUIRED', 'smsCode'],
    ['a malformed code', () => ({ ...VALID_FORM, smsCode: '12a456' }), 'SMS_CODE_INVALID', 'smsCode'],
    [
      'a wrong code',
      (c) => ({ ...VALID_FORM, smsCode: c === '000000' ? '000001' : '000000' }),
      'SMS_CODE_WRONG',
      'smsCode',
    ],
    [
      'a code sent to another phone',
      (c) => ({ ...VALID_FORM, phone: '13900000000', smsCode: c }),
      'SMS_CODE_EXPIRED',
      'smsCode',
    ],
  ]

  it('[3.3] refuses a sign-up that carries a face image and stores nothing of it', async () => {
    const openid = shopper()
    const smsCode = await env.sendCode(openid)
    const before = await env.counts()
    const face = 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ'
    expect(await env.call(openid, 'join', { ...VALID_FORM, smsCode, faceImage: face })).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      field: 'faceImage',
    })
    expect(await env.counts()).toEqual(before)
    expect(await env.dump()).not.toContain('/9j/4AAQ')
  })

  it.each(cases)(
    '[4.2.1.1][4.1.3] refuses %s with %s and writes nothing',
    async (_case, input, code, field) => {
      const openid = shopper()
      const smsCode = await env.sendCode(openid)
      const before = await env.counts()
      const answer = await env.call(openid, 'join', input(smsCode))
      expect(answer).toEqual({
        ok: false,
        code,
        message: expect.stringMatching(/[\u4e00-\u9fa5]/),
        ...(field ? { field } : {}),
      })
      expect(await env.counts()).toEqual(before)
    },
  )

  it('[4.2.1.1] refuses an expired code and writes nothing', async () => {
    const openid = shopper()
    const smsCode = await env.sendCode(openid)
    env.clock.advance(5 * 60_000)
    const before = await env.counts()
    expect(await env.call(openid, 'join', { ...VALID_FORM, smsCode })).toMatchObject({
      code: 'SMS_CODE_EXPIRED',
    })
    expect(await env.counts()).toEqual(before)
  })

  it('[4.2.1.1] refuses a code that another WeChat user asked for', async () => {
    const smsCode = await env.sendCode(shopper())
    const before = await env.counts()
    expect(await env.call(shopper(), 'join', { ...VALID_FORM, smsCode })).toMatchObject({
      code: 'SMS_CODE_EXPIRED',
    })
    expect(await env.counts()).toEqual(before)
  })
})

describe('member.join: failures half-way', () => {
  it('[4.1.2] leaves nothing behind when a write fails after the claims', async () => {
    env.cloud.close()
    // Without the consent_receipts collection the receipt write fails (-502005), after the
    // claims, the member number and the identity were written.
    env = await createTestEnv({
      manifest: { collections: manifest.collections.filter((c) => c.name !== 'consent_receipts') },
    })
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const answer = await env.join(shopper())
    expect(answer).toEqual({ ok: false, code: 'INTERNAL', message: '系统繁忙，请稍后再试' })
    expect(await env.counts()).toMatchObject({ members: 0, identities: 0, identity_index: 0 })
    // The data key made for the identity went with it.
    expect((await env.all('member_keys')).filter((k) => k.kind === 'member')).toEqual([])
    const log = await env.all('audit_log')
    expect(log.map((e) => e.action).sort()).toEqual(['create', 'delete'])
    expect(errors).toHaveBeenCalledTimes(1)
    errors.mockRestore()
  })

  it('[4.2.1.1] takes over a claim abandoned by a sign-up that died, but not a fresh one', async () => {
    const join = env.memberWith({ sms: anyCode })
    const claimId = `phone:${env.vault.blindIndex('phone', VALID_FORM.phone)}`
    await env.db.collection('identity_index').add({
      data: { _id: claimId, kind: 'phone', memberId: 'died-half-way', at: new Date(env.clock.now()) },
    })
    const form = { ...VALID_FORM, smsCode: '000000' }
    expect(await join(shopper(), 'join', form)).toMatchObject({ ok: false, code: 'PHONE_TAKEN' })
    env.clock.advance(11 * 60_000)
    expect(await join(shopper(), 'join', form)).toMatchObject({ ok: true })
    expect(await env.counts()).toMatchObject({ members: 1, identity_index: 2 })
  })

  it('[4.2.1.1] lets the same WeChat user join at once after their sign-up died past its claims', async () => {
    const openid = shopper()
    // A sign-up that stops for good after taking its claims (the instance died there)…
    let resume: (n: number) => void = () => undefined
    const stalled = env.deps({
      sms: anyCode,
      memberNumbers: { next: () => new Promise<number>((resolve) => (resume = resolve)) },
    })
    const died = stalled.registration.create({
      caller: { openid },
      name: VALID_FORM.name,
      phone: VALID_FORM.phone,
      storeId: VALID_FORM.storeId,
      noticeVersion: NOTICE_VERSION,
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await env.counts()).toMatchObject({ identity_index: 2, members: 0 })
    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null } })
    // …and the same shopper, at once, with the same phone: a member.
    expect(await env.join(openid)).toMatchObject({ ok: true })
    expect(await env.call(openid, 'home')).toMatchObject({
      ok: true,
      data: { member: { phone: '138****5678' } },
    })

    // Were the first one alive after all, it gives up and leaves the new member alone.
    resume(999_999)
    expect(await died).toMatchObject({ ok: false, code: 'ALREADY_MEMBER' })
    expect(await env.counts()).toMatchObject({ members: 1, identities: 1, identity_index: 2 })
    expect(await env.call(openid, 'home')).toMatchObject({
      ok: true,
      data: { member: { phone: '138****5678' } },
    })
  })

  it('[4.2.1.1] still refuses another WeChat user the phone of a sign-up under way', async () => {
    const stalled = env.deps({
      sms: anyCode,
      memberNumbers: { next: () => new Promise<number>(() => undefined) },
    })
    void stalled.registration.create({
      caller: { openid: shopper() },
      name: VALID_FORM.name,
      phone: VALID_FORM.phone,
      storeId: VALID_FORM.storeId,
      noticeVersion: NOTICE_VERSION,
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await env.join(shopper())).toMatchObject({ ok: false, code: 'PHONE_TAKEN' })
  })
})
