/**
 * The `parkpay` cloud function: the `functionName` of the parking orders' cloudPay.unifiedOrder
 * (common/parking/cloudPay.ts). CloudBase calls it with WeChat Pay's payment result (only paid
 * orders are notified: `returnCode`, `resultCode`, `outTradeNo`, `totalFee`, `transactionId` …)
 * and repeats the call until it answers `{ errcode: 0 }`.
 *
 * Any mini-program user could call a cloud function with a made-up event, so the event is only a
 * hint: the order is asked of WeChat Pay (queryOrder) and settled paid only when WeChat Pay has it
 * paid for the payment's amount (payments.ts `notified`). A failure inside answers a non-zero
 * errcode, so the result comes again.
 */
import * as cloud from 'wx-server-sdk'

import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { systemActor } from '../common/audit'
import { systemClock, type Clock } from '../common/clock'
import { errorSummary } from '../common/errors'
import { functionPayPort, type ParkingPayPort } from '../common/parking/cloudPay'
import { createParkingPayments } from '../common/parking/payments'
import { createParkingQuotes } from '../common/parking/quote'
import { createTariffBook } from '../common/parking/tariffs'
import { openDatabases } from '../common/platform'
import { createLedger } from '../common/points/ledger'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export const CALLBACK_ACTOR = systemActor('parkpay')

export interface ParkPayOptions {
  clock?: Clock
  port?: () => ParkingPayPort
}

export function createMain(options: ParkPayOptions = {}) {
  const clock = options.clock ?? systemClock
  const tariffs = createTariffBook(clock)
  return async function main(event: unknown): Promise<{ errcode: number; errmsg: string }> {
    const outTradeNo = (event as { outTradeNo?: unknown } | null)?.outTradeNo
    if (typeof outTradeNo !== 'string' || !/^pp[0-9a-f]{30}$/.test(outTradeNo))
      return { errcode: 0, errmsg: 'ignored' }
    try {
      const { db } = openDatabases(cloud)
      const payments = createParkingPayments({
        db,
        clock,
        ledger: createLedger({ db, clock, policy: DEFAULT_LOT_POLICY }),
        quotes: createParkingQuotes({ db, clock, tariffs }),
        port: options.port ?? (() => functionPayPort()),
      })
      const outcome = await payments.notified(outTradeNo, CALLBACK_ACTOR)
      return { errcode: 0, errmsg: outcome }
    } catch (error) {
      console.error('[parkpay] failed', errorSummary(error))
      return { errcode: 1, errmsg: 'retry' }
    }
  }
}

export const main = createMain()
