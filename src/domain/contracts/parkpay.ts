/**
 * Paying for parking (issue #12). The member part is spread into `memberContract`, the staff
 * part into `staffContract`.
 *
 * Anyone may pay (L-3: no sign-up needed): a member for a session of a bound plate (read under
 * the parking consent), anyone else by typing the plate. The amount is always re-quoted on the
 * server; the caller's `key` makes a retried payment answer the same order. A manager refunds a
 * payment of the store's car parks (audited); managers and the admin read the daily figures.
 */
import { parseIsoDate } from '../dates'
import type { Check } from '../identity/rules'
import { bool, isoDate, required, schema, text } from '../input'
import type { FeeLine } from '../parking/fee'
import type { PaymentStatus } from '../parking/payment'
import { isValidPlate, normalisePlateInput } from '../plate/model'
import { action } from './contract'

const ID_MAX = 80
const KEY_MAX = 64
const REASON_MAX = 60

/** A payment as its payer and the parking page read it. */
export interface ParkingPaymentView {
  paymentId: string
  sessionId: string
  status: PaymentStatus
  statusLabel: string
  amountFen: number
  lines: FeeLine[]
  pointsSpent: number
  /** 请于 HH:mm 前离场: the end of the exit window, once paid. */
  windowUntil: string | null
  paidAt: string | null
}

/** What `wx.requestPayment` needs (the `payment` of cloudPay.unifiedOrder). */
export interface PaymentParams {
  timeStamp: string
  nonceStr: string
  package: string
  signType: string
  paySign: string
}

export interface PayParkingAnswer {
  payment: ParkingPaymentView
  /** Absent when nothing is left to pay (all deducted) or the payment is settled. */
  order?: { outTradeNo: string; params: PaymentParams }
  /** A non-member who has not declined it before is offered to join once they have paid. */
  offerJoin: boolean
}

/** One day of a car park report: money in fen, points in points. */
export interface ParkingReportDay {
  day: string
  payments: number
  paidFen: number
  refunds: number
  refundedFen: number
  waives: number
  waivedFen: number
  tierFen: number
  spendFen: number
  voucherFen: number
  pointsFen: number
  pointsSpent: number
}

const paymentKey = () =>
  required(KEY_MAX, 'INVALID_ARGUMENT', {
    check: (value): Check => (/^[A-Za-z0-9_-]{8,64}$/.test(value) ? undefined : 'INVALID_ARGUMENT'),
  })

const optionalPlate = () =>
  text(16, {
    normalise: normalisePlateInput,
    check: (v) => (isValidPlate(v) ? undefined : 'PLATE_INVALID'),
  })

const day = () =>
  isoDate({ check: (value): Check => (parseIsoDate(value) ? undefined : 'PARKING_REPORT_RANGE') })

const paymentId = () => required(ID_MAX, 'PARKING_PAYMENT_UNKNOWN')

export const parkPayMemberContract = {
  /**
   * Pays a session's fee as quoted now: a member's own plate (no `plate`), or the plate typed
   * (anyone). Points and vouchers the quote deducts are reserved until the order is paid, failed
   * or expired.
   */
  payParking: action<PayParkingAnswer>()({
    input: schema({
      sessionId: required(ID_MAX, 'PARKING_SESSION_NONE'),
      key: paymentKey(),
      usePoints: bool({ optional: true }),
      plate: optionalPlate(),
    }),
    access: ['shopper'],
    errors: [
      'PLATE_INVALID',
      'PARKING_SESSION_NONE',
      'PARKING_TARIFF_MISSING',
      'PARKING_PAYMENT_NOT_DUE',
      'PARKING_PAYMENT_KEY_REUSED',
      'PARKING_PAYMENT_ORDER_FAILED',
      'PARKING_BUSY',
      'POINTS_INSUFFICIENT',
      'PURPOSE_CONSENT_REQUIRED',
    ],
  }),
  /** The caller's payment, as it stands (the page asks after the pay sheet closes). */
  parkingPayment: action<{ payment: ParkingPaymentView; offerJoin: boolean }>()({
    input: schema({ paymentId: paymentId() }),
    access: ['shopper'],
    errors: ['PARKING_PAYMENT_UNKNOWN'],
  }),
  /** The pay sheet was cancelled or failed: the order is closed, points and vouchers come back. */
  cancelParkingPayment: action<{ payment: ParkingPaymentView }>()({
    input: schema({ paymentId: paymentId() }),
    access: ['shopper'],
    errors: ['PARKING_PAYMENT_UNKNOWN'],
  }),
  /** A non-member declines the offer to join after paying: it is not made again. */
  declineJoinOffer: action<{ declined: true }>()({
    input: schema({}),
    access: ['shopper'],
    errors: [],
  }),
}

export const parkPayStaffContract = {
  /** Refunds a paid parking payment in full (the car park's store's manager), with a reason. */
  refundParkingPayment: action<{ payment: ParkingPaymentView }>()({
    input: schema({
      paymentId: paymentId(),
      reason: required(REASON_MAX, 'INVALID_ARGUMENT'),
    }),
    access: ['manager'],
    errors: ['PARKING_PAYMENT_UNKNOWN', 'PARKING_PAYMENT_NOT_PAID', 'PARKING_PAYMENT_ORDER_FAILED'],
  }),
  /**
   * Parking revenue, deductions by kind, points spent, waives and refunds per day (≤ 31 days) of
   * a store's car parks; without `storeId`, of every car park of the caller's stores (the
   * admin's: the mall's).
   */
  parkingReport: action<{ days: ParkingReportDay[]; totals: Omit<ParkingReportDay, 'day'> }>()({
    input: schema({
      storeId: text(ID_MAX),
      from: day(),
      to: day(),
    }),
    access: ['manager', 'admin'],
    errors: ['STORE_UNKNOWN', 'PARKING_REPORT_RANGE'],
  }),
}
