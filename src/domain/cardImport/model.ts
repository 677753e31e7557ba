/**
 * Importing pre-issued physical cards from a CSV file (4.2.2.1): the file's columns, reading it
 * into rows, and the checks of each row. Pure: the page runs them over the whole file, the
 * `staff` function again over each batch it receives.
 */
import { isValidCardNo, normaliseCardNo } from '../card/model'
import { ERROR_MESSAGES, type ErrorCode } from '../errors'
import { checkName, checkPhone } from '../identity/rules'
import type { Tier } from '../member/model'
import { parseCsv } from './csv'

/** Rows per call: each call reads and writes a bounded number of documents (one page of 1000 at most). */
export const IMPORT_BATCH_ROWS = 500

/** The longest cell a row may carry to the function; every valid value is much shorter. */
export const CELL_MAX = 64

/** More opening points than any card carries. */
export const OPENING_POINTS_MAX = 100_000_000

export const IMPORT_COLUMNS = ['cardNo', 'phone', 'name', 'tier', 'points'] as const
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]

/** Accepted headers per column (compared trimmed and lower-cased). */
const HEADERS: Record<ImportColumn, readonly string[]> = {
  cardNo: ['卡号', '会员卡号', 'card number', 'card no', 'cardno', 'card_no'],
  phone: ['手机号', '手机号码', 'phone', 'mobile'],
  name: ['姓名', 'name'],
  tier: ['等级', '会员等级', 'tier', 'level'],
  points: ['期初积分', '积分', 'opening points', 'points', 'opening_points'],
}

/** Tier names a file may use, lower-cased. */
const TIERS: Record<string, Tier> = {
  '': 'normal',
  normal: 'normal',
  普通: 'normal',
  普通会员: 'normal',
  vip: 'vip',
  vip会员: 'vip',
  vvip: 'vvip',
  vvip会员: 'vvip',
}

/** A row as read from the file: its line and raw cells. */
export interface ImportRow {
  row: number
  cardNo: string
  phone: string
  name: string
  tier: string
  points: string
}

/** A row that passed every check: values normalised. */
export interface ImportCard {
  row: number
  cardNo: string
  phone: string
  name: string
  tier: Tier
  points: number
}

/** Why a row cannot be imported; `cardNo` is masked. */
export interface RowProblem {
  row: number
  cardNo: string
  code: ErrorCode
  message: string
}

/** A file read: its rows, and the rows whose number of cells differs from the header's. */
export type ReadResult =
  { ok: true; rows: ImportRow[]; columnsOff: number[] } | { ok: false; code: ErrorCode; line?: number }

/** 6200000000000001 → 6200********0001: enough to find the card in the file, not to use it. */
export function maskCardNo(cardNo: string): string {
  const value = normaliseCardNo(cardNo.trim())
  if (value.length <= 8) return '*'.repeat(value.length)
  return `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`
}

export function rowProblem(row: number, cardNo: string, code: ErrorCode): RowProblem {
  return { row, cardNo: maskCardNo(cardNo), code, message: ERROR_MESSAGES[code] }
}

function columnOf(header: string): ImportColumn | undefined {
  const name = header.trim().toLowerCase()
  return IMPORT_COLUMNS.find((column) => HEADERS[column].includes(name))
}

/**
 * Reads a CSV file: a header row naming the five columns (Chinese or English, any order), then
 * one card per row. A row whose number of cells differs from the header's is listed in
 * `columnsOff`, and fails CARD_IMPORT_COLUMNS in `checkRows`.
 */
export function readCardFile(text: string): ReadResult {
  const parsed = parseCsv(text)
  if (!parsed.ok) return { ok: false, code: 'CARD_IMPORT_FILE_INVALID', line: parsed.line }
  const [header, ...records] = parsed.records
  if (!header) return { ok: false, code: 'CARD_IMPORT_EMPTY' }
  const columns = header.cells.map(columnOf)
  const complete = IMPORT_COLUMNS.every((column) => columns.filter((c) => c === column).length === 1)
  if (!complete || columns.includes(undefined))
    return { ok: false, code: 'CARD_IMPORT_HEADER_INVALID', line: 1 }
  if (records.length === 0) return { ok: false, code: 'CARD_IMPORT_EMPTY' }
  const rows = records.map(({ line, cells }) => {
    const row: ImportRow = { row: line, cardNo: '', phone: '', name: '', tier: '', points: '' }
    columns.forEach((column, i) => {
      if (column) row[column] = cells[i] ?? ''
    })
    return { row, off: cells.length !== columns.length }
  })
  return {
    ok: true,
    rows: rows.map((r) => r.row),
    columnsOff: rows.filter((r) => r.off).map((r) => r.row.row),
  }
}

/** The first problem of one row, else the card it describes. */
export function checkRow(row: ImportRow): { ok: true; card: ImportCard } | { ok: false; code: ErrorCode } {
  const cells = [row.cardNo, row.phone, row.name, row.tier, row.points]
  if (cells.some((cell) => cell.length > CELL_MAX)) return { ok: false, code: 'FIELD_TOO_LONG' }
  const cardNo = normaliseCardNo(row.cardNo.trim())
  if (!isValidCardNo(cardNo)) return { ok: false, code: 'CARD_NO_INVALID' }
  const phone = row.phone.trim()
  const phoneProblem = checkPhone(phone)
  if (phoneProblem) return { ok: false, code: phoneProblem }
  const name = row.name.trim()
  const nameProblem = checkName(name)
  if (nameProblem) return { ok: false, code: nameProblem }
  const tier = TIERS[row.tier.trim().toLowerCase()]
  if (!tier) return { ok: false, code: 'CARD_IMPORT_TIER_INVALID' }
  const pointsText = row.points.trim()
  const points = pointsText === '' ? 0 : /^\d{1,9}$/.test(pointsText) ? Number(pointsText) : -1
  if (points < 0 || points > OPENING_POINTS_MAX) return { ok: false, code: 'CARD_IMPORT_POINTS_INVALID' }
  return { ok: true, card: { row: row.row, cardNo, phone, name, tier, points } }
}

/**
 * Checks rows: each row on its own, then card numbers that repeat (every occurrence after the
 * first is a problem). `columnsOff`: rows whose cell count differs from the header's.
 */
export function checkRows(
  rows: readonly ImportRow[],
  columnsOff: readonly number[] = [],
): { cards: ImportCard[]; problems: RowProblem[] } {
  const off = new Set(columnsOff)
  const seen = new Set<string>()
  const cards: ImportCard[] = []
  const problems: RowProblem[] = []
  for (const row of rows) {
    if (off.has(row.row)) {
      problems.push(rowProblem(row.row, row.cardNo, 'CARD_IMPORT_COLUMNS'))
      continue
    }
    const checked = checkRow(row)
    if (!checked.ok) {
      problems.push(rowProblem(row.row, row.cardNo, checked.code))
      continue
    }
    if (seen.has(checked.card.cardNo)) {
      problems.push(rowProblem(row.row, row.cardNo, 'CARD_IMPORT_DUPLICATE'))
      continue
    }
    seen.add(checked.card.cardNo)
    cards.push(checked.card)
  }
  return { cards, problems }
}

/** Rows in batches of `size`, in file order. */
export function batchesOf<T>(rows: readonly T[], size: number = IMPORT_BATCH_ROWS): T[][] {
  const batches: T[][] = []
  for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size))
  return batches
}
