/** Calendar dates as the mall lives them: China time (UTC+8), `YYYY-MM-DD`. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The calendar date in China (UTC+8) of an instant, `YYYY-MM-DD`. */
export function chinaDate(at: number): string {
  return new Date(at + 8 * 3600_000).toISOString().slice(0, 10)
}

/** 2026-11-29T08:05:00Z → 2026-11-29 16:05 (China time, whatever the phone's zone). */
export function chinaTime(iso: string): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  return new Date(at + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** A calendar date `YYYY-MM-DD` that exists; undefined otherwise. */
export function parseIsoDate(value: string): { y: number; m: number; d: number } | undefined {
  const match = ISO_DATE.exec(value)
  if (!match) return undefined
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined
  return { y, m, d }
}

/** Full years between a birth date and today (both `YYYY-MM-DD`). */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4))
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/

/**
 * An ISO 8601 duration of years, days and time (`P3Y`, `P7D`, `PT1H`, `PT0S`) in milliseconds; a
 * year counts 365 days. Months are refused (their length varies); so is anything malformed.
 */
export function durationMs(iso: string): number {
  const match = DURATION.exec(iso)
  if (!match || iso === 'P' || iso.endsWith('T'))
    throw new RangeError(`not a duration in years, days and time: ${iso}`)
  const [years, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0))
  return ((((years * 365 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000
}
