/**
 * The join request (4.2.1.1): shape, limits and field rules, checked the same way by the form
 * and by the member function. Store existence and the SMS code are checked on the server.
 */
import { fail, type Failure } from './errors'
import { inventoryField } from './inventory'
import { NOTICE_VERSION } from './purposes'
import {
  ageOn,
  checkBirthDate,
  checkGender,
  checkName,
  checkPhone,
  checkProvince,
  checkSmsCode,
  type Gender,
} from './validators'

export interface JoinInput {
  name: string
  gender?: Gender
  province?: string
  storeId: string
  birthDate?: string
  phone: string
  smsCode: string
  /** The notice version the shopper read and agreed to. */
  noticeVersion: number
}

/** Joining with a number from WeChat (`getPhoneNumber`) instead of phone + SMS code (L-11). */
export type JoinByPhoneCode = Omit<JoinInput, 'phone' | 'smsCode'> & { phoneCode: string }

export type JoinRequest = JoinInput | JoinByPhoneCode

const STORE_ID_MAX = 64
const PHONE_CODE_MAX = 128
const SMS_CODE_MAX = 16
/** Below this age (PIPL art. 28: under 14) a guardian must consent. */
export const MIN_SELF_CONSENT_AGE = 14

type Raw = Record<string, unknown>

/**
 * An optional text field: undefined when absent or blank, a failure when it is not a string or
 * longer than `max` once trimmed (padding a value with spaces is not an error).
 */
function text(raw: Raw, key: string, max: number): string | Failure | undefined {
  const value = raw[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') return fail('INVALID_ARGUMENT', key)
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (trimmed.length > max) return fail('FIELD_TOO_LONG', key)
  return trimmed
}

const isFailure = (v: unknown): v is Failure =>
  typeof v === 'object' && v !== null && (v as Failure).ok === false

/**
 * Validates an untrusted join request. `today` is the date in China, `YYYY-MM-DD`.
 * Unknown keys are ignored: identity never comes from the request.
 */
export function validateJoinInput(raw: unknown, today: string): { ok: true; value: JoinRequest } | Failure {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('INVALID_ARGUMENT')
  const r = raw as Raw

  if (r.noticeVersion === undefined || r.noticeVersion === null)
    return fail('CONSENT_REQUIRED', 'noticeVersion')
  if (typeof r.noticeVersion !== 'number' || !Number.isInteger(r.noticeVersion))
    return fail('INVALID_ARGUMENT', 'noticeVersion')
  if (r.noticeVersion !== NOTICE_VERSION) return fail('NOTICE_OUTDATED', 'noticeVersion')

  const name = text(r, 'name', inventoryField('name').maxLength)
  if (isFailure(name)) return name
  const nameError = checkName(name ?? '')
  if (nameError) return fail(nameError, 'name')

  const gender = text(r, 'gender', inventoryField('gender').maxLength)
  if (isFailure(gender)) return gender
  if (gender !== undefined && checkGender(gender)) return fail('GENDER_INVALID', 'gender')

  const province = text(r, 'province', inventoryField('province').maxLength)
  if (isFailure(province)) return province
  if (province !== undefined && checkProvince(province)) return fail('PROVINCE_INVALID', 'province')

  const storeId = text(r, 'storeId', STORE_ID_MAX)
  if (isFailure(storeId)) return storeId
  if (storeId === undefined) return fail('STORE_REQUIRED', 'storeId')

  const birthDate = text(r, 'birthDate', inventoryField('birthDate').maxLength)
  if (isFailure(birthDate)) return birthDate
  if (birthDate !== undefined) {
    const birthError = checkBirthDate(birthDate, today)
    if (birthError) return fail(birthError, 'birthDate')
  }

  // A phone from WeChat's getPhoneNumber button replaces phone + SMS code.
  if (r.phoneCode !== undefined && r.phoneCode !== null && (r.phone === undefined || r.phone === null)) {
    const phoneCode = text(r, 'phoneCode', PHONE_CODE_MAX)
    if (isFailure(phoneCode)) return phoneCode
    if (phoneCode === undefined) return fail('PHONE_REQUIRED', 'phone')
    const byCode: JoinByPhoneCode = {
      name: name as string,
      storeId,
      phoneCode,
      noticeVersion: r.noticeVersion,
    }
    if (gender !== undefined) byCode.gender = gender as Gender
    if (province !== undefined) byCode.province = province
    if (birthDate !== undefined) byCode.birthDate = birthDate
    return { ok: true, value: byCode }
  }

  const phone = text(r, 'phone', inventoryField('phone').maxLength)
  if (isFailure(phone)) return phone
  const phoneError = checkPhone(phone ?? '')
  if (phoneError) return fail(phoneError, 'phone')

  // A few characters of slack so that a mistyped code reads as invalid rather than too long.
  const smsCode = text(r, 'smsCode', SMS_CODE_MAX)
  if (isFailure(smsCode)) return smsCode
  const codeError = checkSmsCode(smsCode ?? '')
  if (codeError) return fail(codeError, 'smsCode')

  const value: JoinInput = {
    name: name as string,
    storeId,
    phone: phone as string,
    smsCode: smsCode as string,
    noticeVersion: r.noticeVersion,
  }
  if (gender !== undefined) value.gender = gender as Gender
  if (province !== undefined) value.province = province
  if (birthDate !== undefined) value.birthDate = birthDate
  return { ok: true, value }
}

/**
 * A member under 14 on `today` by birth date: held until a guardian consents (L-5, PIPL art. 31).
 */
export function needsGuardian(birthDate: string | undefined, today: string): boolean {
  return birthDate !== undefined && ageOn(birthDate, today) < MIN_SELF_CONSENT_AGE
}
