import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import type { Profile } from '../../src/domain/member/model'
import type { MemberHome } from '../../src/domain/member/model'
import { DEMO_STORES } from '../../database/seed'
import { createTestEnv, dataOf, shopper, START, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const profileOf = (answer: unknown) => dataOf<{ profile: Profile }>(answer as never).profile
// 1990-05-17, matching VALID_FORM's birth date; check character computed by MOD 11-2.
const ID_1990 = '110105199005170011'

describe('member.profile', () => {
  it('[L-7][L-8] shows the member their own data in clear, as an audited read under membership', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const before = new Set((await env.all('audit_log')).map((entry) => entry._id))
    expect(profileOf(await env.call(openid, 'profile'))).toEqual({
      memberNo: '800000000011',
      status: 'active',
      name: '张三',
      phone: VALID_FORM.phone,
      gender: 'female',
      province: '31',
      birthDate: '1990-05-17',
      address: null,
      email: null,
      idNumber: null,
      idNumberConsent: false,
      store: { id: VALID_FORM.storeId, name: '星湖购物中心·徐汇店', city: '上海市' },
      card: null,
      source: null,
      channel: 'weapp',
      joinedAt: START,
    })
    const log = (await env.all('audit_log')).filter((entry) => !before.has(entry._id))
    expect(log).toEqual([
      expect.objectContaining({ action: 'read', purpose: 'membership', memberId, success: true }),
    ])
  })
})

describe('member.profile: the audit log', () => {
  it('[L-14][5.5][6.1.1] audits each read of the identity under the membership purpose', async () => {
    const openid = shopper()
    await env.join(openid)
    const [member] = await env.all('members')
    const before = (await env.all('audit_log')).length
    env.clock.advance(60_000)
    await env.call(openid, 'profile')
    const log = await env.all('audit_log')
    expect(log).toHaveLength(before + 1)
    const newest = log.filter((entry) => (entry.at as Date).getTime() > Date.parse(START))
    expect(newest).toHaveLength(1)
    expect(newest[0]).toEqual({
      _id: expect.any(String),
      at: new Date(Date.parse(START) + 60_000),
      actor: `wx:${env.vault.keyedHash('actor', openid)}`,
      action: 'read',
      purpose: 'membership',
      memberId: member._id,
      fields: ['name', 'phone', 'birthDate', 'address', 'email', 'cardNo'],
      success: true,
      chain: expect.stringMatching(/^c\d{10}$/),
      seq: expect.any(Number),
      prev: expect.any(String),
      prevAt: expect.any(Date),
      salt: expect.any(String),
      mac: expect.stringMatching(/^[\w-]{43}$/),
    })
  })
})

