/** Amounts typed at the counter, in yuan, read as integer fen without floating point. */
import { MAX_PURCHASE_FEN } from './earning'

/** `128.5` → 12850; null for anything but a plain amount with at most two decimals, in bounds. */
export function yuanToFen(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return fen >= 1 && fen <= MAX_PURCHASE_FEN ? fen : null
}

/** 12850 → `128.50`. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
