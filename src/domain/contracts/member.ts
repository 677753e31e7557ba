/**
 * The `member` function's contract (docs/architecture.md): sign-up and the shopper's self
 * service. Input schemas are shared with the pages; access is checked by the router.
 */
import type { BindCardData } from '../card/model'
import type { ChannelLanding } from '../channel/model'
import { decodeScene, SCENE_MAX } from '../channel/scene'
import type { ConsentsData } from '../consent/model'
import type { Notice } from '../consent/notice'
import { PURPOSE_IDS } from '../consent/purposes'
import { fail, ok, type Result } from '../errors'
import { inventoryField } from '../identity/inventory'
import {
  checkBirthDate,
  checkEmail,
  checkGender,
  checkName,
  checkProvince,
  isValidIdNumber,
  type Gender,
} from '../identity/rules'
import {
  bool,
  cardNo,
  clearable,
  confirmation,
  correctable,
  empty,
  enumOf,
  type Field,
  type Infer,
  noticeVersion,
  object,
  phone,
  phoneCode,
  plate,
  required,
  schema,
  smsCode,
  text,
  isoDate,
} from '../input'
import {
  GUARDIAN_RELATIONS,
  type CodeSent,
  type DataExport,
  type MemberHome,
  type Profile,
  type StoreOption,
} from '../member/model'
import type { PlateView } from '../plate/model'
import { action } from './contract'
import { memberCodeContract } from './memberCode'
import { pointsHistoryContract } from './pointsHistory'
import { parkingMemberContract } from './parking'
import { receiptsMemberContract } from './receipts'
import { tierContract } from './tier'
import { parkPayMemberContract } from './parkpay'

const max = (key: Parameters<typeof inventoryField>[0]) => inventoryField(key).maxLength

/** Store ids are ours (`store-…`): a generous bound, existence is checked by the function. */
const STORE_ID_MAX = max('storeId')

// ---- field rules shared by several actions ----------------------------------------------------

const name = () => required(max('name'), 'NAME_REQUIRED', { check: checkName })
const gender = () => text(max('gender'), { check: checkGender }) as Field<Gender | undefined>
const province = () => text(max('province'), { check: checkProvince })
const birthDate = () => isoDate({ check: (v, c) => checkBirthDate(v, c.today) })

/** A phone with its SMS code, or WeChat's phone code instead (L-11). */
export type PhoneProof = { phone: string; smsCode: string } | { phoneCode: string }

const phoneProofFields = {
  phone: phone({ optional: true }),
  smsCode: smsCode({ optional: true }),
  phoneCode: phoneCode(),
}
type PhoneProofFields = typeof phoneProofFields

function phoneProof<T extends { phone?: string; smsCode?: string; phoneCode?: string }>(
  value: T,
): Result<Omit<T, keyof PhoneProofFields> & PhoneProof> {
  const { phone: p, smsCode: code, phoneCode: wechat, ...rest } = value
  if (wechat !== undefined && p === undefined) return ok({ ...rest, phoneCode: wechat })
  if (p === undefined) return fail('PHONE_REQUIRED', 'phone')
  if (code === undefined) return fail('SMS_CODE_REQUIRED', 'smsCode')
  return ok({ ...rest, phone: p, smsCode: code })
}

/**
 * Without a birth date (the join form asks for no ID number) only the shopper's own declaration
 * says they are not a child (L-5): 我已年满 15 周岁，或已取得监护人同意.
 */
function ageDeclaration(value: { birthDate?: string; ageDeclared?: boolean }): Result<true> {
  return value.birthDate !== undefined || value.ageDeclared === true
    ? ok(true)
    : fail('AGE_DECLARATION_REQUIRED', 'ageDeclared')
}

// ---- schemas ---------------------------------------------------------------------------------

/** The scene of a channel's mini-program code (4.2.2.2), decoded by the page. */
const sceneField = () => text(SCENE_MAX, { check: (v) => (decodeScene(v).ok ? undefined : 'SCENE_INVALID') })

export const joinSchema = schema(
  {
    noticeVersion: noticeVersion(),
    name: name(),
    gender: gender(),
    province: province(),
    storeId: required(STORE_ID_MAX, 'STORE_REQUIRED'),
    birthDate: birthDate(),
    /** 我已年满 15 周岁，或已取得监护人同意: required when no birth date is given (L-5). */
    ageDeclared: bool({ optional: true }),
    /**
     * The scene of the channel's mini-program code the shopper scanned (4.2.2.2), decoded. The
     * page sends only a well-formed scene; one naming no open channel leaves the sign-up
     * unattributed, never refused.
     */
    scene: sceneField(),
    ...phoneProofFields,
  },
  (value) => {
    const declared = ageDeclaration(value)
    return declared.ok ? phoneProof(value) : declared
  },
)

