/**
 * 小票积分 (issue #11; docs/architecture.md "Receipt photos"): the member submits a receipt photo
 * with its store, number, amount and date (`memberContract`), the counter staff and managers of
 * that store review the queue (`staffContract`). Spread into both contracts with one line each.
 */
import type { Check } from '../identity/rules'
import { empty, enumOf, isoDate, required, schema, text } from '../input'
import { parseIsoDate } from '../dates'
import { fail, ok } from '../errors'
import type { StoreOption } from '../member/model'
import { MAX_PURCHASE_FEN } from '../points/earning'
import {
  RECEIPT_REJECT_REASON_IDS,
  type ReceiptClaimView,
  type ReceiptQueueItem,
  type ReceiptRejectReason,
} from '../receipt/model'
import { action } from './contract'
import { fen, receiptNo } from './points'

const ID_MAX = 64
/** `rc_` and a 64-digit keyed hash. */
const CLAIM_ID_MAX = 80
/** `cloud://<env>.<bucket>/receipts/<name>`: generous. */
const FILE_ID_MAX = 300
/** The path a receipt photo is uploaded under: a random name of the page's choosing. */
export const RECEIPT_FILE_PATH = /^cloud:\/\/[A-Za-z0-9._-]+\/receipts\/[A-Za-z0-9_-]{16,64}\.(png|jpg)$/

const SELF = ['NOT_A_MEMBER', 'PURPOSE_CONSENT_REQUIRED', 'GUARDIAN_PENDING'] as const

export const submitReceiptSchema = schema({
  storeId: required(ID_MAX, 'STORE_UNKNOWN'),
  receiptNo: receiptNo(),
  amountFen: fen(1, MAX_PURCHASE_FEN),
  date: isoDate({ check: (value): Check => (parseIsoDate(value) ? undefined : 'RECEIPT_DATE_INVALID') }),
  fileId: required(FILE_ID_MAX, 'RECEIPT_PHOTO_INVALID', {
    notText: 'RECEIPT_PHOTO_INVALID',
    check: (value): Check => (RECEIPT_FILE_PATH.test(value) ? undefined : 'RECEIPT_PHOTO_INVALID'),
  }),
})

export const receiptsMemberContract = {
  /** A retry with the same receipt and photo answers the first claim (`repeated`). */
  submitReceipt: action<{ claim: ReceiptClaimView; repeated: boolean }>()({
    input: schema(submitReceiptSchema.fields, (value) =>
      value.date === undefined ? fail('RECEIPT_DATE_INVALID', 'date') : ok({ ...value, date: value.date }),
    ),
    access: ['member'],
    errors: [
      ...SELF,
      'STORE_UNKNOWN',
      'RECEIPT_INVALID',
      'AMOUNT_INVALID',
      'RECEIPT_DATE_INVALID',
      'RECEIPT_PHOTO_INVALID',
      'RECEIPT_CLAIM_DUPLICATE',
      'RECEIPT_PHOTO_DUPLICATE',
      'RECEIPT_PENDING_LIMIT',
    ],
  }),
  /** The member's claims, newest first, and the stores a receipt can be from. */
  myReceipts: action<{ claims: ReceiptClaimView[]; stores: StoreOption[] }>()({
    input: empty,
    access: ['member'],
    errors: [...SELF],
  }),
}

export interface ReviewAnswer {
  id: string
  status: 'approved' | 'rejected'
  points: number | null
  reason: string | null
  repeated: boolean
}

export const receiptsStaffContract = {
  /** Pending claims of the caller's stores (or the one named), oldest first. */
  receiptQueue: action<{ items: ReceiptQueueItem[]; pending: number }>()({
    input: schema({ storeId: text(ID_MAX) }),
    access: ['counter', 'manager'],
    errors: ['STORE_UNKNOWN', 'POINTS_RULES_MISSING'],
  }),
  reviewReceipt: action<ReviewAnswer>()({
    input: schema(
      {
        claimId: required(CLAIM_ID_MAX, 'RECEIPT_CLAIM_UNKNOWN'),
        decision: enumOf(['approve', 'reject'] as const, 'INVALID_ARGUMENT'),
        reason: enumOf(RECEIPT_REJECT_REASON_IDS, 'RECEIPT_REASON_REQUIRED', { optional: true }),
      },
      (value) => {
        if (value.decision === 'reject' && !value.reason) return fail('RECEIPT_REASON_REQUIRED', 'reason')
        return ok(value as { claimId: string; decision: 'approve' | 'reject'; reason?: ReceiptRejectReason })
      },
    ),
    access: ['counter', 'manager'],
    errors: [
      'RECEIPT_CLAIM_UNKNOWN',
      'RECEIPT_CLAIM_DECIDED',
      'RECEIPT_REASON_REQUIRED',
      'RECEIPT_ALREADY_SCORED',
      'POINTS_RULES_MISSING',
      'LOOKUP_MEMBER_UNKNOWN',
      'PURPOSE_CONSENT_REQUIRED',
    ],
  }),
}
