/**
 * One validator per rule, used by pages and functions alike. Each returns the error code of
 * the first problem, or undefined when the value is acceptable.
 */
import type { ErrorCode } from '../errors'
import { parseIsoDate } from '../dates'
import { provinceName } from './regions'

export type Check = ErrorCode | undefined

const MOBILE = /^1[3-9]\d{9}$/
const CHINESE_NAME = /^[\u4e00-\u9fa5]+(?:[·•][\u4e00-\u9fa5]+)*$/
const LATIN_NAME = /^[A-Za-z]+(?:[ .'-][A-Za-z]+)*$/
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/

export type Gender = 'male' | 'female'
export const GENDERS: readonly { value: Gender; label: string }[] = [
  { value: 'female', label: '女' },
  { value: 'male', label: '男' },
]

export function checkPhone(value: string): Check {
  if (value === '') return 'PHONE_REQUIRED'
  return MOBILE.test(value) ? undefined : 'PHONE_INVALID'
}

export function checkName(value: string): Check {
  const name = value.trim()
  if (name === '') return 'NAME_REQUIRED'
  if (CHINESE_NAME.test(name))
    return name.replace(/[·•]/g, '').length >= 2 && name.length <= 20 ? undefined : 'NAME_INVALID'
  if (LATIN_NAME.test(name)) return name.length >= 2 && name.length <= 40 ? undefined : 'NAME_INVALID'
  return 'NAME_INVALID'
}

export function checkGender(value: string): Check {
  return value === 'male' || value === 'female' ? undefined : 'GENDER_INVALID'
}

export function checkProvince(code: string): Check {
  return provinceName(code) ? undefined : 'PROVINCE_INVALID'
}

/** `today` is the calendar date in China (UTC+8), `YYYY-MM-DD`; ISO dates compare as strings. */
export function checkBirthDate(value: string, today: string): Check {
  const parsed = parseIsoDate(value)
  if (!parsed || parsed.y < 1900) return 'BIRTH_DATE_INVALID'
  return value > today ? 'BIRTH_DATE_FUTURE' : undefined
}

/** The digits of an SMS verification code. */
export const SMS_CODE_LENGTH = 6
const SMS_CODE = new RegExp(`^\\d{${SMS_CODE_LENGTH}}$`)

export function checkSmsCode(value: string): Check {
  if (value === '') return 'SMS_CODE_REQUIRED'
  return SMS_CODE.test(value) ? undefined : 'SMS_CODE_INVALID'
}

export function checkEmail(value: string): boolean {
  return value.length <= 100 && EMAIL.test(value)
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** Resident identity number, GB 11643-1999: 17 digits (area, real birth date, sequence) + ISO 7064 MOD 11-2. */
export function isValidIdNumber(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`
  if (!parseIsoDate(birth) || Number(value.slice(6, 10)) < 1800) return false
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(value[i]), 0)
  return ID_CHECK[sum % 11] === value[17]
}

export function idNumberBirthDate(value: string): string {
  return `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`
}