export const phoneSchema = schema({ phone: phone() })

export const changePhoneSchema = schema(phoneProofFields, phoneProof)

/**
 * Corrections (L-8, 4.2.1.1): the required items (name, service store) can be corrected but not
 * removed; the optional ones can also be removed (null).
 */
export const updateProfileSchema = schema({
  name: correctable(text(max('name'), { check: checkName }), 'NAME_REQUIRED'),
  gender: clearable(text(max('gender'), { check: checkGender })) as Field<Gender | null | undefined>,
  province: clearable(province()),
  birthDate: clearable(birthDate()),
  storeId: correctable(text(STORE_ID_MAX), 'STORE_REQUIRED'),
  address: clearable(text(max('address'))),
  email: clearable(text(max('email'), { check: (v) => (checkEmail(v) ? undefined : 'EMAIL_INVALID') })),
  idNumber: clearable(
    text(max('idNumber'), {
      normalise: (v) => v.toUpperCase(),
      check: (v) => (isValidIdNumber(v) ? undefined : 'ID_NUMBER_INVALID'),
    }),
  ),
})

export const bindPlateSchema = schema({ plate: plate() })

export const unbindPlateSchema = schema({
  id: required(16, 'PLATE_UNKNOWN', {
    notText: 'PLATE_UNKNOWN',
    check: (v) => (/^[0-9a-f]{16}$/.test(v) ? undefined : 'PLATE_UNKNOWN'),
  }),
})

/** A caller-chosen id of one "allow" in WeChat's subscribe dialog (a UUID or similar). */
const subscriptionSchema = schema({
  requestId: required(64, 'SUBSCRIBE_ID_INVALID', {
    notText: 'SUBSCRIBE_ID_INVALID',
    check: (v) => (/^[A-Za-z0-9_-]{8,64}$/.test(v) ? undefined : 'SUBSCRIBE_ID_INVALID'),
  }),
})

export const setConsentSchema = schema(
  {
    purpose: enumOf(PURPOSE_IDS, 'PURPOSE_UNKNOWN'),
    granted: bool(),
    noticeVersion: noticeVersion({ optional: true }),
    subscription: object(subscriptionSchema, { optional: true }),
  },
  (value) =>
    // Agreeing needs the notice the member read; nothing is pre-ticked (L-2).
    value.granted && value.noticeVersion === undefined
      ? fail('CONSENT_REQUIRED', 'noticeVersion')
      : ok(value),
)

export const guardianCodeSchema = phoneSchema

export const guardianConsentSchema = schema({
  noticeVersion: noticeVersion(),
  guardianName: required(max('guardianName'), 'NAME_REQUIRED', { check: checkName }),
  relation: enumOf(
    GUARDIAN_RELATIONS.map((r) => r.value),
    'GUARDIAN_RELATION_INVALID',
  ),
  phone: phone(),
  smsCode: smsCode(),
})

export const cardCodeSchema = schema({ cardNo: cardNo(), phone: phone() })

export const bindCardSchema = schema({
  // Required only of a shopper who is not a member yet (the function says CONSENT_REQUIRED).
  noticeVersion: noticeVersion({ optional: true }),
  /** Also only of a non-member: a card carries no birth date (L-5, as at joining). */
  ageDeclared: bool({ optional: true }),
  cardNo: cardNo(),
  phone: phone(),
  smsCode: smsCode(),
})

/**
 * Cancelling the account: the confirmation, and proof of the phone on file — the code sent to it
 * (`sendDeleteCode`) or WeChat's phone code for the same number. A member without a phone on
 * file confirms only.
 */
export const deleteAccountSchema = schema({
  confirm: confirmation('CONFIRMATION_REQUIRED'),
  smsCode: smsCode({ optional: true }),
  phoneCode: phoneCode(),
})

// ---- the contract ----------------------------------------------------------------------------

