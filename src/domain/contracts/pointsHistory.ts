/**
 * The member's points (6.4, L-8): 积分明细 (the ledger, newest first, paged by a cursor), the
 * catalogue, redeeming a reward for a voucher (6.4.2) and 我的券. Spread into `memberContract`.
 */
import { empty, required, schema, text } from '../input'
import type { HistoryEntry, PointsSummary } from '../points/model'
import { REDEEM_KEY, type RewardView, type VoucherView } from '../points/rewards'
import { action } from './contract'

/** `<ms>~<entry id>`: where the previous page ended. */
export const POINTS_CURSOR = /^\d{1,15}~[^~]{1,180}$/

export const pointsHistorySchema = schema({
  cursor: text(200, {
    notText: 'POINTS_CURSOR_INVALID',
    check: (v) => (POINTS_CURSOR.test(v) ? undefined : 'POINTS_CURSOR_INVALID'),
  }),
})

export const redeemSchema = schema({
  rewardId: required(64, 'REWARD_UNKNOWN', { notText: 'REWARD_UNKNOWN' }),
  key: required(64, 'REDEEM_KEY_INVALID', {
    notText: 'REDEEM_KEY_INVALID',
    check: (v) => (REDEEM_KEY.test(v) ? undefined : 'REDEEM_KEY_INVALID'),
  }),
})

const SELF = ['NOT_A_MEMBER', 'PURPOSE_CONSENT_REQUIRED', 'GUARDIAN_PENDING'] as const

export const pointsHistoryContract = {
  /** One page of the member's ledger; `next` continues it. The summary comes with the first page. */
  pointsHistory: action<{ entries: HistoryEntry[]; next: string | null; summary: PointsSummary }>()({
    input: pointsHistorySchema,
    access: ['member'],
    errors: [...SELF, 'POINTS_CURSOR_INVALID'],
  }),
  rewards: action<{ rewards: RewardView[]; summary: PointsSummary }>()({
    input: empty,
    access: ['member'],
    errors: [...SELF],
  }),
  /** `key`: chosen by the caller once per tap; a retry with it answers the same voucher. */
  redeem: action<{ voucher: VoucherView; summary: PointsSummary }>()({
    input: redeemSchema,
    access: ['member'],
    errors: [
      ...SELF,
      'REWARD_UNKNOWN',
      'REWARD_UNAVAILABLE',
      'REWARD_TIER',
      'REWARD_SOLD_OUT',
      'REDEEM_LIMIT',
      'REDEEM_DAY_LIMIT',
      'REDEEM_KEY_INVALID',
      'POINTS_INSUFFICIENT',
    ],
  }),
  vouchers: action<{ vouchers: VoucherView[] }>()({
    input: empty,
    access: ['member'],
    errors: [...SELF],
  }),
}
