import { inventoryField, JOIN_FIELDS } from '@/domain/identity/inventory'
import { joinSchema } from '@/domain/contracts/member'
import { fieldProblem } from '@/domain/input'
import { JOIN_FORM_FIELDS, type JoinFormField } from '@/domain/member/joinForm'
import { NOTICE_VERSION } from '@/domain/consent/purposes'

const TODAY = '2026-11-29'

const VALID: Record<JoinFormField, string> = {
  name: '张三',
  gender: 'female',
  province: '31',
  storeId: 'store-1',
  birthDate: '1990-05-20',
  phone: '13800001234',
  smsCode: '246810',
}

describe('join form fields', () => {
  it('[4.1.3] lists the inventory join fields with their labels and required flags, plus store and SMS code', () => {
    expect(JOIN_FORM_FIELDS.map((f) => f.key)).toEqual([
      'name',
      'gender',
      'province',
      'storeId',
      'birthDate',
      'phone',
      'smsCode',
    ])
    for (const key of JOIN_FIELDS) {
      const spec = JOIN_FORM_FIELDS.find((f) => f.key === key)
      expect(spec).toEqual({
        key,
        label: inventoryField(key).label,
        required: inventoryField(key).required,
        personal: true,
        maxLength: inventoryField(key).maxLength,
      })
    }
    expect(JOIN_FORM_FIELDS.filter((f) => !f.personal).map((f) => [f.key, f.required])).toEqual([
      ['storeId', true],
      ['smsCode', true],
    ])
  })

  it.each<[JoinFormField, string, string | undefined]>([
    ['name', '', 'NAME_REQUIRED'],
    ['name', '张', 'NAME_INVALID'],
    ['name', ' 张三 ', undefined],
    ['gender', '', undefined],
    ['gender', 'other', 'GENDER_INVALID'],
    ['province', '', undefined],
    ['province', '99', 'PROVINCE_INVALID'],
    ['storeId', '', 'STORE_REQUIRED'],
    ['storeId', '  ', 'STORE_REQUIRED'],
    ['birthDate', '', undefined],
    ['birthDate', '2026-11-30', 'BIRTH_DATE_FUTURE'],
    ['birthDate', '1990-02-30', 'BIRTH_DATE_INVALID'],
    ['phone', '', 'PHONE_REQUIRED'],
    ['phone', '1380000123', 'PHONE_INVALID'],
    ['phone', '12800001234', 'PHONE_INVALID'],
    ['smsCode', '', 'SMS_CODE_REQUIRED'],
    ['smsCode', '12345a', 'SMS_CODE_INVALID'],
  ])('[4.1.3] %s = %j → %s, as the join schema reports it', (key, value, expected) => {
    expect(fieldProblem(joinSchema, key, value, TODAY)).toBe(expected)
    const whole = joinSchema.parse(
      // The age declaration stands in for a birth date left out (L-5).
      { ...VALID, [key]: value, noticeVersion: NOTICE_VERSION, ageDeclared: true },
      { today: TODAY },
    )
    if (expected) expect(whole).toMatchObject({ ok: false, code: expected, field: key })
    else expect(whole.ok).toBe(true)
  })
})
