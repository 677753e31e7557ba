/** A manager's adjustment of a member's points (6.4): bounded, with a reason from a fixed list. */

/** Points one adjustment moves at most, either way. */
export const ADJUST_MAX_DELTA = 10_000

/** Adjustments one manager makes a day at most. */
export const ADJUST_DAILY_LIMIT = 20

export const ADJUST_REASONS = {
  missedPurchase: '补录漏积消费',
  serviceRecovery: '服务补偿',
  systemError: '系统差错更正',
  duplicateEarn: '重复积分冲正',
  eventReward: '活动奖励',
} as const

export type AdjustReason = keyof typeof ADJUST_REASONS

export const ADJUST_REASON_IDS = Object.keys(ADJUST_REASONS) as AdjustReason[]
