/**
 * Receipt claims (小票积分, issue #11): `receipt_claims/<keyed hash of store, receipt-number hash,
 * amount and date>` → { memberId, storeId, receiptNoHash, amountFen, date, imageHash (unique),
 * status, submittedAt, and while pending: fileId, receiptNo sealed under the member's data key;
 * once decided: reason?, reviewer?, points?, decidedAt }. The `_id` and the unique `imageHash`
 * make two identical submissions — even at the same instant — one claim.
 *
 * Deciding a claim deletes its photo first, then drops `fileId` and the sealed receipt number in
 * one conditional update: a decision cut short is finished by running it again, and no claim
 * ever names a deleted photo as if it still were there for longer than that.
 */
import { formatYuan } from '../../src/domain/points/money'
import {
  RECEIPT_STATUS_LABELS,
  receiptReasonLabel,
  type ReceiptClaimStatus,
  type ReceiptClaimView,
  type ReceiptReason,
} from '../../src/domain/receipt/model'
import { COLLECTIONS, type Db, type Doc } from './db'
import type { FileStore } from './files'
import type { Sealed, Vault } from './vault'

export interface ReceiptClaimDoc extends Doc {
  memberId: string
  storeId: string
  receiptNoHash: string
  amountFen: number
  date: string
  imageHash: string
  status: ReceiptClaimStatus
  submittedAt: Date
  /** While pending only. */
  fileId?: string
  sealedReceiptNo?: Sealed
  /** Set by the first decision taken, so that two reviewers cannot decide two ways. */
  deciding?: 'approve' | 'reject'
  reason?: ReceiptReason
  reviewer?: string
  points?: number
  decidedAt?: Date
}

/** The field of the member's data key the receipt number is sealed under. */
export const RECEIPT_NO_FIELD = 'receiptNo'

export const receiptNoHash = (vault: Vault, storeId: string, receiptNo: string) =>
  vault.keyedHash('receipt-no', `${storeId}:${receiptNo}`)

export const claimId = (
  vault: Vault,
  claim: { storeId: string; receiptNoHash: string; amountFen: number; date: string },
) =>
  `rc_${vault.keyedHash('receipt-claim', [claim.storeId, claim.receiptNoHash, claim.amountFen, claim.date].join('|'))}`

export function claimView(doc: ReceiptClaimDoc, storeName: string): ReceiptClaimView {
  return {
    id: doc._id,
    storeName,
    amount: formatYuan(doc.amountFen),
    date: doc.date,
    status: doc.status,
    statusLabel: RECEIPT_STATUS_LABELS[doc.status],
    reason: doc.reason ? receiptReasonLabel(doc.reason) : null,
    points: typeof doc.points === 'number' ? doc.points : null,
    submittedAt: new Date(doc.submittedAt).toISOString(),
  }
}

/**
 * Closes a pending claim: its photo is deleted, then the claim keeps only what a decided claim
 * keeps. False when the claim was no longer pending (someone else closed it).
 */
export async function closeClaim(
  deps: { db: Db; files: FileStore },
  claim: ReceiptClaimDoc,
  decision: {
    status: 'approved' | 'rejected'
    reason?: ReceiptReason
    reviewer: string
    points?: number
    at: Date
  },
): Promise<boolean> {
  const { db, files } = deps
  const _ = db.command
  if (claim.fileId) await files.remove([claim.fileId])
  const { stats } = await db
    .collection(COLLECTIONS.receiptClaims)
    .where({ _id: claim._id, status: 'pending' })
    .update({
      data: {
        status: decision.status,
        reviewer: decision.reviewer,
        decidedAt: decision.at,
        ...(decision.reason ? { reason: decision.reason } : {}),
        ...(decision.points !== undefined ? { points: decision.points } : {}),
        fileId: _.remove(),
        sealedReceiptNo: _.remove(),
        deciding: _.remove(),
      },
    })
  return stats.updated > 0
}
