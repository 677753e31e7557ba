import { joinSchema } from '@/domain/contracts/member'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { needsGuardian } from '@/domain/member/rules'

const today = '2024-06-15'
const valid = {
  name: '张三',
  gender: 'female',
  province: '31',
  storeId: 'store-xuhui',
  birthDate: '1990-05-17',
  phone: '13812345678',
  smsCode: '123456',
  noticeVersion: NOTICE_VERSION,
}
const parse = (input: unknown) => joinSchema.parse(input, { today })

describe('the join schema', () => {
  it('[4.2.1.1] accepts a complete form', () => {
    expect(parse(valid)).toEqual({ ok: true, data: valid })
  })

  it('[4.1.3][L-3] accepts the necessary fields only: gender, province and birth date are optional', () => {
    const { gender: _g, province: _p, birthDate: _b, ...rest } = valid
    const necessary = { ...rest, ageDeclared: true }
    expect(parse(necessary)).toEqual({ ok: true, data: necessary })
    expect(parse({ ...necessary, gender: '', province: '  ', birthDate: null })).toEqual({
      ok: true,
      data: necessary,
    })
  })

  it('[L-5] accepts a shopper who turns 14 today (the function holds them for a guardian)', () => {
    expect(parse({ ...valid, birthDate: '2010-06-15' })).toMatchObject({ ok: true })
  })

  it.each([
    ['no declaration', {}],
    ['a declaration not given', { ageDeclared: false }],
    ['a blank birth date', { birthDate: '' }],
  ])('[L-5] asks for the age declaration without a birth date: %s', (_case, extra) => {
    const { birthDate: _b, ...undated } = valid
    const result = parse({ ...undated, ...extra })
    expect(result).toMatchObject({ ok: false, code: 'AGE_DECLARATION_REQUIRED', field: 'ageDeclared' })
    if (!result.ok) expect(result.message).toContain('15周岁')
  })

  it('refuses an age declaration that is not a boolean', () => {
    const { birthDate: _b, ...undated } = valid
    expect(parse({ ...undated, ageDeclared: 'yes' })).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      field: 'ageDeclared',
    })
  })

  it('trims surrounding spaces', () => {
    const result = parse({ ...valid, name: ' 张三 ', phone: ' 13812345678 ' })
    expect(result).toMatchObject({ ok: true, data: { name: '张三', phone: '13812345678' } })
  })

  it.each(['openid', 'memberId', 'userInfo', 'email', 'address'])(
    '[4.1.1] refuses a field the join form does not declare: %s',
    (field) => {
      expect(parse({ ...valid, [field]: 'x' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', field })
    },
  )

  it('[3.3] refuses a sign-up that carries a face image', () => {
    expect(parse({ ...valid, faceImage: 'data:image/jpeg;base64,/9j/4AAQ' })).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      field: 'faceImage',
    })
  })

  it.each<[string, unknown, string, string | undefined]>([
    ['not an object', 'name=张三', 'INVALID_ARGUMENT', undefined],
    ['null', null, 'INVALID_ARGUMENT', undefined],
    ['an array', [valid], 'INVALID_ARGUMENT', undefined],
    ['no notice version', { ...valid, noticeVersion: undefined }, 'CONSENT_REQUIRED', 'noticeVersion'],
    ['a string notice version', { ...valid, noticeVersion: '1' }, 'INVALID_ARGUMENT', 'noticeVersion'],
    [
      'an outdated notice',
      { ...valid, noticeVersion: NOTICE_VERSION - 1 },
      'NOTICE_OUTDATED',
      'noticeVersion',
    ],
    ['no name', { ...valid, name: undefined }, 'NAME_REQUIRED', 'name'],
    ['a blank name', { ...valid, name: '   ' }, 'NAME_REQUIRED', 'name'],
    ['a one-character name', { ...valid, name: '张' }, 'NAME_INVALID', 'name'],
    ['a numeric name', { ...valid, name: 12345 }, 'INVALID_ARGUMENT', 'name'],
    ['a huge name', { ...valid, name: '张'.repeat(100_000) }, 'FIELD_TOO_LONG', 'name'],
    ['an object as name', { ...valid, name: { $ne: '' } }, 'INVALID_ARGUMENT', 'name'],
    ['a name with a NUL', { ...valid, name: '张\u0000三' }, 'TEXT_INVALID', 'name'],
    ['a name with a bidi override', { ...valid, name: '张\u202e三' }, 'TEXT_INVALID', 'name'],
    ['an unknown gender', { ...valid, gender: 'x' }, 'GENDER_INVALID', 'gender'],
    ['an unknown province', { ...valid, province: '99' }, 'PROVINCE_INVALID', 'province'],
    ['no store', { ...valid, storeId: undefined }, 'STORE_REQUIRED', 'storeId'],
    ['a huge store id', { ...valid, storeId: 's'.repeat(65) }, 'FIELD_TOO_LONG', 'storeId'],
    ['a numeric store id', { ...valid, storeId: 7 }, 'INVALID_ARGUMENT', 'storeId'],
    ['a future birth date', { ...valid, birthDate: '2024-06-16' }, 'BIRTH_DATE_FUTURE', 'birthDate'],
    ['an impossible birth date', { ...valid, birthDate: '1990-02-30' }, 'BIRTH_DATE_INVALID', 'birthDate'],
    ['no phone', { ...valid, phone: '' }, 'PHONE_REQUIRED', 'phone'],
    ['a malformed phone', { ...valid, phone: '1381234567' }, 'PHONE_INVALID', 'phone'],
    ['a phone as number', { ...valid, phone: 13812345678 }, 'INVALID_ARGUMENT', 'phone'],
    ['a huge phone', { ...valid, phone: '1'.repeat(1000) }, 'FIELD_TOO_LONG', 'phone'],
    ['no code', { ...valid, smsCode: undefined }, 'SMS_CODE_REQUIRED', 'smsCode'],
    ['a short code', { ...valid, smsCode: '12345' }, 'SMS_CODE_INVALID', 'smsCode'],
    ['a seven-digit code', { ...valid, smsCode: '1234567' }, 'SMS_CODE_INVALID', 'smsCode'],
    ['a numeric code', { ...valid, smsCode: 123456 }, 'INVALID_ARGUMENT', 'smsCode'],
  ])('[4.2.1.1] refuses %s with %s', (_case, input, code, field) => {
    const result = parse(input)
    expect(result.ok).toBe(false)
    expect(result).toMatchObject({ code, ...(field ? { field } : {}) })
    if (!result.ok) expect(result.message).toMatch(/[\u4e00-\u9fa5]/)
  })
})

describe('needsGuardian', () => {
  it.each<[string | undefined, boolean]>([
    ['2010-06-16', true],
    ['2010-06-15', true],
    ['2009-06-16', true],
    ['2009-06-15', false],
    ['1990-01-01', false],
    [undefined, false],
  ])('[L-5][3.2] says a member born %s needs a guardian on 2024-06-15: %s', (birthDate, expected) => {
    expect(needsGuardian(birthDate, '2024-06-15')).toBe(expected)
  })
})

describe('joining with a WeChat phone code', () => {
  it('[L-11] accepts phoneCode instead of phone and SMS code', () => {
    const { phone: _p, smsCode: _s, ...rest } = valid
    expect(parse({ ...rest, phoneCode: 'wx-code_1' })).toMatchObject({
      ok: true,
      data: { phoneCode: 'wx-code_1', name: valid.name },
    })
  })
})
