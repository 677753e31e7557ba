/** Typed calls to the `member` cloud function (docs/architecture.md, sign-up slice). */
import type { Result } from '@/domain/errors'
import type { JoinRequest } from '@/domain/join'
import type { MemberHome, StoreOption, Tier } from '@/domain/member'
import type { Notice, NoticeField, NoticeSection } from '@/domain/notice'
import { callFunction } from './cloud'
import { hasShape, isArrayOf, isBoolean, isNumber, isString, orNull, type Guard } from './guards'

export interface HomeData {
  member: MemberHome | null
}

export interface JoinFormData {
  notice: Notice
  stores: StoreOption[]
}

export interface JoinCodeSent {
  /** Seconds the code stays valid. */
  expiresIn: number
  /** Seconds before another code may be requested. */
  resendAfter: number
}

export interface JoinData {
  member: MemberHome
}

const isTier = (value: unknown): value is Tier => value === 'normal' || value === 'vip' || value === 'vvip'

const isStoreOption = hasShape<StoreOption>({ id: isString, name: isString, city: isString })

export const isMemberHome = hasShape<MemberHome>({
  memberNo: isString,
  tier: isTier,
  tierLabel: isString,
  points: isNumber,
  name: isString,
  phone: isString,
  store: isStoreOption,
  joinedAt: isString,
  status: ((v: unknown) => v === 'active' || v === 'guardian_pending') as Guard<MemberHome['status']>,
  hasCard: isBoolean,
})

const isNoticeField = hasShape<NoticeField>({
  key: isString as Guard<NoticeField['key']>,
  label: isString,
  required: isBoolean,
  sensitive: isBoolean,
  retention: isString,
})

const isNoticeSection = hasShape<NoticeSection>({
  purpose: isString as Guard<NoticeSection['purpose']>,
  title: isString,
  description: isString,
  basic: isBoolean,
  sensitive: isBoolean,
  fields: isArrayOf(isNoticeField),
})

const isNotice = hasShape<Notice>({
  version: isNumber,
  title: isString,
  controller: hasShape<Notice['controller']>({
    name: isString,
    contactName: isString,
    contactPhone: isString,
    contactEmail: isString,
  }),
  sections: isArrayOf(isNoticeSection),
  statements: isArrayOf(isString),
})

export const memberApi = {
  /** The caller's member card, or null when the caller is not a member. */
  home(): Promise<Result<HomeData>> {
    return callFunction('member', 'home', undefined, hasShape<HomeData>({ member: orNull(isMemberHome) }))
  },

  /** The privacy notice to agree to and the stores to choose from. */
  joinForm(): Promise<Result<JoinFormData>> {
    return callFunction(
      'member',
      'joinForm',
      undefined,
      hasShape<JoinFormData>({ notice: isNotice, stores: isArrayOf(isStoreOption) }),
    )
  },

  /** Sends a 6-digit verification code by SMS to `phone`. */
  sendJoinCode(phone: string): Promise<Result<JoinCodeSent>> {
    return callFunction(
      'member',
      'sendJoinCode',
      { phone },
      hasShape<JoinCodeSent>({ expiresIn: isNumber, resendAfter: isNumber }),
    )
  },

  /** Joins with the validated form; the answer is the new member card. */
  join(input: JoinRequest): Promise<Result<JoinData>> {
    return callFunction('member', 'join', input, hasShape<JoinData>({ member: isMemberHome }))
  },
}
