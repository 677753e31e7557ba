/**
 * The member code at the till (issue #11): the member's own secret for the rotating code on the
 * phone (member function), and the counter's lookup by a scanned code (staff function). The
 * member part is spread into `memberContract`, the staff part into `staffContract`.
 */
import { empty, required, schema } from '../input'
import type { LookedUpMember } from './lookup'
import { action } from './contract'

/** What the phone needs to compute the code offline; kept in its storage. */
export interface MemberCodeSecret {
  /** The random code id the token carries (not the member id or number). */
  codeId: string
  /** 20 random bytes, hex: the TOTP secret. */
  secret: string
  digits: number
  stepSeconds: number
}

/** A scanned token is 18 characters; a typed one may carry spaces or dashes. */
const CODE_MAX = 32

export const memberCodeContract = {
  /** The member's secret: issued on first use, the same one after. */
  memberCodeSecret: action<MemberCodeSecret>()({
    input: empty,
    access: ['member'],
    errors: ['NOT_A_MEMBER', 'PURPOSE_CONSENT_REQUIRED'],
  }),
  /** A new secret and code id: codes of the old one stop working at once. */
  rotateMemberCode: action<MemberCodeSecret>()({
    input: empty,
    access: ['member'],
    errors: ['NOT_A_MEMBER', 'PURPOSE_CONSENT_REQUIRED'],
  }),
}

export const memberCodeStaffContract = {
  /**
   * The member whose code the counter scanned, masked as `lookupMember` shows them; `ref` is
   * what the counter's other actions (points) take.
   */
  lookupByCode: action<{ member: LookedUpMember }>()({
    input: schema({ code: required(CODE_MAX, 'MEMBER_CODE_INVALID') }),
    access: ['counter', 'manager'],
    errors: ['MEMBER_CODE_INVALID', 'MEMBER_CODE_EXPIRED', 'MEMBER_CODE_USED', 'LOOKUP_MEMBER_UNKNOWN'],
  }),
}
