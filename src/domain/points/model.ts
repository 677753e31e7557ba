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