describe('member.updateProfile', () => {
  it('[4.2.1.1][5.1] sets and removes address and e-mail, stored encrypted', async () => {
    const openid = shopper()
    await env.member(openid)
    const set = profileOf(
      await env.call(openid, 'updateProfile', {
        address: '上海市徐汇区漕溪北路1号',
        email: 'zhang@example.com',
      }),
    )
    expect(set).toMatchObject({ address: '上海市徐汇区漕溪北路1号', email: 'zhang@example.com' })
    const dump = await env.dump()
    expect(dump).not.toContain('漕溪北路')
    expect(dump).not.toContain('zhang@example.com')
    const cleared = profileOf(await env.call(openid, 'updateProfile', { address: null, email: '' }))
    expect(cleared).toMatchObject({ address: null, email: null })
    const [identity] = await env.all('identities')
    expect(Object.keys(identity.fields as object).sort()).toEqual(['birthDate', 'name', 'openid', 'phone'])
  })

  it('[L-4][3.2] takes an ID number only under its separate consent, never required, and shows it only while consented', async () => {
    const openid = shopper()
    await env.member(openid)
    expect(await env.call(openid, 'updateProfile', { idNumber: ID_1990 })).toMatchObject({
      code: 'PURPOSE_CONSENT_REQUIRED',
      field: 'idNumber',
    })
    await env.grant(openid, 'idNumber')
    expect(profileOf(await env.call(openid, 'updateProfile', { idNumber: ID_1990 }))).toMatchObject({
      idNumber: ID_1990,
      idNumberConsent: true,
    })
    expect(await env.dump()).not.toContain(ID_1990)
    // Withdrawing the consent deletes the number (L-6).
    await env.call(openid, 'setConsent', { purpose: 'idNumber', granted: false })
    const [identity] = await env.all('identities')
    expect(identity.fields).not.toHaveProperty('idNumber')
    expect(profileOf(await env.call(openid, 'profile'))).toMatchObject({
      idNumber: null,
      idNumberConsent: false,
    })
  })

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a wrong check character', { idNumber: '110105199005170012' }, 'ID_NUMBER_INVALID', 'idNumber'],
    ['an impossible date', { idNumber: '110105194902300020' }, 'ID_NUMBER_INVALID', 'idNumber'],
    [
      'a birth date other than the profile’s',
      { idNumber: '11010519491231002X' },
      'ID_NUMBER_BIRTH_MISMATCH',
      'idNumber',
    ],
    ['a malformed e-mail', { email: 'zhang@' }, 'EMAIL_INVALID', 'email'],
    ['removing the name (required)', { name: null }, 'NAME_REQUIRED', 'name'],
    ['a blank name', { name: '  ' }, 'NAME_REQUIRED', 'name'],
    ['a name with digits', { name: '李四4' }, 'NAME_INVALID', 'name'],
    ['a gender outside the list', { gender: 'other' }, 'GENDER_INVALID', 'gender'],
    ['an unknown province code', { province: '99' }, 'PROVINCE_INVALID', 'province'],
    ['an impossible birth date', { birthDate: '1990-02-30' }, 'BIRTH_DATE_INVALID', 'birthDate'],
    ['a birth date in the future', { birthDate: '2030-01-01' }, 'BIRTH_DATE_FUTURE', 'birthDate'],
    [
      'a birth date that makes the member a child',
      { birthDate: '2014-01-01' },
      'GUARDIAN_CONSENT_REQUIRED',
      'birthDate',
    ],
    ['removing the service store (required)', { storeId: null }, 'STORE_REQUIRED', 'storeId'],
    ['a closed store', { storeId: DEMO_STORES.closed }, 'STORE_UNKNOWN', 'storeId'],
    ['a store that does not exist', { storeId: 'store-nowhere' }, 'STORE_UNKNOWN', 'storeId'],
    [
      'a correct name beside a closed store',
      { name: '李四', storeId: DEMO_STORES.closed },
      'STORE_UNKNOWN',
      'storeId',
    ],
    ['a huge address', { address: '路'.repeat(500) }, 'FIELD_TOO_LONG', 'address'],
    ['an address that is an object', { address: { $set: 1 } }, 'INVALID_ARGUMENT', 'address'],
    ['an address with a NUL', { address: '上海市\u0000徐汇区' }, 'TEXT_INVALID', 'address'],
    ['an address with a bidi override', { address: '上海市\u202e区汇徐' }, 'TEXT_INVALID', 'address'],
    ['an address with a zero-width space', { address: '上海市\u200b徐汇区' }, 'TEXT_INVALID', 'address'],
    ['an e-mail with a lone surrogate', { email: 'a\ud800@example.com' }, 'TEXT_INVALID', 'email'],
    [
      'a field the profile does not have',
      { faceImage: 'data:image/png;base64,iVBOR' },
      'INVALID_ARGUMENT',
      'faceImage',
    ],
  ])('[4.2.1.1] refuses %s with %s and writes nothing', async (_case, data, code, field) => {
    const openid = shopper()
    await env.member(openid)
    await env.grant(openid, 'idNumber')
    // Reads made for the checks are audited (entries and their day counts); nothing else may change.
    const withoutAudit = async () => ({
      ...JSON.parse(await env.dump()),
      audit_log: [],
      audit_days: [],
      audit_chains: [],
    })
    const before = await withoutAudit()
    expect(await env.call(openid, 'updateProfile', { email: 'ok@example.com', ...data })).toMatchObject({
      ok: false,
      code,
      field,
    })
    expect(await withoutAudit()).toEqual(before)
  })
})

