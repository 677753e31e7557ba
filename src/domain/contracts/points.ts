/**
 * Points at the counter and the rules managers edit (6.4.1, issue #11; staff function, see
 * docs/architecture.md "Points at the counter"). Spread into `staffContract`.
 *
 * Who may call what (5.3): scoring a receipt, previewing it and refunding it is counter work,
 * done by the counter staff and the store manager. Adjusting a member's points by hand is the
 * manager's, with a reason and a daily quota. The rules are read by managers and the admin;
 * only the admin publishes them: the rules are the mall's, one set for every store, and a
 * store's own rate is part of that set (`rates.stores`) — letting each manager publish would
 * let one store's change replace another's in the next version. The report: a manager for
 * their stores, the admin and the mall's finance (财务, who may do nothing else) for every store.
 * The privacy officer has no part in points.
 */
import type { Check } from '../identity/rules'
import { enumOf, int, isoDate, required, schema, text, type Field } from '../input'
import { parseIsoDate } from '../dates'
import { fail, ok } from '../errors'
import type { EarningLine, EarningRules } from '../points/earning'
import { MAX_PURCHASE_FEN } from '../points/earning'
import { ADJUST_MAX_DELTA, ADJUST_REASON_IDS } from '../points/adjust'
import { parseEarningRules } from '../points/rulesInput'
import type { PointsRulesVersion, RefundPolicy } from '../points/versions'
import { daysBetween, REPORT_MAX_DAYS } from '../staff/lookup'
import { action } from './contract'

const ID_MAX = 64
export const RECEIPT_MAX = 32
const NOTE_MAX = 60
/** Days new points are held at most (a return window longer than a month is not a mall's). */
export const HOLD_DAYS_MAX = 60

/** What a receipt scored, or would score. */
export interface ScoredPurchase {
  points: number
  lines: EarningLine[]
  amountFen: number
  /** The rules version that scored it. */
  version: number
}

export interface AwardAnswer extends ScoredPurchase {
  receiptNo: string
  /** A repeat of the same receipt, member and amount: the first award, unchanged. */
  repeated: boolean
  /** ISO time from which the points can be spent. */
  availableFrom: string
}

export interface RefundAnswer {
  receiptNo: string
  refundFen: number
  /** Points taken back by this refund. */
  points: number
  /** Of those, points the member had spent and now owes, or the mall absorbed. */
  owed: number
  absorbed: number
  /** What of the receipt can still be refunded. */
  refundableFen: number
  repeated: boolean
}

export interface AdjustAnswer {
  delta: number
  repeated: boolean
  adjustmentsLeft: number
}

export type RulesVersionView = PointsRulesVersion

export interface RulesAnswer {
  current: RulesVersionView | null
  next: RulesVersionView | null
  /** Newest first. */
  history: RulesVersionView[]
}

export interface PointsDayRow {
  day: string
  issued: number
  spent: number
  expired: number
  reversed: number
  adjusted: number
  absorbed: number
  /** Points outstanding (members' live points, less what they owe) at the end of the day. */
  liability: number
}

export interface PointsReport {
  from: string
  to: string
  storeIds: string[]
  rows: PointsDayRow[]
}

export const fen = (min: number, max: number): Field<number> => ({
  parse(raw, field) {
    return typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max
      ? ok(raw)
      : fail('AMOUNT_INVALID', field)
  },
})

export const receiptNo = () =>
  required(RECEIPT_MAX, 'RECEIPT_INVALID', {
    normalise: (value) => value.toUpperCase(),
    check: (value): Check => (/^[A-Z0-9-]+$/.test(value) ? undefined : 'RECEIPT_INVALID'),
  })

const memberRef = () => required(ID_MAX, 'LOOKUP_MEMBER_UNKNOWN')

const purchase = {
  ref: memberRef(),
  amountFen: fen(1, MAX_PURCHASE_FEN),
  brandId: text(ID_MAX),
  counterId: text(ID_MAX),
  /** A manager of several stores names the store; others act for their own. */
  storeId: text(ID_MAX),
}

const rulesField: Field<EarningRules> = {
  parse(raw, field) {
    const rules = parseEarningRules(raw)
    return rules ? ok(rules) : fail('POINTS_RULES_INVALID', field)
  },
}

/** An ISO instant, or absent for "as soon as it can". */
export const instant: Field<string | undefined> = {
  parse(raw, field) {
    if (raw === undefined || raw === null || raw === '') return ok(undefined)
    return typeof raw === 'string' && raw.length <= 30 && Number.isFinite(Date.parse(raw))
      ? ok(new Date(raw).toISOString())
      : fail('RULES_EFFECTIVE_INVALID', field)
  },
}

