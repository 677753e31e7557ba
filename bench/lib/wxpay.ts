/**
 * The `wxpay` function in the benchmarks: its HTTP access event behind the benchmarks' action
 * calls (`{ action: 'transactionNotice', data: { headers, body } }`), answered `{ ok }` by the
 * notice's status, with demo keys of this run (local-cloud/wxpay.ts).
 */
import { createMain } from '../../cloudfunctions/wxpay/index'
import { generateWxPayDemoKeys, wxPayNoticeEnv } from '../../local-cloud/wxpay'
import type { FunctionLoader } from '../../local-cloud/runtime'

export const BENCH_WXPAY_KEYS = generateWxPayDemoKeys()

export const wxpayBenchFunction: FunctionLoader = () => {
  const main = createMain({ env: { ...process.env, ...wxPayNoticeEnv(BENCH_WXPAY_KEYS) } })
  return {
    main: async (event: { data?: { headers: Record<string, string>; body: string } }) => {
      const answer = await main({
        path: '/wxpay/businesscircle',
        httpMethod: 'POST',
        headers: event.data?.headers ?? {},
        body: event.data?.body ?? '',
      })
      return answer.statusCode < 300
        ? { ok: true, data: {} }
        : { ok: false, code: `HTTP_${answer.statusCode}` }
    },
  }
}
