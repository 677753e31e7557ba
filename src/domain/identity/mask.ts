/** Display masks (L-7): what a screen shows of an identifier unless the viewer is its owner. */
import { maskMemberNo } from '../staff/lookup'
import type { MaskKind } from './inventory'

const star = (n: number) => '*'.repeat(Math.max(n, 0))

export function maskName(name: string): string {
  const chars = Array.from(name)
  if (chars.length <= 1) return name
  return chars[0] + star(chars.length - 1)
}

export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : star(phone.length)
}

export function maskBirthDate(date: string): string {
  return `${date.slice(0, 4)}-**-**`
}

export function maskIdNumber(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}${star(id.length - 8)}${id.slice(-4)}` : star(id.length)
}

export function maskAddress(address: string): string {
  const chars = Array.from(address)
  return chars.length <= 6 ? star(chars.length) : chars.slice(0, 6).join('') + '****'
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@')
  if (at < 1) return star(email.length)
  return `${email[0]}***${email.slice(at)}`
}

/** 京A12345 → 京A·***45 */
export function maskPlate(plate: string): string {
  const chars = Array.from(plate)
  if (chars.length < 4) return star(chars.length)
  return `${chars[0]}${chars[1]}·${star(chars.length - 4)}${chars.slice(-2).join('')}`
}

export function mask(kind: MaskKind, value: string): string {
  switch (kind) {
    case 'none':
      return value
    case 'name':
      return maskName(value)
    case 'phone':
      return maskPhone(value)
    case 'birthDate':
      return maskBirthDate(value)
    case 'idNumber':
      return maskIdNumber(value)
    case 'address':
      return maskAddress(value)
    case 'email':
      return maskEmail(value)
    case 'plate':
      return maskPlate(value)
    case 'memberNo':
      return maskMemberNo(value)
    case 'hidden':
      return ''
  }
}
