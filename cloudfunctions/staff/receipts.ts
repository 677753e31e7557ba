/**
 * 小票积分, the review (issue #11): the counter staff and managers of a store see its pending
 * receipt claims oldest first — the covered photo through a short-lived URL, the member only as
 * tier and the last digits of the member number, the points the rules give — and approve or
 * reject each with a reason from a fixed list.
 *
 * An approval earns through the ledger with the receipt's own source (`receipt:<store>:<number>`),
 * the one the counter and the POS use: a receipt already scored there is refused here
 * (RECEIPT_ALREADY_SCORED, so the reviewer rejects it as 重复提交). Either decision deletes the
 * photo and drops the sealed receipt number (common/receipts.ts `closeClaim`); both are audited
 * and a retry answers the decision taken. The first decision marks the claim (`deciding`), so two
 * reviewers cannot decide one claim two ways.
 */
import { actingStaff } from '../common/staff'
import { allows } from '../../src/domain/consent/rules'
import type { ReviewAnswer, receiptsStaffContract } from '../../src/domain/contracts/receipts'
import { fail, failScored, ok } from '../../src/domain/errors'
import { TIER_LABELS } from '../../src/domain/member/model'
import { earn, type Purchase } from '../../src/domain/points/earning'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { earningLineText } from '../../src/domain/points/model'
import { formatYuan } from '../../src/domain/points/money'
import { receiptReasonLabel, type ReceiptQueueItem } from '../../src/domain/receipt/model'
import { maskMemberNo } from '../../src/domain/staff/lookup'
import { inStoreScope, type StaffIdentity } from '../../src/domain/staff/model'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import type { FileStore } from '../common/files'
import { createKeyStore, memberKey } from '../common/keystore'
import type { MemberDoc } from '../common/members/model'
import { createLedger, entryId, type LedgerEntry } from '../common/points/ledger'
import type { RulesBook, RulesVersionDoc } from '../common/points/rules'
import { earningMemberOf, purchaseFacts, receiptSource } from '../common/points/receipts'
import { closeClaim, RECEIPT_NO_FIELD, type ReceiptClaimDoc } from '../common/receipts'
import type { Handlers } from '../common/router'
import { storesInScope, type StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

/** Claims shown per queue read: each costs a key read, a temporary URL and an audit entry. */
export const QUEUE_PAGE = 10
/** How long a reviewer's photo URL lives. */
export const PHOTO_URL_SECONDS = 600
/** The ledger reason of points earned by a receipt photo. */
export const RECEIPT_PHOTO_REASON = 'receipt-photo'

export interface ReceiptReviewDeps {
  db: Db
  keyDb: () => Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  stores: StoreDirectory
  rules: RulesBook
  files: FileStore
}

/** Noon of the receipt's China day: the instant its rules and member-day multipliers are read at. */
const purchaseInstant = (date: string) => new Date(`${date}T12:00:00+08:00`).toISOString()

export function createReceiptReviewActions(
  deps: ReceiptReviewDeps,
): Handlers<typeof receiptsStaffContract, { status: 'active' }> {
  const { db, vault, clock, audit, stores, rules, files } = deps
  const _ = db.command
  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY, rules })
  const claims = () => db.collection(COLLECTIONS.receiptClaims)

  const audited = (staff: StaffIdentity, memberId: string, action: 'read' | 'update', reason: string) =>
    audit.record({
      actor: staffActor(staff.id),
      action,
      purpose: 'membership',
      memberId,
      fields: [],
      success: true,
      reason,
    })

  async function versionFor(date: string): Promise<RulesVersionDoc | undefined> {
    return (
      (await rules.at(db, purchaseInstant(date))) ?? (await rules.at(db, new Date(clock.now()).toISOString()))
    )
  }

  function scored(claim: ReceiptClaimDoc, member: MemberDoc, version: RulesVersionDoc) {
    const purchase: Purchase = {
      amountFen: claim.amountFen,
      at: purchaseInstant(claim.date),
      storeId: claim.storeId,
    }
    const who = earningMemberOf(vault, member, purchase.at)
    return { purchase, who, earned: earn(purchase, who, version.rules) }
  }

  async function receiptNoOf(claim: ReceiptClaimDoc): Promise<string | null> {
    if (!claim.sealedReceiptNo) return null
    const cipher = await createKeyStore({ db: deps.keyDb(), vault, clock }).cipher(memberKey(claim.memberId))
    return cipher ? cipher.decrypt(RECEIPT_NO_FIELD, claim.sealedReceiptNo) : null
  }

  const answerOf = (claim: ReceiptClaimDoc, repeated: boolean): ReviewAnswer => ({
    id: claim._id,
    status: claim.status === 'approved' ? 'approved' : 'rejected',
    points: typeof claim.points === 'number' ? claim.points : null,
    reason: claim.reason ? receiptReasonLabel(claim.reason) : null,
    repeated,
  })

  /** A decided claim: the same decision again is a retry, another one is refused. */
  function decided(claim: ReceiptClaimDoc, decision: 'approve' | 'reject') {
    const same = (claim.status === 'approved') === (decision === 'approve')
    return same ? ok(answerOf(claim, true)) : fail('RECEIPT_CLAIM_DECIDED')
  }

  /** Marks the claim with this decision; false when another decision was taken first. */
  async function take(claim: ReceiptClaimDoc, decision: 'approve' | 'reject'): Promise<boolean> {
    if (claim.deciding) return claim.deciding === decision
    const { stats } = await claims()
      .where({ _id: claim._id, status: 'pending', deciding: _.exists(false) })
      .update({ data: { deciding: decision } })
    if (stats.updated > 0) return true
    const now = (await getDoc(db, COLLECTIONS.receiptClaims, claim._id)) as ReceiptClaimDoc | null
    return now?.deciding === decision
  }

  const release = (claim: ReceiptClaimDoc, decision: 'approve' | 'reject') =>
    claims()
      .where({ _id: claim._id, status: 'pending', deciding: decision })
      .update({ data: { deciding: _.remove() } })

  /** The answer once the claim is closed: by this call, or by a concurrent twin (read again). */
  async function closed(closedHere: ReceiptClaimDoc | null, id: string, decision: 'approve' | 'reject') {
    if (closedHere) return ok(answerOf(closedHere, false))
    const doc = (await getDoc(db, COLLECTIONS.receiptClaims, id)) as ReceiptClaimDoc | null
    return doc ? decided(doc, decision) : fail('RECEIPT_CLAIM_UNKNOWN')
  }

  /** A ledger entry of this receipt written by someone else than a review of this claim. */
  function scoredElsewhere(entry: LedgerEntry | null, claim: ReceiptClaimDoc): boolean {
    if (!entry) return false
    return entry.reason !== RECEIPT_PHOTO_REASON || entry.memberId !== claim.memberId
  }

  return {
    async receiptQueue(input, { caller }) {
      const staff = actingStaff(caller)
      const storeIds = await storesInScope({ db, stores }, staff, input.storeId)
      if (!storeIds) return fail('STORE_UNKNOWN', 'storeId')
      const where = { storeId: _.in(storeIds), status: 'pending' }
      const [{ data }, { total }] = await Promise.all([
        claims().where(where).orderBy('submittedAt', 'asc').limit(QUEUE_PAGE).get(),
        claims().where(where).count(),
      ])
      const pending = data as unknown as ReceiptClaimDoc[]
      if (pending.length === 0) return ok({ items: [], pending: total })
      if (!(await rules.at(db, new Date(clock.now()).toISOString()))) return fail('POINTS_RULES_MISSING')
      const memberIds = [...new Set(pending.map((claim) => claim.memberId))]
      const { data: memberDocs } = await db
        .collection(COLLECTIONS.members)
        .where({ _id: _.in(memberIds) })
        .get()
      const members = new Map((memberDocs as unknown as MemberDoc[]).map((m) => [m._id, m]))
      const urls = await files.tempUrls(
        pending.map((claim) => claim.fileId).filter((id): id is string => typeof id === 'string'),
        PHOTO_URL_SECONDS,
      )
      const items: ReceiptQueueItem[] = []
      for (const claim of pending) {
        const member = members.get(claim.memberId)
        const version = await versionFor(claim.date)
        if (!member || !version) continue
        const { earned } = scored(claim, member, version)
        items.push({
          id: claim._id,
          storeId: claim.storeId,
          storeName: (await stores.byId(db, claim.storeId))?.name ?? '',
          receiptNo: (await receiptNoOf(claim)) ?? '',
          amountFen: claim.amountFen,
          amount: formatYuan(claim.amountFen),
          date: claim.date,
          photoUrl: (claim.fileId && urls.get(claim.fileId)) || '',
          member: `${TIER_LABELS[member.tier]} · 会员号 ${maskMemberNo(member.memberNo)}`,
          points: earned.points,
          lines: earned.lines.map(earningLineText),
          submittedAt: new Date(claim.submittedAt).toISOString(),
        })
        // The reviewer sees the member's receipt: an access to the member's information (L-14).
        await audited(staff, claim.memberId, 'read', 'receipt-review')
      }
      return ok({ items, pending: total })
    },

    async reviewReceipt({ claimId, decision, reason }, { caller }) {
      const staff = actingStaff(caller)
      const claim = (await getDoc(db, COLLECTIONS.receiptClaims, claimId)) as ReceiptClaimDoc | null
      if (!claim || !inStoreScope(staff, claim.storeId)) return fail('RECEIPT_CLAIM_UNKNOWN', 'claimId')
      if (claim.status !== 'pending') return decided(claim, decision)
      const at = new Date(clock.now())
      const reviewer = staffActor(staff.id)

      if (decision === 'reject') {
        if (!(await take(claim, 'reject'))) return fail('RECEIPT_CLAIM_DECIDED')
        const done = await closeClaim({ db, files }, claim, { status: 'rejected', reason, reviewer, at })
        if (done) await audited(staff, claim.memberId, 'update', `receipt-reject:${reason}`)
        return closed(done ? { ...claim, status: 'rejected', reason } : null, claim._id, decision)
      }

      // Everything that can refuse the approval is checked before the claim is marked.
      const member = (await getDoc(db, COLLECTIONS.members, claim.memberId)) as MemberDoc | null
      if (!member || member.status !== 'active') return fail('LOOKUP_MEMBER_UNKNOWN')
      if (!allows(member, 'membership')) return fail('PURPOSE_CONSENT_REQUIRED', 'membership')
      const receiptNo = await receiptNoOf(claim)
      if (!receiptNo) return fail('RECEIPT_CLAIM_UNKNOWN', 'claimId')
      const source = receiptSource(claim.storeId, receiptNo)
      const earlier = (await getDoc(
        db,
        COLLECTIONS.pointsLedger,
        entryId('earn', source),
      )) as LedgerEntry | null
      const before = scoredElsewhere(earlier, claim) ? earlier : null
      if (before) return failScored(before.amountFen ?? 0)
      const version = await versionFor(claim.date)
      if (!version) return fail('POINTS_RULES_MISSING')
      if (!(await take(claim, 'approve'))) return fail('RECEIPT_CLAIM_DECIDED')

      const { purchase, who, earned } = scored(claim, member, version)
      const written = await ledger.earn({
        memberId: member._id,
        source,
        points: earned.points,
        storeId: claim.storeId,
        actor: reviewer,
        reason: RECEIPT_PHOTO_REASON,
        lines: earned.lines,
        amountFen: purchase.amountFen,
        holdDays: version.holdDays,
        purchase: purchaseFacts(version, who, purchase),
      })
      if ('error' in written || scoredElsewhere(written.entry, claim)) {
        // The counter scored the receipt a moment ago: the claim stays open for a rejection.
        await release(claim, 'approve')
        return 'error' in written ? fail('LOOKUP_MEMBER_UNKNOWN') : failScored(written.entry.amountFen ?? 0)
      }
      const done = await closeClaim({ db, files }, claim, {
        status: 'approved',
        reviewer,
        points: written.entry.delta,
        at,
      })
      if (done) await audited(staff, claim.memberId, 'update', 'receipt-approve')
      return closed(
        done ? { ...claim, status: 'approved', points: written.entry.delta } : null,
        claim._id,
        decision,
      )
    },
  }
}
