/** Service-desk cards (4.2.1.1 绑定会员卡): numbers as typed, and what binding one answers. */
import type { MemberHome } from '../member/model'

/** Answer of `bindCard`. */
export interface BindCardData {
  member: MemberHome
  /** Points moved from the card to the member by this binding. */
  pointsMoved: number
}

/** Normalises a card number as typed: digits only. */
export function normaliseCardNo(value: string): string {
  return value.replace(/[\s-]/g, '')
}

/** Service-desk card numbers: 10 to 16 digits. */
export function isValidCardNo(value: string): boolean {
  return /^\d{10,16}$/.test(value)
}