const SMS_SEND = ['SMS_RESEND_TOO_SOON', 'SMS_DAILY_LIMIT', 'SMS_SEND_FAILED'] as const
/** What checking the notice the shopper agreed to answers. */
const NOTICE = ['CONSENT_REQUIRED', 'NOTICE_OUTDATED'] as const
/** What creating a member answers when a claim is held (registration). */
const REGISTRATION = ['ALREADY_MEMBER', 'PHONE_TAKEN'] as const
const SMS_VERIFY = ['SMS_CODE_WRONG', 'SMS_CODE_EXPIRED', 'SMS_CODE_LOCKED'] as const
const INPUT = ['PHONE_REQUIRED', 'PHONE_INVALID', 'SMS_CODE_REQUIRED', 'SMS_CODE_INVALID'] as const
/** Every member, also one waiting for a guardian (L-5: they may see and delete what is held). */
/** What checking a card number and the phone on the card can answer. */
const CARD_CHECKS = [
  'CARD_NO_INVALID',
  'CARD_UNKNOWN',
  'CARD_PHONE_MISMATCH',
  'CARD_ALREADY_BOUND',
  'CARD_CANCELLED',
  'MEMBER_HAS_CARD',
  'CARD_TRIES_LIMIT',
  'GUARDIAN_PENDING',
  'PURPOSE_CONSENT_REQUIRED',
] as const
const MEMBERS = ['member', 'pendingMember'] as const

