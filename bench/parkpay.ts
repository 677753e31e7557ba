/**
 * Paying for parking (issue #12): `member.payParking` (a shopper paying by plate: the quote, the
 * payment, the cloudPay order) and `parkpay.callback` (WeChat Pay's result: the order asked of
 * WeChat Pay, then the payment, the session and the car park's day in one transaction), with
 * database operations per call.
 */
import { systemClock } from '../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../cloudfunctions/common/db'
import { createParkingSessions } from '../cloudfunctions/common/parking/sessions'
import { createTariffBook } from '../cloudfunctions/common/parking/tariffs'
import { createAuditLog } from '../cloudfunctions/common/audit'
import { auditSignerFromEnv } from '../cloudfunctions/common/chain'
import { vaultFromEnv } from '../cloudfunctions/common/vault'
import { DEMO_CAR_PARK } from '../database/seed'
import type { ActionCase, BenchCall } from './actions'
import type { Answer, BenchEnv } from './lib/env'

let cars = 0

/** `n` plates parked an hour ago, each a session of its own. */
async function parkedPlates(env: BenchEnv, n: number): Promise<{ plate: string; sessionId: string }[]> {
  const db = asDb(env.cloud.database(DB_OPTIONS))
  const sessions = createParkingSessions({
    db,
    keyDb: () => asDb(env.cloud.database({ ...DB_OPTIONS, env: env.cloud.keyEnv })),
    vault: vaultFromEnv(process.env),
    clock: systemClock,
    tariffs: createTariffBook(systemClock),
    audit: createAuditLog({ db, signer: auditSignerFromEnv(process.env), clock: systemClock }),
  })
  const out: { plate: string; sessionId: string }[] = []
  for (let i = 0; i < n; i++) {
    const plate = `沪C${String(cars++ % 100_000).padStart(5, '0')}`
    const applied = await sessions.applyCarParkEvent(DEMO_CAR_PARK, {
      eventId: `bench-pay-${cars}`,
      kind: 'entry',
      plate,
      at: new Date(Date.now() - 60 * 60_000).toISOString(),
    })
    if (!applied.ok) throw new Error(`parking entry failed: ${applied.code}`)
    out.push({ plate, sessionId: applied.data.sessionId })
  }
  return out
}

const payCalls = async (env: BenchEnv, n: number): Promise<BenchCall[]> => {
  // The sub-merchant the orders are made for (local-cloud's cloudPay fake asks for one).
  process.env.WXPAY_SUB_MCH_ID ??= 'bench-sub-mch'
  const parked = await parkedPlates(env, n)
  return parked.map(({ plate, sessionId }, i) => ({
    openid: `bench-payer-${cars}-${i}`,
    data: { sessionId, plate, key: `bench-key-${cars}-${i}` },
  }))
}

export const PARKPAY_CASES: ActionCase[] = [
  { fn: 'member', action: 'payParking', prepare: payCalls },
  {
    // WeChat Pay's result for a paid order, as cloudPay delivers it to the `parkpay` function.
    fn: 'parkpay',
    action: 'callback',
    prepare: async (env, n) => {
      const calls: BenchCall[] = []
      for (const call of await payCalls(env, n)) {
        const answer = await env.call('member', 'payParking', call.openid, call.data)
        if (!answer.ok) throw new Error(`member.payParking failed: ${answer.code}`)
        const order = answer.data.order as { outTradeNo: string }
        const paid = env.cloud.cloudPay.order(order.outTradeNo)
        if (!paid) throw new Error('no cloudPay order')
        calls.push({ openid: '', data: { outTradeNo: order.outTradeNo, totalFee: paid.totalFee } })
      }
      return calls
    },
    invoke: async (env, call) => {
      const { outTradeNo, totalFee } = call.data as { outTradeNo: string; totalFee: number }
      // The order is paid in the fake (no database operation), then its result is delivered.
      await env.cloud.cloudPay.complete(outTradeNo, async () => undefined)
      const answer = (await env.cloud.invoke(
        'parkpay',
        { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo, totalFee },
        { OPENID: '', SOURCE: 'wxpay_callback' },
      )) as { errcode: number; errmsg: string }
      return (
        answer.errcode === 0 && answer.errmsg === 'settled'
          ? { ok: true, data: {} }
          : { ok: false, code: answer.errmsg }
      ) as Answer
    },
  },
]