const day = () =>
  isoDate({ check: (value): Check => (parseIsoDate(value) ? undefined : 'REPORT_RANGE_INVALID') })

const delta: Field<number> = {
  parse(raw, field) {
    return typeof raw === 'number' && Number.isInteger(raw) && raw !== 0 && Math.abs(raw) <= ADJUST_MAX_DELTA
      ? ok(raw)
      : fail('ADJUST_DELTA_INVALID', field)
  },
}

const MEMBER_ERRORS = ['LOOKUP_MEMBER_UNKNOWN', 'PURPOSE_CONSENT_REQUIRED'] as const

export const pointsContract = {
  previewPurchase: action<ScoredPurchase>()({
    input: schema(purchase),
    access: ['counter', 'manager'],
    errors: [...MEMBER_ERRORS, 'AMOUNT_INVALID', 'STORE_UNKNOWN', 'COUNTER_UNKNOWN', 'POINTS_RULES_MISSING'],
  }),
  awardPoints: action<AwardAnswer>()({
    input: schema({ ...purchase, receiptNo: receiptNo() }),
    access: ['counter', 'manager'],
    errors: [
      ...MEMBER_ERRORS,
      'AMOUNT_INVALID',
      'RECEIPT_INVALID',
      'RECEIPT_ALREADY_SCORED',
      'STORE_UNKNOWN',
      'COUNTER_UNKNOWN',
      'POINTS_RULES_MISSING',
    ],
  }),
  refundPurchase: action<RefundAnswer>()({
    input: schema({
      receiptNo: receiptNo(),
      refundRef: required(RECEIPT_MAX, 'RECEIPT_INVALID', {
        normalise: (value) => value.toUpperCase(),
        check: (value): Check => (/^[A-Z0-9-]+$/.test(value) ? undefined : 'RECEIPT_INVALID'),
      }),
      refundFen: fen(1, MAX_PURCHASE_FEN),
      storeId: text(ID_MAX),
    }),
    access: ['counter', 'manager'],
    errors: [
      'RECEIPT_INVALID',
      'AMOUNT_INVALID',
      'POINTS_SOURCE_UNKNOWN',
      'REFUND_EXCEEDS_PURCHASE',
      'STORE_UNKNOWN',
    ],
  }),
  adjustPoints: action<AdjustAnswer>()({
    input: schema({
      ref: memberRef(),
      delta,
      reasonCode: enumOf(ADJUST_REASON_IDS, 'ADJUST_REASON_REQUIRED'),
      note: text(NOTE_MAX),
      key: required(ID_MAX, 'INVALID_ARGUMENT', {
        check: (value): Check => (/^[A-Za-z0-9_-]+$/.test(value) ? undefined : 'INVALID_ARGUMENT'),
      }),
    }),
    access: ['manager'],
    errors: [
      ...MEMBER_ERRORS,
      'ADJUST_DELTA_INVALID',
      'ADJUST_REASON_REQUIRED',
      'ADJUST_KEY_REUSED',
      'ADJUST_DAILY_LIMIT',
      'POINTS_INSUFFICIENT',
    ],
  }),
  pointsRules: action<RulesAnswer>()({
    input: schema({}),
    access: ['manager', 'admin'],
    errors: [],
  }),
  publishPointsRules: action<{ version: RulesVersionView }>()({
    input: schema({
      rules: rulesField,
      refundPolicy: enumOf(['negative', 'absorb'] as RefundPolicy[], 'POINTS_RULES_INVALID'),
      holdDays: int(0, HOLD_DAYS_MAX),
      effectiveFrom: instant,
      note: text(NOTE_MAX),
    }),
    access: ['admin'],
    errors: ['POINTS_RULES_INVALID', 'RULES_EFFECTIVE_INVALID'],
  }),
  pointsReport: action<PointsReport>()({
    input: schema({ from: day(), to: day(), storeId: text(ID_MAX) }, (value) => {
      const { from, to } = value
      if (!from || !to) return fail('REPORT_RANGE_INVALID', from ? 'to' : 'from')
      const span = daysBetween(from, to)
      if (span < 1 || span > REPORT_MAX_DAYS) return fail('REPORT_RANGE_INVALID', 'to')
      return ok({ from, to, ...(value.storeId ? { storeId: value.storeId } : {}) })
    }),
    access: ['manager', 'admin', 'finance'],
    errors: ['REPORT_RANGE_INVALID', 'STORE_UNKNOWN'],
  }),
}
