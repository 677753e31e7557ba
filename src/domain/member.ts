/** Membership facts shared by pages and functions: tiers and member numbers. */
export type Tier = 'normal' | 'vip' | 'vvip'

export const TIER_LABELS: Record<Tier, string> = {
  normal: '普通会员',
  vip: 'VIP会员',
  vvip: 'VVIP会员',
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

/** The calendar date in China (UTC+8) of an instant, `YYYY-MM-DD`. */
export function chinaDate(at: number): string {
  return new Date(at + 8 * 3600_000).toISOString().slice(0, 10)
}

/** A store the shopper can pick as their service store. */
export interface StoreOption {
  id: string
  name: string
  city: string
}

/** What the member centre shows about the caller: identifiers always masked (L-7). */
export interface MemberHome {
  memberNo: string
  tier: Tier
  tierLabel: string
  points: number
  /** Masked, e.g. 张* */
  name: string
  /** Masked, e.g. 138****1234 */
  phone: string
  store: StoreOption
  /** ISO timestamp. */
  joinedAt: string
  /** `guardian_pending` until a guardian's consent is recorded for a member under 14 (L-5). */
  status: 'active' | 'guardian_pending'
  /** Whether a service-desk card is bound: home offers 绑定会员卡 only to members without one. */
  hasCard: boolean
}
