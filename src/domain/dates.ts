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
