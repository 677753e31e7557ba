/**
 * The shopper self-service contract of the `member` function (docs/architecture.md, "Self
 * service"): the answer types the pages render, and small pure helpers. No Taro / wx / node.
 *
 * Clear values appear only in answers to the member about their own data (L-7: the viewer is
 * the member); every other screen uses the masked forms.
 */
import type { Gender } from './validators'
import type { MemberHome, StoreOption } from './member'
import { PURPOSES, PURPOSE_IDS, type PurposeId } from './purposes'

/** `guardian_pending`: a member under 14 whose guardian has not consented yet (L-5). */
export type MemberStatus = 'active' | 'guardian_pending'

/** Channel a consent was given or withdrawn through; from the platform, never the request. */
export type ConsentChannel = 'weapp' | 'h5' | 'wechat'

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
}

/** `updateProfile` data: a string sets the field, null (or '') removes it, absent keeps it. */
export interface ProfileChanges {
  address?: string | null
  email?: string | null
  idNumber?: string | null
}

export interface PlateView {
  /** Opaque id for `unbindPlate`. */
  id: string
  /** In clear: the member is looking at their own plate. */
  plate: string
  /** 京A·***45, for screens other people may see. */
  masked: string
  boundAt: string
}

export const MAX_PLATES = 3

export interface ConsentView {
  purpose: PurposeId
  title: string
  description: string
  basic: boolean
  sensitive: boolean
  /** Granted and agreed under a notice that covers the purpose's current scope. */
  granted: boolean
  /** Granted once under an older scope: must be agreed again before use (6.1.2). */
  needsReconsent: boolean
  /** The member turned it off (or never turned it on after being asked): not asked again. */
  refused: boolean
  /** ISO time of the last change, null when never set. */
  changedAt: string | null
  /** Another purpose this one only works with (granted here, still off until that one is on). */
  requires: PurposeId | null
  /**
   * Subscribe-message topics only: the WeChat template the client asks the member to allow
   * (null when the retailer has not configured one), and how many one-time messages the member
   * has allowed and not yet received.
   */
  subscription: { templateId: string | null; pending: number } | null
}

export interface ConsentReceiptView {
  id: string
  /** A purpose id; a receipt can outlive a purpose the catalogue has since dropped. */
  purpose: string
  noticeVersion: number
  granted: boolean
  at: string
  channel: ConsentChannel
}

/** Answer of `consents` and `setConsent`. */
export interface ConsentsData {
  consents: ConsentView[]
  /** Newest first. */
  receipts: ConsentReceiptView[]
}

export interface LedgerEntryView {
  id: string
  delta: number
  reason: PointsReason
  at: string
  note: string
}

export type PointsReason = 'card_opening' | 'card_transfer' | 'purchase' | 'redemption' | 'adjustment'

export const POINTS_REASON_LABELS: Record<PointsReason, string> = {
  card_opening: '开卡积分',
  card_transfer: '会员卡积分转入',
  purchase: '消费积分',
  redemption: '积分兑换',
  adjustment: '积分调整',
}

/** Answer of `bindCard`. */
export interface BindCardData {
  member: MemberHome
  /** Points moved from the card to the member by this binding. */
  pointsMoved: number
}

/** Answer of `sendPhoneCode`, `sendCardCode`, `sendGuardianCode` (as `sendJoinCode`). */
export interface CodeSent {
  expiresIn: number
  resendAfter: number
}

/** Answer of `exportData` (L-8): a complete copy, grouped by collection. */
export interface DataExport {
  exportedAt: string
  format: 'mall-membership/export/v1'
  profile: Profile
  plates: PlateView[]
  card: { cardNo: string; boundAt: string } | null
  consents: ConsentView[]
  consentReceipts: ConsentReceiptView[]
  pointsLedger: LedgerEntryView[]
  guardian: { name: string; relation: GuardianRelation; phone: string; at: string } | null
  /** Who processed the member's information, when and why (the audit log), newest day first. */
  accessLog: AccessLogDay[]
  /** Every other member-linked collection of the inventory, by name (e.g. campaign_claims). */
  other: Record<string, Record<string, unknown>[]>
}

/**
 * The audit entries of one China day that say the same thing, counted: a member who opens the
 * app every day for years gets a log that stays readable and within a function's 1 MB answer.
 */
export interface AccessLogDay {
  day: string
  /** The member themself, service-desk or store staff, or the system (scheduled jobs, WeChat events). */
  by: 'self' | 'staff' | 'system'
  action: 'create' | 'read' | 'update' | 'delete'
  purpose: string
  fields: string[]
  success: boolean
  count: number
}

export type GuardianRelation = 'father' | 'mother' | 'other'

export const GUARDIAN_RELATIONS: readonly { value: GuardianRelation; label: string }[] = [
  { value: 'mother', label: '母亲' },
  { value: 'father', label: '父亲' },
  { value: 'other', label: '其他监护人' },
]

/** Data of `recordGuardianConsent`. */
export interface GuardianConsentInput {
  guardianName: string
  relation: GuardianRelation
  phone: string
  smsCode: string
  noticeVersion: number
}

/** The extended purposes a settings screen lists, in order, after the basic one. */
export const CONSENT_ORDER: readonly PurposeId[] = PURPOSE_IDS

/** Whether a purpose can be switched by the member; the basic one ends only by cancelling. */
export function isSwitchable(purpose: PurposeId): boolean {
  return !PURPOSES[purpose].basic
}

/** Normalises what a plate keyboard produced: no spaces or dots, upper case. */
export function normalisePlateInput(value: string): string {
  return value.replace(/[\s·.]/g, '').toUpperCase()
}

/** Normalises a card number as typed: digits only. */
export function normaliseCardNo(value: string): string {
  return value.replace(/[\s-]/g, '')
}

/** Service-desk card numbers: 10 to 16 digits. */
export function isValidCardNo(value: string): boolean {
  return /^\d{10,16}$/.test(value)
}
