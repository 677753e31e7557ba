/** Typed calls to the `member` function's self-service actions (docs/architecture.md, "Self service"). */
import type { Result } from '@/domain/errors'
import type { MemberHome } from '@/domain/member'
import { isPurposeId, type PurposeId } from '@/domain/purposes'
import type {
  BindCardData,
  CodeSent,
  ConsentReceiptView,
  ConsentsData,
  ConsentView,
  DataExport,
  GuardianConsentInput,
  PlateView,
  Profile,
  ProfileChanges,
} from '@/domain/selfService'
import { callFunction } from './cloud'
import { hasShape, isArrayOf, isBoolean, isNumber, isRecord, isString, orNull, type Guard } from './guards'
import { isMemberHome } from './member'

const isPurpose = isPurposeId as Guard<PurposeId>

const isCodeSent = hasShape<CodeSent>({ expiresIn: isNumber, resendAfter: isNumber })

const OPTIONAL_PROFILE_TEXT = ['gender', 'province', 'birthDate', 'address', 'email', 'idNumber'] as const

const isProfile: Guard<Profile> = (value): value is Profile =>
  isRecord(value) &&
  isString(value.memberNo) &&
  isString(value.name) &&
  isString(value.phone) &&
  isString(value.joinedAt) &&
  (value.status === 'active' || value.status === 'guardian_pending') &&
  isBoolean(value.idNumberConsent) &&
  OPTIONAL_PROFILE_TEXT.every((key) => orNull(isString)(value[key])) &&
  orNull(hasShape<{ cardNo: string }>({ cardNo: isString }))(value.card) &&
  isRecord(value.store)

const isPlateView = hasShape<PlateView>({
  id: isString,
  plate: isString,
  masked: isString,
  boundAt: isString,
})

const isConsentView = hasShape<ConsentView>({
  purpose: isPurpose,
  title: isString,
  description: isString,
  basic: isBoolean,
  sensitive: isBoolean,
  granted: isBoolean,
  needsReconsent: isBoolean,
  refused: isBoolean,
  changedAt: orNull(isString),
  requires: orNull(isPurpose),
  subscription: orNull(
    hasShape<NonNullable<ConsentView['subscription']>>({ templateId: orNull(isString), pending: isNumber }),
  ),
})

const isReceipt = hasShape<ConsentReceiptView>({
  id: isString,
  purpose: isString,
  noticeVersion: isNumber,
  granted: isBoolean,
  at: isString,
  channel: isString as Guard<ConsentReceiptView['channel']>,
})

const isConsentsData = hasShape<ConsentsData>({
  consents: isArrayOf(isConsentView),
  receipts: isArrayOf(isReceipt),
})

const isPlates = hasShape<{ plates: PlateView[] }>({ plates: isArrayOf(isPlateView) })
const isProfileData = hasShape<{ profile: Profile }>({ profile: isProfile })
const isMemberData = hasShape<{ member: MemberHome }>({ member: isMemberHome })

const isDataExport: Guard<DataExport> = (value): value is DataExport =>
  isRecord(value) &&
  value.format === 'mall-membership/export/v1' &&
  isString(value.exportedAt) &&
  isProfile(value.profile) &&
  Array.isArray(value.plates) &&
  Array.isArray(value.consents) &&
  Array.isArray(value.consentReceipts) &&
  Array.isArray(value.pointsLedger) &&
  Array.isArray(value.accessLog)

/** Phone input of `changePhone`: a new phone with its SMS code, or WeChat's one-time code. */
export type PhoneChange = { phone: string; smsCode: string } | { phoneCode: string }

export const selfServiceApi = {
  profile(): Promise<Result<{ profile: Profile }>> {
    return callFunction('member', 'profile', undefined, isProfileData)
  },

  updateProfile(changes: ProfileChanges): Promise<Result<{ profile: Profile }>> {
    return callFunction('member', 'updateProfile', changes, isProfileData)
  },

  sendPhoneCode(phone: string): Promise<Result<CodeSent>> {
    return callFunction('member', 'sendPhoneCode', { phone }, isCodeSent)
  },

  changePhone(change: PhoneChange): Promise<Result<{ profile: Profile }>> {
    return callFunction('member', 'changePhone', change, isProfileData)
  },

  plates(): Promise<Result<{ plates: PlateView[] }>> {
    return callFunction('member', 'plates', undefined, isPlates)
  },

  bindPlate(plate: string): Promise<Result<{ plates: PlateView[] }>> {
    return callFunction('member', 'bindPlate', { plate }, isPlates)
  },

  unbindPlate(id: string): Promise<Result<{ plates: PlateView[] }>> {
    return callFunction('member', 'unbindPlate', { id }, isPlates)
  },

  consents(): Promise<Result<ConsentsData>> {
    return callFunction('member', 'consents', undefined, isConsentsData)
  },

  /**
   * `subscription`: turning a subscribe-message topic on after WeChat's dialog was allowed; the
   * request id makes a retried call count the allowance once.
   */
  setConsent(
    purpose: PurposeId,
    granted: boolean,
    noticeVersion: number,
    subscription?: { requestId: string },
  ): Promise<Result<ConsentsData>> {
    return callFunction(
      'member',
      'setConsent',
      subscription ? { purpose, granted, noticeVersion, subscription } : { purpose, granted, noticeVersion },
      isConsentsData,
    )
  },

  sendCardCode(cardNo: string, phone: string): Promise<Result<CodeSent>> {
    return callFunction('member', 'sendCardCode', { cardNo, phone }, isCodeSent)
  },

  bindCard(input: {
    cardNo: string
    phone: string
    smsCode: string
    noticeVersion?: number
  }): Promise<Result<BindCardData>> {
    return callFunction(
      'member',
      'bindCard',
      input,
      hasShape<BindCardData>({ member: isMemberHome, pointsMoved: isNumber }),
    )
  },

  sendGuardianCode(phone: string): Promise<Result<CodeSent>> {
    return callFunction('member', 'sendGuardianCode', { phone }, isCodeSent)
  },

  recordGuardianConsent(input: GuardianConsentInput): Promise<Result<{ member: MemberHome }>> {
    return callFunction('member', 'recordGuardianConsent', input, isMemberData)
  },

  exportData(): Promise<Result<{ export: DataExport }>> {
    return callFunction(
      'member',
      'exportData',
      undefined,
      hasShape<{ export: DataExport }>({ export: isDataExport }),
    )
  },

  deleteAccount(): Promise<Result<{ deleted: true }>> {
    return callFunction(
      'member',
      'deleteAccount',
      { confirm: true },
      hasShape<{ deleted: true }>({ deleted: ((v: unknown) => v === true) as Guard<true> }),
    )
  },
}
