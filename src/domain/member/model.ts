/**
 * The member as pages and functions see it: tiers, status, the member centre's view, the
 * member's own profile, and the copy of their data (L-8). Clear values appear only in answers
 * to the member about their own data (L-7: the viewer is the member); every other screen uses
 * the masked forms.
 */
import type { CampaignClaimCopy } from '../campaign/copy'
import type { AttributionView } from '../channel/model'
import type { Channel, ConsentReceiptView, ConsentView } from '../consent/model'
import type { Gender } from '../identity/rules'
import type { ParkingSessionCopy } from '../parking/sessions'
import type { PlateView } from '../plate/model'
import type { LedgerEntryView } from '../points/model'

export type Tier = 'normal' | 'vip' | 'vvip'

export const TIER_LABELS: Record<Tier, string> = {
  normal: '普通会员',
  vip: 'VIP会员',
  vvip: 'VVIP会员',
}

/** `guardian_pending`: a member aged 14 or under whose guardian has not consented yet (L-5). */
export type MemberStatus = 'active' | 'guardian_pending'

/** Whether a purchase's China day is the member's birthday, and in their birth month (6.4.1). */
export interface BirthdayFact {
  day: boolean
  month: boolean
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
  /** Points that can be spent now. */
  points: number
  /** Points that can be spent now (negative while points are owed after a refund) and those still held. */
  available: number
  pending: number
  /** Masked, e.g. 张* */
  name: string
  /** Masked, e.g. 138****1234 */
  phone: string
  store: StoreOption
  /** ISO timestamp. */
  joinedAt: string
  status: MemberStatus
  /** Whether a service-desk card is bound: home offers 绑定会员卡 only to members without one. */
  hasCard: boolean
}

/** Answer of `profile` and `updateProfile`: the member's own data, in clear (L-8). */
export interface Profile {
  memberNo: string
  status: MemberStatus
  name: string
  phone: string
  gender: Gender | null
  province: string | null
  birthDate: string | null
  address: string | null
  email: string | null
  /** Only while the `idNumber` consent is granted; null otherwise. */
  idNumber: string | null
  /** Whether the separate ID-number consent (L-4) is in force: the page asks for it before the field. */
  idNumberConsent: boolean
  store: StoreOption
  /** The bound service-desk card, if any. */
  card: { cardNo: string } | null
  joinedAt: string
  /** The channel the member joined through, if any (first touch). */
  source: AttributionView | null
  /** The platform the member joined on: the mini-program or the web. */
  channel: Channel | null
}

/** Answer of every action that sends an SMS code. */
export interface CodeSent {
  /** Seconds the code stays valid. */
  expiresIn: number
  /** Seconds before another code may be requested. */
  resendAfter: number
}

export type GuardianRelation = 'father' | 'mother' | 'other'

export const GUARDIAN_RELATIONS: readonly { value: GuardianRelation; label: string }[] = [
  { value: 'mother', label: '母亲' },
  { value: 'father', label: '父亲' },
  { value: 'other', label: '其他监护人' },
]

/**
 * The audit entries of one China day that say the same thing, counted: a member who opens the
 * app every day for years gets a log that stays readable and within a function's 1 MB answer.
 */
export interface AccessLogDay {
  day: string
  /**
   * The member themself, service-desk or store staff, a store's registered till (a POS push), or
   * the system (scheduled jobs, WeChat events).
   */
  by: 'self' | 'staff' | 'device' | 'system'
  action: 'create' | 'read' | 'update' | 'delete'
  purpose: string
  fields: string[]
  success: boolean
  count: number
}

/** Answer of `exportData` (L-8): a complete copy, grouped by collection. */
export interface DataExport {
  exportedAt: string
  format: 'mall-membership/export/v1'
  profile: Profile
  plates: PlateView[]
  /** The bound plates' parking sessions since each was bound, newest first. */
  parkingSessions: ParkingSessionCopy[]
  card: { cardNo: string; boundAt: string } | null
  consents: ConsentView[]
  consentReceipts: ConsentReceiptView[]
  pointsLedger: LedgerEntryView[]
  /** Campaign claims with the items given and the answers in clear (L-8), newest first. */
  campaignClaims: CampaignClaimCopy[]
  guardian: { name: string; relation: GuardianRelation; phone: string; at: string } | null
  /** Who processed the member's information, when and why (the audit log), newest day first. */
  accessLog: AccessLogDay[]
  /** Every other member-linked collection of the inventory, by name (e.g. campaign_claims). */
  other: Record<string, Record<string, unknown>[]>
}
