/**
 * Paying for parking, the staff side (issue #12; src/domain/contracts/parkpay.ts): a manager
 * refunds a paid parking payment of the store's car parks in full, with a reason (audited; the
 * money through WeChat Pay, the points and vouchers back once, the refund counted in the day),
 * and managers (their stores) and the admin read the daily parking figures (parking_days only).
 */
import { actingStaff } from '../common/staff'
import type { ParkingReportDay, parkPayStaffContract } from '../../src/domain/contracts/parkpay'
import { fail, ok } from '../../src/domain/errors'
import { inStoreScope } from '../../src/domain/staff/model'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db } from '../common/db'
import { functionPayPort, type ParkingPayPort } from '../common/parking/cloudPay'
import { parkingDays, PARKING_DAY_FIELDS } from '../common/parking/days'
import { createParkingPayments, paymentView } from '../common/parking/payments'
import { createParkingQuotes } from '../common/parking/quote'
import { createTariffBook } from '../common/parking/tariffs'
import { createLedger } from '../common/points/ledger'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'

/** A report covers at most this many days. */
export const PARKING_REPORT_DAYS = 31
/** Car parks read at most: more than a mall has. */
const CAR_PARKS_MAX = 50
const DAY_MS = 86_400_000

const emptyDay = (day: string): ParkingReportDay => ({
  day,
  payments: 0,
  paidFen: 0,
  refunds: 0,
  refundedFen: 0,
  waives: 0,
  waivedFen: 0,
  tierFen: 0,
  spendFen: 0,
  voucherFen: 0,
  pointsFen: 0,
  pointsSpent: 0,
})

export function createParkPayStaffActions(
  deps: { db: Db; clock: Clock; audit: AuditLog; stores: StoreDirectory },
  port: () => ParkingPayPort = () => functionPayPort(),
): Handlers<typeof parkPayStaffContract, { status: 'active' }> {
  const { db, clock, audit, stores } = deps
  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY })
  const quotes = createParkingQuotes({ db, clock, tariffs: createTariffBook(clock) })
  const payments = createParkingPayments({ db, clock, ledger, quotes, port })

  return {
    async refundParkingPayment({ paymentId, reason }, { caller }) {
      const staff = actingStaff(caller)
      const payment = await payments.read(paymentId)
      if (!payment || !inStoreScope(staff, payment.storeId))
        return fail('PARKING_PAYMENT_UNKNOWN', 'paymentId')
      const actor = staffActor(staff.id)
      const refunded = await payments.refund(payment, { actor, reason })
      if (!refunded.ok) return refunded
      if (refunded.data.moved)
        await audit.record(
          {
            actor,
            action: 'update',
            purpose: 'parking',
            memberId: `parkingPayment:${payment._id}`,
            fields: [],
            success: true,
            reason,
          },
          { counted: false },
        )
      return ok({ payment: paymentView(refunded.data.payment) })
    },

    async parkingReport({ storeId, from, to }, { caller }) {
      const staff = actingStaff(caller)
      if (storeId !== undefined && (!inStoreScope(staff, storeId) || !(await stores.byId(db, storeId))))
        return fail('STORE_UNKNOWN', 'storeId')
      const storeIds = storeId !== undefined ? [storeId] : staff.storeIds
      const today = new Date(clock.now() + 8 * 3600_000).toISOString().slice(0, 10)
      const last = to ?? today
      const first = from ?? last
      const span = (Date.parse(last) - Date.parse(first)) / DAY_MS + 1
      if (span < 1 || span > PARKING_REPORT_DAYS) return fail('PARKING_REPORT_RANGE', 'from')
      const _ = db.command
      const { data: carParks } = await db
        .collection(COLLECTIONS.carParks)
        .where(storeIds === 'all' ? {} : { storeId: _.in([...storeIds]) })
        .limit(CAR_PARKS_MAX)
        .get()
      const found = await parkingDays(
        db,
        carParks.map((c) => String(c._id)),
        first,
        last,
      )
      const days = found.map((d) => ({ ...emptyDay(d.day), ...d }))
      const totals = emptyDay('')
      for (const d of days) for (const field of PARKING_DAY_FIELDS) totals[field] += d[field]
      const { day: _day, ...sums } = totals
      return ok({ days, totals: sums })
    },
  }
}