describe('member.updateProfile: correcting and removing each item', () => {
  /** Audit entries written after `before` (a set of ids). */
  const newEntries = async (before: Set<string>) =>
    (await env.all('audit_log')).filter((entry) => !before.has(entry._id))
  const auditIds = async () => new Set((await env.all('audit_log')).map((entry) => entry._id))

  // Each update entry's fields: a birth date's marks on the member record are an entry of their own.
  it.each<[string, Record<string, unknown>, Partial<Profile>, string[][]]>([
    ['the name', { name: '李四' }, { name: '李四' }, [['name']]],
    ['the gender', { gender: 'male' }, { gender: 'male' }, [['gender']]],
    ['the province', { province: '11' }, { province: '11' }, [['province']]],
    [
      'the birth date',
      { birthDate: '1991-06-18' },
      { birthDate: '1991-06-18' },
      [['birthDate'], ['birthdayMarks']],
    ],
    [
      'the service store',
      { storeId: DEMO_STORES.pudong },
      { store: expect.objectContaining({ id: DEMO_STORES.pudong }) as Profile['store'] },
      [['storeId']],
    ],
  ])('[L-8] corrects %s, audited, and a retry writes nothing more', async (_item, data, shown, entries) => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const before = await auditIds()
    expect(profileOf(await env.call(openid, 'updateProfile', data))).toMatchObject(shown)
    expect(profileOf(await env.call(openid, 'profile'))).toMatchObject(shown)
    const updates = (await newEntries(before)).filter((entry) => entry.action === 'update')
    expect(updates).toEqual(
      entries.map((fields) =>
        expect.objectContaining({ purpose: 'membership', memberId, fields, success: true }),
      ),
    )
    // Identity items stay encrypted.
    if ('name' in data) expect(await env.dump()).not.toContain('李四')
    const [identity] = await env.all('identities')
    const [member] = await env.all('members')
    const again = await auditIds()
    expect(profileOf(await env.call(openid, 'updateProfile', data))).toMatchObject(shown)
    expect((await newEntries(again)).filter((entry) => entry.action === 'update')).toEqual([])
    expect((await env.all('identities'))[0].rev).toBe(identity.rev)
    expect((await env.all('members'))[0]).toEqual(member)
  })

  it.each<[string, 'gender' | 'province' | 'birthDate', 'members' | 'identities']>([
    ['gender', 'gender', 'members'],
    ['province', 'province', 'members'],
    ['birth date', 'birthDate', 'identities'],
  ])('[7.2][L-8] removes the optional %s, audited', async (_item, key, collection) => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const before = await auditIds()
    expect(profileOf(await env.call(openid, 'updateProfile', { [key]: null }))[key]).toBeNull()
    const [doc] = await env.all(collection)
    expect(collection === 'members' ? doc : doc.fields).not.toHaveProperty(key)
    expect(await newEntries(before)).toContainEqual(
      expect.objectContaining({ action: 'update', purpose: 'membership', memberId, fields: [key] }),
    )
  })

  it('[L-8] refuses a birth date that disagrees with the ID number on file', async () => {
    const openid = shopper()
    await env.member(openid)
    await env.grant(openid, 'idNumber')
    await env.call(openid, 'updateProfile', { idNumber: ID_1990 })
    expect(await env.call(openid, 'updateProfile', { birthDate: '1991-06-18' })).toMatchObject({
      code: 'ID_NUMBER_BIRTH_MISMATCH',
      field: 'birthDate',
    })
    // Both together, agreeing, are one correction.
    const both = { birthDate: '1949-12-31', idNumber: '11010519491231002X' }
    expect(profileOf(await env.call(openid, 'updateProfile', both))).toMatchObject(both)
  })
})

