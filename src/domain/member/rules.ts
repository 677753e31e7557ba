/** Membership rules shared by pages and functions: member numbers, the age of consent, birthdays. */
import { ageOn } from '../dates'
import type { BirthdayFact } from './model'

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

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/**
 * The birth month-days (`MM-DD`) celebrated on the China date `day` (6.4.1 birthday multiplier):
 * its own, and on 28 February of a year without a 29th, also 29 February.
 */
export function birthdaysOn(day: string): string[] {
  const monthDay = day.slice(5)
  return monthDay === '02-28' && !isLeapYear(Number(day.slice(0, 4))) ? ['02-28', '02-29'] : [monthDay]
}

/** Whether `day` is the birthday, and in the birth month, of someone born on `birthDate`. */
export function birthdayOn(birthDate: string | undefined, day: string): BirthdayFact {
  if (birthDate === undefined) return { day: false, month: false }
  return {
    day: birthdaysOn(day).includes(birthDate.slice(5)),
    month: birthDate.slice(5, 7) === day.slice(5, 7),
  }
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
