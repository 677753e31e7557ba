/**
 * Birthday marks (6.4.1, 5.1): how scoring tells a member's birthday without the birth date. The
 * birth date stays encrypted in the identity store; the member record carries two keyed hashes of
 * it (`birthdayMarks`), bound to the member id so that members born on the same day do not share
 * a mark: one of the month-day, one of the month. The ledger's transaction reads the member
 * record anyway, so a purchase learns whether its China day is the birthday (or in the birth
 * month) by hashing that day the same way: no extra read, nothing in clear.
 *
 * The marks are written with every change of the birth date (sign-up, profile correction, a
 * guardian's consent for a child, whose data is held unprocessed until then) and removed with
 * it; they go with the member record on deletion.
 */
import { chinaDate } from '../../../src/domain/dates'
import type { BirthdayFact } from '../../../src/domain/member/model'
import { birthdaysOn } from '../../../src/domain/member/rules'
import type { Db } from '../db'
import type { Vault } from '../vault'

export interface BirthdayMarks {
  /** Keyed hash of the member id and the birth month-day (`MM-DD`). */
  day: string
  /** Keyed hash of the member id and the birth month (`MM`). */
  month: string
}

const mark = (vault: Vault, memberId: string, scope: 'day' | 'month', value: string) =>
  vault.keyedHash('birthday', `${memberId}|${scope}|${value}`)

/** The marks of a birth date `YYYY-MM-DD`. */
export function birthdayMarks(vault: Vault, memberId: string, birthDate: string): BirthdayMarks {
  return {
    day: mark(vault, memberId, 'day', birthDate.slice(5)),
    month: mark(vault, memberId, 'month', birthDate.slice(5, 7)),
  }
}

/**
 * Whether the China day of `at` is the birthday, and in the birth month, of the member whose
 * record carries `birthdayMarks`; undefined without marks (no birth date given).
 */
export function birthdayAt(
  vault: Vault,
  member: { _id: string; birthdayMarks?: BirthdayMarks },
  at: string,
): BirthdayFact | undefined {
  const marks = member.birthdayMarks
  if (!marks) return undefined
  const day = chinaDate(Date.parse(at))
  return {
    day: birthdaysOn(day).some((monthDay) => mark(vault, member._id, 'day', monthDay) === marks.day),
    month: mark(vault, member._id, 'month', day.slice(5, 7)) === marks.month,
  }
}

/**
 * The member-record update for a birth date set (`YYYY-MM-DD`) or removed (null); nothing when
 * the record already says so (`current`: its marks).
 */
export function birthdayMarksUpdate(
  db: Db,
  vault: Vault,
  memberId: string,
  birthDate: string | null,
  current: BirthdayMarks | undefined,
): Record<string, unknown> {
  if (birthDate === null) return current ? { birthdayMarks: db.command.remove() } : {}
  const marks = birthdayMarks(vault, memberId, birthDate)
  if (current?.day === marks.day && current.month === marks.month) return {}
  return { birthdayMarks: db.command.set(marks) }
}
