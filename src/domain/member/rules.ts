/** Membership rules shared by pages and functions: member numbers and the age of consent. */
import { ageOn } from '../dates'

/**
 * The oldest age at which a shopper is a child (3.2, L-5): the standard's 14岁以下（含）, 14
 * included, which is stricter than PIPL art. 31's under-14 and so satisfies both. A child's
 * information is sensitive and a guardian must consent; from 15 a shopper consents alone.
 */
export const CHILD_MAX_AGE = 14

/**
 * How long a member may stay `guardian_pending` (L-5): past it, the child's data is deleted by the
 * retention sweep. Declared in the data inventory and stated on the guardian step.
 */
export const GUARDIAN_PENDING_DAYS = 7

/** A member aged 14 or under on `today` by birth date: held until a guardian consents (L-5). */
export function needsGuardian(birthDate: string | undefined, today: string): boolean {
  return birthDate !== undefined && ageOn(birthDate, today) <= CHILD_MAX_AGE
}

/** Member numbers are 12 digits: '8', a zero-padded sequence of 10, and a Luhn check digit. */
export function formatMemberNo(sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence >= 1e10)
    throw new RangeError('member sequence out of range')
  const body = `8${String(sequence).padStart(10, '0')}`
  return body + luhnDigit(body)
}

export function isValidMemberNo(value: string): boolean {
  return /^8\d{11}$/.test(value) && luhnDigit(value.slice(0, 11)) === value[11]
}

function luhnDigit(body: string): string {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}
