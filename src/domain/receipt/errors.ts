import { RECEIPT_CLAIM_DAYS, RECEIPT_PENDING_MAX } from './model'

/** 小票积分: submitting a receipt photo and reviewing it. */
export type ReceiptError =
  | 'RECEIPT_CLAIM_DUPLICATE'
  | 'RECEIPT_PHOTO_DUPLICATE'
  | 'RECEIPT_PENDING_LIMIT'
  | 'RECEIPT_DATE_INVALID'
  | 'RECEIPT_PHOTO_INVALID'
  | 'RECEIPT_CLAIM_UNKNOWN'
  | 'RECEIPT_CLAIM_DECIDED'
  | 'RECEIPT_REASON_REQUIRED'

export const RECEIPT_MESSAGES = {
  RECEIPT_CLAIM_DUPLICATE: '这张小票已提交过补积分申请，请勿重复提交',
  RECEIPT_PHOTO_DUPLICATE: '这张照片已提交过，请勿重复提交',
  RECEIPT_PENDING_LIMIT: `您有${RECEIPT_PENDING_MAX}张小票正在审核，请等审核完成后再提交`,
  RECEIPT_DATE_INVALID: `小票日期须在近${RECEIPT_CLAIM_DAYS}天内，且不晚于今天`,
  RECEIPT_PHOTO_INVALID: '未收到有效的小票照片（PNG 或 JPEG），请重新上传',
  RECEIPT_CLAIM_UNKNOWN: '未找到该补积分申请，可能已被处理或已关闭',
  RECEIPT_CLAIM_DECIDED: '该申请已由其他店员作出不同的处理',
  RECEIPT_REASON_REQUIRED: '请选择驳回原因',
} satisfies Record<ReceiptError, string>