describe('changing the phone', () => {
  it('[4.2.1.1][5.1] re-verifies the new phone by SMS and moves the blind index and its claim', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const code = await env.codeVia(openid, 'sendPhoneCode', { phone: '13900000009' }, '13900000009')
    expect(
      profileOf(await env.call(openid, 'changePhone', { phone: '13900000009', smsCode: code })).phone,
    ).toBe('13900000009')
    const claims = await env.all('identity_index')
    expect(claims.map((c) => c._id)).toContain(`phone:${env.vault.blindIndex('phone', '13900000009')}`)
    expect(claims.map((c) => c._id)).not.toContain(`phone:${env.vault.blindIndex('phone', VALID_FORM.phone)}`)
    const [identity] = await env.all('identities')
    expect(identity.phoneIndex).toBe(env.vault.blindIndex('phone', '13900000009'))
    // The old phone is free for someone else; the new one is this member's.
    env.clock.advance(61_000)
    expect(await env.join(shopper())).toMatchObject({ ok: true })
    expect(memberId).toBe(await env.memberIdOf(openid))
  })

  it('[L-11] changes the phone with WeChat’s getPhoneNumber code, exchanged in the function', async () => {
    const openid = shopper()
    await env.member(openid)
    env.cloud.setPhoneNumber('13900000010', 'wx-phone-code-1')
    expect(profileOf(await env.call(openid, 'changePhone', { phoneCode: 'wx-phone-code-1' })).phone).toBe(
      '13900000010',
    )
    // The code is single-use.
    expect(await env.call(openid, 'changePhone', { phoneCode: 'wx-phone-code-1' })).toMatchObject({
      code: 'PHONE_CODE_INVALID',
    })
  })

  it('[4.2.1.1] refuses a phone held by another member with PHONE_TAKEN and the same phone with PHONE_UNCHANGED', async () => {
    const openid = shopper()
    await env.member(openid)
    await env.member(shopper(), { ...VALID_FORM, phone: '13900000001' })
    expect(await env.call(openid, 'sendPhoneCode', { phone: VALID_FORM.phone })).toMatchObject({
      code: 'PHONE_UNCHANGED',
    })
    const code = await env.codeVia(openid, 'sendPhoneCode', { phone: '13900000001' }, '13900000001')
    expect(await env.call(openid, 'changePhone', { phone: '13900000001', smsCode: code })).toMatchObject({
      code: 'PHONE_TAKEN',
    })
    expect(profileOf(await env.call(openid, 'profile')).phone).toBe(VALID_FORM.phone)
  })

  it('[4.2.1.1] a join code does not change the phone: codes are bound to their purpose', async () => {
    const openid = shopper()
    await env.member(openid)
    const other = shopper()
    const joinCode = await env.sendCode(other, '13900000002')
    expect(await env.call(openid, 'changePhone', { phone: '13900000002', smsCode: joinCode })).toMatchObject({
      code: 'SMS_CODE_EXPIRED',
    })
  })
})

describe('SMS limits on every action that sends a code', () => {
  type Setup = (openid: string) => Promise<void>
  const joined: Setup = async (openid) => {
    await env.member(openid)
  }
  const none: Setup = async () => undefined
  const child: Setup = async (openid) => {
    await env.member(openid, { ...VALID_FORM, birthDate: '2014-01-01' })
  }
  const cases: [string, Setup, (phone: string) => Record<string, unknown>][] = [
    ['sendJoinCode', none, (phone) => ({ phone })],
    ['sendPhoneCode', joined, (phone) => ({ phone })],
    ['sendGuardianCode', child, (phone) => ({ phone })],
  ]

  it.each(cases)(
    '[4.2.1.1][L-11] %s: 6 digits, resend after 60 s, 10 a day per WeChat user',
    async (action, setup, data) => {
      const openid = shopper()
      await setup(openid)
      env.clock.advance(61_000)
      const first = await env.codeVia(openid, action, data('13600000000'), '13600000000')
      expect(first).toMatch(/^\d{6}$/)
      expect(await env.call(openid, action, data('13600000000'))).toMatchObject({
        code: 'SMS_RESEND_TOO_SOON',
      })
      const used = env.cloud.outbox.list({ kind: 'sms' }).length
      for (let i = used; i < 10; i++)
        await env.codeVia(openid, action, data(`1360000001${i}`), `1360000001${i}`)
      expect(await env.call(openid, action, data('13600000099'))).toMatchObject({ code: 'SMS_DAILY_LIMIT' })
    },
  )

  it('[4.2.1.1] locks a phone-change code after 5 wrong tries', async () => {
    const openid = shopper()
    await env.member(openid)
    const code = await env.codeVia(openid, 'sendPhoneCode', { phone: '13900000009' }, '13900000009')
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 4; i++)
      expect(await env.call(openid, 'changePhone', { phone: '13900000009', smsCode: wrong })).toMatchObject({
        code: 'SMS_CODE_WRONG',
      })
    expect(await env.call(openid, 'changePhone', { phone: '13900000009', smsCode: wrong })).toMatchObject({
      code: 'SMS_CODE_LOCKED',
    })
    expect(await env.call(openid, 'changePhone', { phone: '13900000009', smsCode: code })).toMatchObject({
      code: 'SMS_CODE_LOCKED',
    })
  })
})

describe('joining with getPhoneNumber', () => {
  it('[L-11][4.2.1.1] joins with the number WeChat gives for the code, no SMS', async () => {
    const openid = shopper()
    env.cloud.setPhoneNumber('13900000011', 'join-code')
    const { phone: _p, ...form } = VALID_FORM
    const answer = await env.call(openid, 'join', { ...form, phoneCode: 'join-code' })
    expect(answer).toMatchObject({ ok: true, data: { member: { phone: '139****0011' } } })
    expect(env.cloud.outbox.list({ kind: 'sms' })).toHaveLength(0)
    expect(await env.call(shopper(), 'join', { ...form, phoneCode: 'join-code' })).toMatchObject({
      code: 'PHONE_CODE_INVALID',
    })
  })
})

