/**
 * The counter's member lookup (4.2.2.1, L-7) and the managers' channel report (6.5.2): what a
 * lookup answers, the reasons a full reveal may be asked for, the daily reveal allowance, and
 * the reasons a member's attribution may be changed for.
 */

/** A lookup answers at most this many members; more means the staff ask for another detail. */
export const LOOKUP_MAX_RESULTS = 10

/** Full reveals of one field a staff member may make per China day (L-7: justified, logged). */
export const REVEAL_DAILY_LIMIT = 20

/** How long the page shows a revealed value before masking it again. */
export const REVEAL_SHOWN_MS = 30_000

/** The fields a reveal may show in full. */
export const REVEAL_FIELDS = ['name', 'phone'] as const
export type RevealField = (typeof REVEAL_FIELDS)[number]

export const REVEAL_FIELD_LABELS = { name: '姓名', phone: '手机号' } satisfies Record<RevealField, string>

/** Why a staff member needs to see a field in full; the id goes into the audit entry. */
export const REVEAL_REASONS = {
  verifyIdentity: '核对身份后办理业务',
  memberRequest: '会员本人要求',
  complaint: '处理投诉',
  afterSales: '售后服务联系会员',
} as const
export type RevealReason = keyof typeof REVEAL_REASONS
export const REVEAL_REASON_IDS = Object.keys(REVEAL_REASONS) as RevealReason[]

/** Why a manager changes the channel a member is attributed to. */
export const REASSIGN_REASONS = {
  wrongCode: '会员扫错了二维码',
  guideHelped: '实际由该专柜导购协助入会',
  counterMoved: '专柜调整或合并',
  memberRequest: '会员本人说明',
} as const
export type ReassignReason = keyof typeof REASSIGN_REASONS
export const REASSIGN_REASON_IDS = Object.keys(REASSIGN_REASONS) as ReassignReason[]

/** The longest date range of one channel report, in days (both ends included). */
export const REPORT_MAX_DAYS = 31

/** The last four digits of a member number, which the counter asks the shopper for. */
export const MEMBER_NO_TAIL_LENGTH = 4

export const memberNoTail = (memberNo: string): string => memberNo.slice(-MEMBER_NO_TAIL_LENGTH)

export const isMemberNoTail = (value: string): boolean => /^\d{4}$/.test(value)

/** 800000000011 → ********0011: only the digits the shopper told are shown. */
export function maskMemberNo(memberNo: string): string {
  return '*'.repeat(Math.max(memberNo.length - MEMBER_NO_TAIL_LENGTH, 0)) + memberNoTail(memberNo)
}

/** Days from `from` to `to` (YYYY-MM-DD), both included; 0 when `to` is before `from`. */
export function daysBetween(from: string, to: string): number {
  const span = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)
  return Number.isFinite(span) && span >= 0 ? span / 86_400_000 + 1 : 0
}

/** The China days from `from` to `to`, both included, oldest first. */
export function dayList(from: string, to: string): string[] {
  const days: string[] = []
  const start = Date.parse(`${from}T00:00:00Z`)
  for (let i = 0; i < daysBetween(from, to); i++)
    days.push(new Date(start + i * 86_400_000).toISOString().slice(0, 10))
  return days
}
