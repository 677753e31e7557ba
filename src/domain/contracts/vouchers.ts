/**
 * Vouchers at the counter (6.4.2, PRIOR-ART "Recommended feature set"): the counter staff and the
 * store manager verify (核销) a member's voucher once, in their store where its reward may be used; a
 * manager reverses a verification within 24 hours with a reason (the voucher can be used again;
 * the points stay spent). Spread into `staffContract`.
 */
import { CLAIM_CODE_LENGTH } from '../campaign/rules'
import { required, schema } from '../input'
import type { VerifiedVoucher } from '../points/rewards'
import { action } from './contract'

/** Typed codes may carry spaces or dashes; the function normalises them. */
const voucherCode = () => required(CLAIM_CODE_LENGTH + 8, 'VOUCHER_UNKNOWN', { notText: 'VOUCHER_UNKNOWN' })

/** Long enough for 「顾客误操作，已致电确认」. */
export const VOUCHER_REASON_MAX = 60

export const vouchersContract = {
  verifyVoucher: action<{ voucher: VerifiedVoucher }>()({
    input: schema({ code: voucherCode() }),
    access: ['counter', 'manager'],
    errors: ['VOUCHER_UNKNOWN', 'VOUCHER_USED', 'VOUCHER_EXPIRED', 'VOUCHER_OTHER_STORE'],
  }),
  reverseVoucher: action<{ voucher: { code: string; status: 'issued' } }>()({
    input: schema({
      code: voucherCode(),
      reason: required(VOUCHER_REASON_MAX, 'REVERSAL_REASON_REQUIRED'),
    }),
    access: ['manager'],
    errors: [
      'VOUCHER_UNKNOWN',
      'VOUCHER_NOT_USED',
      'VOUCHER_OTHER_STORE',
      'REVERSAL_TOO_LATE',
      'REVERSAL_REASON_REQUIRED',
    ],
  }),
}
