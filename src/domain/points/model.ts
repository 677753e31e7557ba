/** Points as the member reads them: ledger entries and their reasons. */
export type PointsReason = 'card_opening' | 'card_transfer' | 'purchase' | 'redemption' | 'adjustment'

export const POINTS_REASON_LABELS: Record<PointsReason, string> = {
  card_opening: '开卡积分',
  card_transfer: '会员卡积分转入',
  purchase: '消费积分',
  redemption: '积分兑换',
  adjustment: '积分调整',
}

export interface LedgerEntryView {
  id: string
  delta: number
  reason: PointsReason
  at: string
  note: string
  /** ledger kind: earn · spend · expire · reverse · adjust (entries of the card binding have none). */
  kind?: string
  /** An earn's lines: 「基础 1 分/元 +128」. */
  lines?: string[]
  /** The purchase's amount in yuan. */
  amount?: string
  /** The store the entry was recorded in. */
  storeId?: string
  /** A redemption's spend: the voucher it paid for, as it stands. */
  voucher?: {
    code: string
    rewardName: string
    status: 'issued' | 'verified' | 'expired'
    /** China date, its last day. */
    validUntil: string
    /** Where and when it was used. */
    usedAt?: string
    usedIn?: string
  }
}

/**
 * Idempotency keys (ledger `_id`s) of the two entries that move a card's points to its member when
 * the card is bound (4.2.2.1): out of the card, into the member. They name the card document.
 */
export function cardTransferIds(cardId: string): { out: string; in: string } {
  return { out: `card-out:${cardId}`, in: `card-in:${cardId}` }
}

/** Idempotency key (ledger `_id`) of an imported card's opening points: it names the card document. */
export function cardOpeningId(cardId: string): string {
  return `card-open:${cardId}`
}

/** What the ledger's entry kinds say when the reason has no label of its own. */
const KIND_LABELS: Record<string, string> = {
  earn: '获得积分',
  spend: '积分使用',
  expire: '积分过期',
  reverse: '退货扣回',
  adjust: '积分调整',
}

/** Labels of the ledger's reason codes besides the older ones (POINTS_REASON_LABELS). */
const MORE_REASON_LABELS: Record<string, string> = {
  refund: '退货扣回',
  expiry: '积分过期',
  signup: '注册礼',
  campaign: '活动赠送',
  voucher_expired: '券过期退回',
}

/** The Chinese reason of a ledger entry: its reason's label, else its kind's. */
export function entryLabel(kind: string | undefined, reason: string | undefined): string {
  const byReason = reason
    ? ((POINTS_REASON_LABELS as Record<string, string>)[reason] ?? MORE_REASON_LABELS[reason])
    : undefined
  return byReason ?? (kind ? KIND_LABELS[kind] : undefined) ?? '积分变动'
}

/** An earn's line as read: 「会员日 2 倍 +128」. */
export const earningLineText = (line: { label: string; detail: string; points: number }): string =>
  `${line.label} ${line.detail} +${line.points}`

/** One entry of 积分明细. */
export interface HistoryEntry {
  id: string
  /** earn · spend · expire · reverse · adjust. */
  kind: string
  /** 消费积分 · 积分兑换 · 退货扣回 … */
  label: string
  delta: number
  /** ISO instant; the page shows it in China time. */
  at: string
  /** China time, YYYY-MM-DD HH:mm. */
  time: string
  /** An earn's lines: 「基础 1 分/元 +128」「会员日 2 倍 +128」. */
  lines: string[]
  /** The store it was recorded in ('' when the entry names none). */
  storeName: string
  /** The purchase's amount in yuan (earns and reversals of a purchase). */
  amount: string | null
}

/** The member's points as 积分明细 and the home show them. */
export interface PointsSummary {
  /** Points that can be spent now; negative while points are owed after a refund. */
  available: number
  /** Points still in the return window: available from their day. */
  pending: number
  /** The next expiry: 「X 分将于 12 月 31 日过期」, or null. */
  expiry: { points: number; day: string } | null
}

/** 「120 分将于 2027 年 12 月 31 日过期」: with the year, as the day may be more than a year away. */
export function expiryText(expiry: { points: number; day: string }): string {
  const [y, m, d] = expiry.day.split('-').map(Number)
  return `${expiry.points} 分将于 ${y} 年 ${m} 月 ${d} 日过期`
}

/** Why the balance is negative, in the member's words. */
export const OWED_TEXT = '退货扣回的积分此前已使用，欠扣部分将从您今后获得的积分中抵扣'