export const memberContract = {
  /** `reconsent`: a member whose basic consent predates its current scope, asked again (6.1.2). */
  home: action<{ member: MemberHome | null; reconsent?: true }>()({
    input: empty,
    access: ['guest', 'member', 'pendingMember'],
    errors: [],
  }),
  /** With the scene of the channel's code that opened the page: the channel and how points work. */
  joinForm: action<{ notice: Notice; stores: StoreOption[]; channel?: ChannelLanding }>()({
    input: schema({ scene: sceneField() }),
    access: ['shopper'],
    errors: ['SCENE_INVALID'],
  }),
  sendJoinCode: action<CodeSent>()({
    input: phoneSchema,
    access: ['guest'],
    errors: [...INPUT, ...SMS_SEND, 'ALREADY_MEMBER'],
  }),
  join: action<{ member: MemberHome }>()({
    input: joinSchema,
    access: ['guest'],
    errors: [
      ...INPUT,
      ...SMS_VERIFY,
      ...NOTICE,
      'NAME_REQUIRED',
      'NAME_INVALID',
      'GENDER_INVALID',
      'PROVINCE_INVALID',
      'STORE_REQUIRED',
      'STORE_UNKNOWN',
      'BIRTH_DATE_INVALID',
      'BIRTH_DATE_FUTURE',
      'PHONE_CODE_INVALID',
      'AGE_DECLARATION_REQUIRED',
      'SCENE_INVALID',
      ...REGISTRATION,
    ],
  }),
  profile: action<{ profile: Profile }>()({
    input: empty,
    access: MEMBERS,
    errors: ['NOT_A_MEMBER', 'PURPOSE_CONSENT_REQUIRED'],
  }),
  updateProfile: action<{ profile: Profile }>()({
    input: updateProfileSchema,
    access: ['member'],
    errors: [
      'NAME_REQUIRED',
      'NAME_INVALID',
      'GENDER_INVALID',
      'PROVINCE_INVALID',
      'BIRTH_DATE_INVALID',
      'BIRTH_DATE_FUTURE',
      'STORE_REQUIRED',
      'STORE_UNKNOWN',
      'EMAIL_INVALID',
      'ID_NUMBER_INVALID',
      'ID_NUMBER_BIRTH_MISMATCH',
      'GUARDIAN_CONSENT_REQUIRED',
      'PURPOSE_CONSENT_REQUIRED',
      'NOT_A_MEMBER',
      'GUARDIAN_PENDING',
    ],
  }),
  sendPhoneCode: action<CodeSent>()({
    input: phoneSchema,
    access: ['member'],
    errors: [
      ...INPUT,
      ...SMS_SEND,
      'PHONE_UNCHANGED',
      'PURPOSE_CONSENT_REQUIRED',
      'NOT_A_MEMBER',
      'GUARDIAN_PENDING',
    ],
  }),
  changePhone: action<{ profile: Profile }>()({
    input: changePhoneSchema,
    access: ['member'],
    errors: [
      ...INPUT,
      ...SMS_VERIFY,
      'PHONE_CODE_INVALID',
      'PHONE_UNCHANGED',
      'PHONE_TAKEN',
      'PURPOSE_CONSENT_REQUIRED',
      'NOT_A_MEMBER',
      'GUARDIAN_PENDING',
    ],
  }),
  plates: action<{ plates: PlateView[] }>()({
    input: empty,
    access: ['member'],
    errors: ['PURPOSE_CONSENT_REQUIRED', 'NOT_A_MEMBER', 'GUARDIAN_PENDING'],
  }),
  bindPlate: action<{ plates: PlateView[] }>()({
    input: bindPlateSchema,
    access: ['member'],
    errors: [
      'PLATE_INVALID',
      'PLATE_LIMIT',
      'PLATE_DUPLICATE',
      'PLATE_TAKEN',
      'PLATE_TRIES_LIMIT',
      'PURPOSE_CONSENT_REQUIRED',
      'NOT_A_MEMBER',
      'GUARDIAN_PENDING',
    ],
  }),
  unbindPlate: action<{ plates: PlateView[] }>()({
    input: unbindPlateSchema,
    access: ['member'],
    errors: ['PLATE_UNKNOWN', 'NOT_A_MEMBER', 'GUARDIAN_PENDING'],
  }),
  consents: action<ConsentsData>()({ input: empty, access: MEMBERS, errors: ['NOT_A_MEMBER'] }),
  setConsent: action<ConsentsData>()({
    input: setConsentSchema,
    access: ['member'],
    errors: [
      'PURPOSE_UNKNOWN',
      'BASIC_CONSENT_FIXED',
      ...NOTICE,
      'PURPOSE_PREREQUISITE',
      'SUBSCRIBE_ID_INVALID',
      'NOT_A_MEMBER',
      'GUARDIAN_PENDING',
    ],
  }),
  sendGuardianCode: action<CodeSent>()({
    input: guardianCodeSchema,
    access: ['pendingMember'],
    errors: [...INPUT, ...SMS_SEND, 'GUARDIAN_NOT_NEEDED', 'NOT_A_MEMBER'],
  }),
  recordGuardianConsent: action<{ member: MemberHome }>()({
    input: guardianConsentSchema,
    access: ['pendingMember'],
    errors: [
      ...INPUT,
      ...SMS_VERIFY,
      ...NOTICE,
      'NAME_REQUIRED',
      'NAME_INVALID',
      'GUARDIAN_RELATION_INVALID',
      'GUARDIAN_NOT_NEEDED',
      'GUARDIAN_PERIOD_OVER',
      'NOT_A_MEMBER',
    ],
  }),
  sendCardCode: action<CodeSent>()({
    input: cardCodeSchema,
    access: ['guest', 'member'],
    errors: [...INPUT, ...SMS_SEND, ...CARD_CHECKS],
  }),
  bindCard: action<BindCardData>()({
    input: bindCardSchema,
    access: ['guest', 'member'],
    errors: [...INPUT, ...SMS_VERIFY, ...NOTICE, ...CARD_CHECKS, ...REGISTRATION, 'AGE_DECLARATION_REQUIRED'],
  }),
  exportData: action<{ export: DataExport }>()({
    input: empty,
    access: MEMBERS,
    errors: ['NOT_A_MEMBER', 'PURPOSE_CONSENT_REQUIRED'],
  }),
  /** A code to the member's own phone on file (the member does not type it). */
  sendDeleteCode: action<CodeSent>()({
    input: empty,
    access: MEMBERS,
    errors: [...SMS_SEND, 'PHONE_NOT_ON_FILE', 'NOT_A_MEMBER'],
  }),
  deleteAccount: action<{ deleted: true }>()({
    input: deleteAccountSchema,
    access: ['shopper'],
    errors: [
      'CONFIRMATION_REQUIRED',
      'SMS_CODE_REQUIRED',
      'SMS_CODE_INVALID',
      ...SMS_VERIFY,
      'PHONE_CODE_INVALID',
      'PHONE_INVALID',
      'PHONE_MISMATCH',
      'NOT_A_MEMBER',
    ],
  }),
  ...memberCodeContract,
  ...pointsHistoryContract,
  ...parkingMemberContract,
  ...receiptsMemberContract,
  ...tierContract,
  ...parkPayMemberContract,
}

export type MemberContract = typeof memberContract
export type JoinRequest = Infer<typeof joinSchema>
export type ProfileChanges = Infer<typeof updateProfileSchema>
export type GuardianConsentInput = Infer<typeof guardianConsentSchema>