describe('a member under 14 (L-5)', () => {
  const CHILD = { ...VALID_FORM, birthDate: '2014-01-01' }

  it('[L-5][3.2] is created guardian_pending with only what is needed: no consent, no gender, no province', async () => {
    const openid = shopper()
    const answer = await env.join(openid, CHILD)
    expect(answer).toMatchObject({ ok: true, data: { member: { status: 'guardian_pending', points: 0 } } })
    const [member] = await env.all('members')
    expect(member).toMatchObject({ status: 'guardian_pending', consents: {} })
    expect(member).not.toHaveProperty('gender')
    expect(member).not.toHaveProperty('province')
    expect(await env.all('consent_receipts')).toEqual([])
  })

  it.each([
    'bindPlate',
    'setConsent',
    'updateProfile',
    'changePhone',
    'sendPhoneCode',
    'plates',
    'sendCardCode',
  ])('[L-5] refuses %s with GUARDIAN_PENDING until the guardian consents', async (action) => {
    const openid = shopper()
    await env.join(openid, CHILD)
    const before = await env.counts()
    expect(
      await env.call(openid, action, {
        plate: '京A12345',
        purpose: 'marketing',
        granted: true,
        noticeVersion: NOTICE_VERSION,
        email: 'a@example.com',
        phone: '13900000001',
        cardNo: '6200000000000001',
      }),
    ).toMatchObject({ ok: false, code: 'GUARDIAN_PENDING' })
    expect({ ...(await env.counts()), audit_log: 0 }).toEqual({ ...before, audit_log: 0 })
  })

  it('[L-5][4.1.2] becomes active once a guardian with an SMS-verified phone consents, with its own receipt', async () => {
    const openid = shopper()
    await env.join(openid, CHILD)
    env.clock.advance(61_000)
    const code = await env.codeVia(openid, 'sendGuardianCode', { phone: '13900000020' }, '13900000020')
    const answer = await env.call(openid, 'recordGuardianConsent', {
      guardianName: '张大山',
      relation: 'father',
      phone: '13900000020',
      smsCode: code,
      noticeVersion: NOTICE_VERSION,
    })
    expect(dataOf<{ member: MemberHome }>(answer).member.status).toBe('active')
    expect(await env.all('consent_receipts')).toEqual([
      expect.objectContaining({ purpose: 'membership', granted: true, givenBy: 'guardian' }),
    ])
    expect(await env.dump()).not.toContain('张大山')
    expect(await env.call(openid, 'recordGuardianConsent', {})).toMatchObject({ code: 'GUARDIAN_NOT_NEEDED' })
    const exported = await env.call(openid, 'exportData')
    expect(exported).toMatchObject({
      data: { export: { guardian: { name: '张大山', relation: 'father', phone: '13900000020' } } },
    })
  })

  it.each<[string, Record<string, unknown>, string]>([
    ['no notice', { noticeVersion: undefined }, 'CONSENT_REQUIRED'],
    ['an unknown relation', { relation: 'uncle' }, 'GUARDIAN_RELATION_INVALID'],
    ['a malformed guardian name', { guardianName: 'x' }, 'NAME_INVALID'],
    ['a wrong code', { smsCode: '000000' }, 'SMS_CODE_EXPIRED'],
  ])('[L-5] refuses a guardian consent with %s (%s)', async (_case, data, code) => {
    const openid = shopper()
    await env.join(openid, CHILD)
    const input = {
      guardianName: '张大山',
      relation: 'mother',
      phone: '13900000020',
      smsCode: '123456',
      noticeVersion: NOTICE_VERSION,
      ...data,
    }
    expect(await env.call(openid, 'recordGuardianConsent', input)).toMatchObject({ ok: false, code })
    expect(await env.all('members')).toEqual([expect.objectContaining({ status: 'guardian_pending' })])
  })

  it('[L-5] answers GUARDIAN_NOT_NEEDED to an adult member', async () => {
    const openid = shopper()
    await env.member(openid)
    expect(await env.call(openid, 'sendGuardianCode', { phone: '13900000020' })).toMatchObject({
      code: 'GUARDIAN_NOT_NEEDED',
    })
  })
})
