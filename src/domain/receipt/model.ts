/**
 * Receipt photos (小票积分, issue #11): the shopper photographs a receipt the counter did not score,
 * covers the phone and card numbers on the phone before it is sent, and a counter or manager of the
 * store reviews it. The photo is deleted once the claim is decided; the claim keeps the store, the
 * amount, the date and a keyed hash of the receipt number.
 */

export type ReceiptClaimStatus = 'pending' | 'approved' | 'rejected'

export const RECEIPT_STATUS_LABELS: Record<ReceiptClaimStatus, string> = {
  pending: '审核中',
  approved: '已通过',
  rejected: '未通过',
}

/** Why a reviewer turns a claim down: a fixed list, so the shopper reads a clear reason. */
export const RECEIPT_REJECT_REASONS = {
  blurry: '模糊不清',
  notOurs: '非本商场小票',
  amountMismatch: '金额不符',
  duplicate: '重复提交',
  tooLate: '超过补积分期限',
  detailsMismatch: '小票号或日期不符',
} as const

export type ReceiptRejectReason = keyof typeof RECEIPT_REJECT_REASONS
export const RECEIPT_REJECT_REASON_IDS = Object.keys(RECEIPT_REJECT_REASONS) as ReceiptRejectReason[]

/** The reason the sweep gives a claim nobody reviewed in time. */
export const RECEIPT_EXPIRED_REASON = 'expired'
export const RECEIPT_EXPIRED_LABEL = '超期未审核'

export type ReceiptReason = ReceiptRejectReason | typeof RECEIPT_EXPIRED_REASON

export function receiptReasonLabel(reason: ReceiptReason): string {
  return reason === RECEIPT_EXPIRED_REASON ? RECEIPT_EXPIRED_LABEL : RECEIPT_REJECT_REASONS[reason]
}

/** Claims a member may have waiting at once. */
export const RECEIPT_PENDING_MAX = 10
/** A receipt may be claimed up to this many days after its date; a claim waits at most as long. */
export const RECEIPT_CLAIM_DAYS = 30

/** What the page tells the shopper about the photo (and the docs repeat). */
export const RECEIPT_PHOTO_NOTICE = [
  '照片上的手机号、卡号请在本机涂盖：涂盖在您的手机上完成，被涂盖的数字不会上传，也不会交给任何识别（OCR）服务。',
  '照片仅供本门店店员审核使用，审核通过或驳回后立即删除；30天内未审核的申请自动关闭，照片同时删除。',
  '我们保留：门店、金额、小票日期、提交时间，以及小票号的加密摘要（用于防止重复积分）。',
]

export interface ReceiptClaimView {
  id: string
  storeName: string
  /** Yuan with two decimals. */
  amount: string
  date: string
  status: ReceiptClaimStatus
  statusLabel: string
  /** The reason of a rejection, in words. */
  reason: string | null
  /** Points an approval earned. */
  points: number | null
  submittedAt: string
}

export interface ReceiptQueueItem {
  id: string
  storeId: string
  storeName: string
  receiptNo: string
  amountFen: number
  amount: string
  date: string
  /** A short-lived URL of the covered photo; empty when it could not be found. */
  photoUrl: string
  /** The member as staff see them: tier and the last digits of the member number. */
  member: string
  /** What the rules in force give for the receipt, and how. */
  points: number
  lines: string[]
  submittedAt: string
}
