/**
 * Expected failures, as values. Each concept keeps its own codes and zh-CN messages
 * (`<concept>/errors.ts`); this registry merges them, and the compiler checks that every code
 * has exactly one message. Functions answer `{ ok: false, code, message, field? }` and pages
 * show the message as is. A message says what is wrong in words that fit every caller that can
 * hit it.
 */
import { CAMPAIGN_AT_MESSAGES, CAMPAIGN_MESSAGES, type CampaignError } from './campaign/errors'
import { CARD_MESSAGES, type CardError } from './card/errors'
import { chinaTime } from './dates'
import { CARD_IMPORT_MESSAGES, type CardImportError } from './cardImport/errors'
import { CHANNEL_MESSAGES, type ChannelError } from './channel/errors'
import { CONSENT_MESSAGES, type ConsentError } from './consent/errors'
import { IDENTITY_MESSAGES, IDENTITY_WAIT_MESSAGES, type IdentityError } from './identity/errors'
import { INGEST_MESSAGES, type IngestError } from './ingest/errors'
import { MEMBER_MESSAGES, type MemberError } from './member/errors'
import { PARKING_MESSAGES, type ParkingError } from './parking/errors'
import { PARKPAY_MESSAGES, type ParkPayError } from './parking/payErrors'
import { PARTNER_MESSAGES, type PartnerError } from './partner/errors'
import { PLATE_MESSAGES, type PlateError } from './plate/errors'
import { MEMBER_CODE_MESSAGES, type MemberCodeError } from './points/memberCodeErrors'
import { POINTS_AT_MESSAGES, POINTS_MESSAGES, type PointsError } from './points/errors'
import { RECEIPT_MESSAGES, type ReceiptError } from './receipt/errors'
import { STAFF_MESSAGES, type StaffError } from './staff/errors'
import { LOOKUP_MESSAGES, type LookupError } from './staff/lookupErrors'
import { alreadyScoredMessage, EARN_MESSAGES, type EarnError } from './points/earnErrors'

/** Codes any action can answer: the request, the caller, the platform. */
export type CommonError =
  | 'INVALID_ARGUMENT'
  | 'TEXT_INVALID'
  | 'FIELD_TOO_LONG'
  | 'UNKNOWN_ACTION'
  | 'INTERNAL'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NETWORK'

const COMMON_MESSAGES = {
  INVALID_ARGUMENT: '请求参数有误，请检查后重试',
  TEXT_INVALID: '输入内容包含无法识别的字符，请删除后重试',
  FIELD_TOO_LONG: '输入内容过长，请精简后重试',
  UNKNOWN_ACTION: '不支持的操作',
  INTERNAL: '系统繁忙，请稍后再试',
  UNAUTHENTICATED: '无法识别您的微信身份，请在微信中重新打开小程序',
  FORBIDDEN: '您没有执行此操作的权限',
  NETWORK: '网络连接失败，请检查网络后重试',
} satisfies Record<CommonError, string>

export type ErrorCode =
  | CommonError
  | ConsentError
  | MemberError
  | IdentityError
  | CardError
  | PlateError
  | StaffError
  | PointsError
  | ChannelError
  | LookupError
  | CampaignError
  | CardImportError
  | PartnerError
  | MemberCodeError
  | EarnError
  | IngestError
  | ParkingError
  | ReceiptError
  | ParkPayError

export const ERROR_MESSAGES = {
  ...COMMON_MESSAGES,
  ...CONSENT_MESSAGES,
  ...MEMBER_MESSAGES,
  ...IDENTITY_MESSAGES,
  ...CARD_MESSAGES,
  ...PLATE_MESSAGES,
  ...STAFF_MESSAGES,
  ...POINTS_MESSAGES,
  ...CHANNEL_MESSAGES,
  ...LOOKUP_MESSAGES,
  ...CAMPAIGN_MESSAGES,
  ...CARD_IMPORT_MESSAGES,
  ...PARTNER_MESSAGES,
  ...MEMBER_CODE_MESSAGES,
  ...EARN_MESSAGES,
  ...INGEST_MESSAGES,
  ...PARKING_MESSAGES,
  ...RECEIPT_MESSAGES,
  ...PARKPAY_MESSAGES,
} satisfies Record<ErrorCode, string>

/** Messages that name the wait, for codes whose refusal ends after a number of seconds. */
const WAIT_MESSAGES: Partial<Record<ErrorCode, (seconds: number) => string>> = IDENTITY_WAIT_MESSAGES

export interface Failure {
  ok: false
  code: ErrorCode
  message: string
  /** The input field at fault, so a form can point at it. */
  field?: string
  /**
   * Seconds until the same request can succeed (0: at once), on refusals that end with time:
   * `SMS_RESEND_TOO_SOON`, `SMS_DAILY_LIMIT`, `SMS_CODE_LOCKED`, `CARD_TRIES_LIMIT`,
   * `PLATE_TRIES_LIMIT`. The message says the same in words.
   */
  retryAfter?: number
  /** ISO time the refusal refers to: when a claim was verified (`ALREADY_VERIFIED`). The message names it. */
  at?: string
  /** The amount (fen) a receipt was first scored for (`RECEIPT_ALREADY_SCORED`). The message names it. */
  amountFen?: number
}

export interface Success<T> {
  ok: true
  data: T
}

export type Result<T> = Success<T> | Failure

export function fail(code: ErrorCode, field?: string): Failure {
  return field
    ? { ok: false, code, message: ERROR_MESSAGES[code], field }
    : { ok: false, code, message: ERROR_MESSAGES[code] }
}

/** A refusal that ends after `retryAfter` seconds; the message names the wait where it can. */
export function failUntil(code: ErrorCode, retryAfter: number, field?: string): Failure {
  const seconds = Math.max(0, Math.ceil(retryAfter))
  const message = WAIT_MESSAGES[code]?.(seconds) ?? ERROR_MESSAGES[code]
  return field
    ? { ok: false, code, message, field, retryAfter: seconds }
    : { ok: false, code, message, retryAfter: seconds }
}

/** Messages that name a time (China time), for codes whose refusal refers to one. */
const AT_MESSAGES: Partial<Record<ErrorCode, (time: string) => string>> = {
  ...CAMPAIGN_AT_MESSAGES,
  ...POINTS_AT_MESSAGES,
}

/** A refusal about something that happened at `at` (ISO); the message names the time. */
export function failAt(code: ErrorCode, at: string, field?: string): Failure {
  const message = AT_MESSAGES[code]?.(chinaTime(at)) ?? ERROR_MESSAGES[code]
  return field ? { ok: false, code, message, field, at } : { ok: false, code, message, at }
}

/** A receipt scored before for `amountFen`: the message names the amount. */
export function failScored(amountFen: number, field?: string): Failure {
  const failure: Failure = {
    ok: false,
    code: 'RECEIPT_ALREADY_SCORED',
    message: alreadyScoredMessage(amountFen),
    amountFen,
  }
  return field ? { ...failure, field } : failure
}

/** Seconds from `now` (ms) to the next midnight in China (UTC+8), when daily limits start again. */
export function secondsToChinaMidnight(now: number): number {
  const day = 24 * 3600_000
  const shifted = now + 8 * 3600_000
  return Math.ceil((day - (shifted % day)) / 1000)
}

export function ok<T>(data: T): Success<T> {
  return { ok: true, data }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, value)
}
