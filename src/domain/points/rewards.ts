/**
 * The redemption catalogue (6.4.2) and the vouchers a redemption issues: what a member may redeem
 * (tier, window, stock, per-member limit) and how a voucher reads. Stock and limits are enforced by
 * the function under concurrency; these rules only decide and describe.
 */
import { chinaDate } from '../dates'
import type { ErrorCode } from '../errors'
import { TIER_LABELS, type Tier } from '../member/model'

export type RewardKind = 'parking' | 'gift' | 'coupon' | 'service' | 'voucher'

export const REWARD_KIND_LABELS: Record<RewardKind, string> = {
  parking: '停车券',
  gift: '礼品',
  coupon: '优惠券',
  service: '服务',
  voucher: '抵用券',
}

/** A catalogue entry as stored (`rewards/<id>`). */
export interface Reward {
  _id: string
  name: string
  kind: RewardKind
  /** Points one redemption costs. */
  points: number
  /** Items left; taken by one conditional update (stock > 0). */
  stock: number
  /** Redemptions one member may hold (issued or used). */
  perMemberLimit: number
  /** Redemptions one member may make on one China day; absent: no daily limit. */
  perDayLimit?: number
  /** Tiers that may redeem it; absent or empty: every tier. */
  tiers?: Tier[]
  /** Stores where its vouchers are used; absent or empty: every store. */
  storeIds?: string[]
  status: 'active' | 'paused'
  /** China dates (inclusive) when it can be redeemed; absent: always. */
  startsOn?: string
  endsOn?: string
  /** Days a voucher stays valid from its issue (the day of issue counts as the first). */
  validDays?: number
  /** Parking rewards: the minutes of a stay one voucher pays for. */
  parkingMinutes?: number
}

export const DEFAULT_VOUCHER_DAYS = 30

export type VoucherStatus = 'issued' | 'verified' | 'expired'

export const VOUCHER_STATUS_LABELS: Record<VoucherStatus, string> = {
  issued: '待使用',
  verified: '已使用',
  expired: '已过期',
}

/** A reward as the member's catalogue shows it. */
export interface RewardView {
  id: string
  name: string
  kind: RewardKind
  kindLabel: string
  points: number
  soldOut: boolean
  limit: number
  /** Redemptions of it the member holds (issued or used). */
  held: number
  /** Where its vouchers are used: 「全部门店」 or the stores' names. */
  stores: string
  /** Why the member cannot redeem it now, or null. */
  blocked: string | null
}

/** A voucher as 我的券 and the redemption's answer show it. */
export interface VoucherView {
  code: string
  rewardName: string
  kind: RewardKind
  kindLabel: string
  points: number
  status: VoucherStatus
  statusLabel: string
  issuedAt: string
  /** China date, the last day it can be used. */
  validUntil: string
  usedAt: string | null
  stores: string
}

/** A voucher as the counter sees it after verifying it (no member information). */
export interface VerifiedVoucher {
  code: string
  rewardName: string
  kindLabel: string
  storeId: string
  verifiedAt: string
}

/** Idempotency keys chosen by the caller (a UUID or similar). */
export const REDEEM_KEY = /^[A-Za-z0-9_-]{8,64}$/

/** The last China date a voucher issued at `at` can be used. */
export function voucherValidUntil(at: number, days: number = DEFAULT_VOUCHER_DAYS): string {
  return chinaDate(at + (Math.max(1, days) - 1) * 86_400_000)
}

/** Whether a voucher with its last day `validUntil` is past at `now` (ms). */
export const voucherExpired = (validUntil: string, now: number): boolean => chinaDate(now) > validUntil

/** Why `reward` cannot be redeemed by a member of `tier` on `today` (China date), or null. */
export function redeemBlock(reward: Reward, tier: Tier, today: string): ErrorCode | null {
  if (reward.status !== 'active') return 'REWARD_UNAVAILABLE'
  if (reward.startsOn !== undefined && today < reward.startsOn) return 'REWARD_UNAVAILABLE'
  if (reward.endsOn !== undefined && today > reward.endsOn) return 'REWARD_UNAVAILABLE'
  if (reward.tiers && reward.tiers.length > 0 && !reward.tiers.includes(tier)) return 'REWARD_TIER'
  if (reward.stock <= 0) return 'REWARD_SOLD_OUT'
  return null
}

/** 「仅限VIP会员、VVIP会员兑换」: the tiers a reward is for, as the catalogue says it. */
export function tiersLabel(tiers: readonly Tier[] | undefined): string | null {
  return tiers && tiers.length > 0 ? `仅限${tiers.map((t) => TIER_LABELS[t]).join('、')}兑换` : null
}

/** Whether a voucher for stores `storeIds` (empty: all) may be used in `storeId`. */
export const usableIn = (storeIds: readonly string[], storeId: string): boolean =>
  storeIds.length === 0 || storeIds.includes(storeId)
