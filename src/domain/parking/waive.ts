/**
 * Waiving a parking fee at the desk (issue #12): a counter or manager of the car park's store
 * settles a session for its current fee with a reason from a fixed list, a few times a day per
 * staff member; the car then has the tariff's exit window to leave.
 */

/** Why a fee is waived; the id goes into the audit entry and the session's record. */
export const WAIVE_REASONS = {
  deviceFault: '设备故障',
  specialVisitor: '特殊访客',
  complaint: '投诉处理',
  billingError: '系统计费异常',
  other: '其他（需备注）',
} as const
export type WaiveReason = keyof typeof WAIVE_REASONS
export const WAIVE_REASON_IDS = Object.keys(WAIVE_REASONS) as WaiveReason[]

/** The reason that needs a note. */
export const WAIVE_NOTE_REASON: WaiveReason = 'other'
export const WAIVE_NOTE_MAX = 40

/** Waives a staff member may make per China day. */
export const WAIVE_DAILY_LIMIT = 10
