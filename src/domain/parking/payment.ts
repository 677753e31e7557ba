/**
 * Paying for parking (issue #12): the exit window a payment opens, the fee for staying beyond
 * it, and what a payment adds to its car park's day.
 *
 * After a payment the car has the tariff's exit window (default 15 minutes) to leave. A car that
 * stays longer owes the time beyond the window, priced as a continuation of the stay it paid
 * for: the increments that follow the minutes already paid, so the first period (and the free
 * minutes) are never charged twice, and the daily cap still holds over the whole stay.
 */
import type { FeeLine, Tariff } from './fee'
import { tariffFen } from './fee'

const MINUTE_MS = 60_000

/** An order not paid within this long is closed and its points and vouchers given back. */
export const PAYMENT_EXPIRY_MS = 15 * MINUTE_MS

export type PaymentStatus = 'created' | 'paid' | 'failed' | 'refunded'

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  created: '待支付',
  paid: '已支付',
  failed: '未支付',
  refunded: '已退款',
}

/**
 * The fee for the time after `paidUntil` up to `until`, for a stay whose first `paidMinutes`
 * were paid: the price of the longer stay less the price of the paid one.
 */
export function overstayFen(input: {
  tariff: Tariff
  enteredAt: string
  paidMinutes: number
  paidUntil: string
  until: string
}): { fen: number; minutes: number } {
  const extra = Math.ceil(Math.max(0, Date.parse(input.until) - Date.parse(input.paidUntil)) / MINUTE_MS)
  if (extra === 0) return { fen: 0, minutes: 0 }
  const start = Date.parse(input.enteredAt)
  const paidEnd = start + input.paidMinutes * MINUTE_MS
  const fen =
    tariffFen(input.tariff, start, paidEnd + extra * MINUTE_MS) - tariffFen(input.tariff, start, paidEnd)
  return { fen: Math.max(0, fen), minutes: extra }
}

/** What one paid payment adds to its car park's day: the money and each deduction by kind. */
export function paymentDayCounts(payment: {
  amountFen: number
  lines: readonly FeeLine[]
  pointsSpent: number
}): Record<
  'payments' | 'paidFen' | 'tierFen' | 'spendFen' | 'voucherFen' | 'pointsFen' | 'pointsSpent',
  number
> {
  const by = (kind: FeeLine['kind']) =>
    payment.lines.filter((l) => l.kind === kind).reduce((sum, l) => sum + l.fen, 0)
  return {
    payments: 1,
    paidFen: payment.amountFen,
    tierFen: by('tierFree'),
    spendFen: by('spend'),
    voucherFen: by('voucher'),
    pointsFen: by('points'),
    pointsSpent: payment.pointsSpent,
  }
}
