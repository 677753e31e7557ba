import {
  bindCardSchema,
  changePhoneSchema,
  guardianConsentSchema,
  joinSchema,
  updateProfileSchema,
} from '@/domain/contracts/member'
import type { ErrorCode } from '@/domain/errors'
import { inventoryField } from '@/domain/identity/inventory'
import { fieldProblem, smsCode, type Schema } from '@/domain/input'

const TODAY = '2026-11-29'

describe('fieldProblem: one field of a form, checked by its schema', () => {
  it.each<[string, string, string, ErrorCode | undefined, Schema<unknown>]>([
    // A request may replace phone and SMS code by WeChat's phone code; a form asks for them.
    ['changePhone', 'phone', '', 'PHONE_REQUIRED', changePhoneSchema],
    ['changePhone', 'smsCode', ' ', 'SMS_CODE_REQUIRED', changePhoneSchema],
    ['changePhone', 'phone', '1380000123', 'PHONE_INVALID', changePhoneSchema],
    ['join', 'smsCode', '', 'SMS_CODE_REQUIRED', joinSchema],
    ['join', 'gender', '', undefined, joinSchema],
    ['bindCard', 'cardNo', '8800 1234 56', undefined, bindCardSchema],
    ['bindCard', 'cardNo', '88001234', 'CARD_NO_INVALID', bindCardSchema],
    ['bindCard', 'smsCode', '13579', 'SMS_CODE_INVALID', bindCardSchema],
    ['guardian', 'guardianName', '', 'NAME_REQUIRED', guardianConsentSchema],
    ['guardian', 'relation', '', 'GUARDIAN_RELATION_INVALID', guardianConsentSchema],
    ['guardian', 'relation', 'mother', undefined, guardianConsentSchema],
    ['updateProfile', 'email', '', undefined, updateProfileSchema],
    ['updateProfile', 'email', 'li@example', 'EMAIL_INVALID', updateProfileSchema],
  ])('should answer %s.%s = %j with %s', (_action, key, value, expected, schema) => {
    expect(fieldProblem(schema, key, value, TODAY)).toBe(expected)
  })

  it('should answer FIELD_TOO_LONG for an address longer than the data inventory allows', () => {
    const max = inventoryField('address').maxLength
    expect(fieldProblem(updateProfileSchema, 'address', '路'.repeat(max), TODAY)).toBeUndefined()
    expect(fieldProblem(updateProfileSchema, 'address', '路'.repeat(max + 1), TODAY)).toBe('FIELD_TOO_LONG')
  })

  it('should let a form take the 6 digits of an SMS code while a longer code still reads as invalid', () => {
    const field = smsCode()
    expect(field.maxLength).toBe(6)
    expect(field.parse('1234567', 'smsCode', { today: TODAY })).toMatchObject({
      ok: false,
      code: 'SMS_CODE_INVALID',
    })
  })
})
