/** The keys of the plate keyboard and which of them may be typed next (GA 36-2018). */
import { PLATE_PROVINCES } from '@/domain/identity/regions'

/** Ordinary plates have 7 characters, new-energy plates 8. */
export const PLATE_MAX_LENGTH = 8

export const PROVINCE_KEYS: readonly string[] = [...PLATE_PROVINCES]

/** Digits first, then letters in QWERTY order; I and O are shown but never typed. */
export const CHAR_ROWS: readonly (readonly string[])[] = [
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'],
  ['Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P'],
  ['A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L'],
  ['Z', 'X', 'C', 'V', 'B', 'N', 'M'],
]

const NEVER = new Set(['I', 'O'])

/** Whether `key` may be appended to `value`: the second character (issuing office) is a letter. */
export function canType(value: string, key: string): boolean {
  if (value.length === 0) return PROVINCE_KEYS.includes(key)
  if (value.length >= PLATE_MAX_LENGTH || NEVER.has(key)) return false
  if (value.length === 1) return /^[A-Z]$/.test(key)
  return /^[A-Z0-9]$/.test(key)
}
