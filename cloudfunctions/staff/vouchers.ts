/**
 * Vouchers at the counter (6.4.2): verifying (核销) a member's voucher once, in the staff member's
 * store where its reward may be used, recording store, staff and time; a manager reverses a
 * verification of their store within 24 hours with a reason (the voucher can be used again; the
 * points stay spent). Both are audited about the voucher's member; the counter sees no member data.
 */
import { actingStaff } from '../common/staff'
import type { StaffContract } from '../../src/domain/contracts/staff'
import { failAt, fail, ok } from '../../src/domain/errors'
import { normaliseClaimCode, REVERSAL_WINDOW_MS } from '../../src/domain/campaign/rules'
import { REWARD_KIND_LABELS, usableIn, voucherExpired } from '../../src/domain/points/rewards'
import type { StaffIdentity } from '../../src/domain/staff/model'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import type { Db } from '../common/db'
import { createRedemptions } from '../common/points/redemptions'
import type { Handlers } from '../common/router'

type VoucherActions = Pick<Handlers<StaffContract, { status: 'active' }>, 'verifyVoucher' | 'reverseVoucher'>

/** The staff member's store where a voucher for `storeIds` (empty: every store) may be used. */
function storeFor(staff: StaffIdentity, storeIds: readonly string[]): string | undefined {
  if (staff.storeIds === 'all') return storeIds[0]
  return staff.storeIds.find((id) => usableIn(storeIds, id))
}

export function createVoucherActions(deps: { db: Db; clock: Clock; audit: AuditLog }): VoucherActions {
  const { clock, audit } = deps
  const redemptions = createRedemptions(deps)

  const record = (actor: string, memberId: string) =>
    audit.record({ actor, action: 'update', purpose: 'membership', memberId, fields: [], success: true })

  async function byCode(code: string) {
    const canonical = normaliseClaimCode(code)
    const doc = canonical ? await redemptions.byCode(canonical) : null
    return doc && (doc.status === 'issued' || doc.status === 'verified') ? doc : null
  }

  return {
    async verifyVoucher({ code }, { caller }) {
      const staff = actingStaff(caller)
      const doc = await byCode(code)
      if (!doc) return fail('VOUCHER_UNKNOWN', 'code')
      const storeId = storeFor(staff, doc.storeIds)
      if (!storeId) return fail('VOUCHER_OTHER_STORE', 'code')
      if (doc.status === 'verified' && doc.verification)
        return failAt('VOUCHER_USED', new Date(doc.verification.at).toISOString(), 'code')
      const at = new Date(clock.now())
      if (voucherExpired(doc.validUntil, at.getTime())) return fail('VOUCHER_EXPIRED', 'code')
      if (!(await redemptions.verify(doc._id, { storeId, staffId: staff.id, at }))) {
        const now = await redemptions.get(doc._id)
        return failAt('VOUCHER_USED', new Date(now?.verification?.at ?? at).toISOString(), 'code')
      }
      await record(staffActor(staff.id), doc.memberId)
      return ok({
        voucher: {
          code: doc.code,
          rewardName: doc.rewardName,
          kindLabel: REWARD_KIND_LABELS[doc.kind],
          storeId,
          verifiedAt: at.toISOString(),
        },
      })
    },

    async reverseVoucher({ code, reason }, { caller }) {
      const staff = actingStaff(caller)
      const doc = await byCode(code)
      if (!doc) return fail('VOUCHER_UNKNOWN', 'code')
      const use = doc.verification
      if (doc.status !== 'verified' || !use) return fail('VOUCHER_NOT_USED', 'code')
      if (staff.storeIds !== 'all' && !staff.storeIds.includes(use.storeId))
        return fail('VOUCHER_OTHER_STORE', 'code')
      const at = new Date(clock.now())
      if (at.getTime() - new Date(use.at).getTime() > REVERSAL_WINDOW_MS)
        return fail('REVERSAL_TOO_LATE', 'code')
      if (!(await redemptions.reverse(doc._id, use, { staffId: staff.id, at, reason })))
        return fail('VOUCHER_NOT_USED', 'code')
      await record(staffActor(staff.id), doc.memberId)
      return ok({ voucher: { code: doc.code, status: 'issued' as const } })
    },
  }
}
