#!/usr/bin/env node
/**
 * npm run wxpay:replay — posts a WeChat Pay 智慧商圈 notice, signed and encrypted with the demo
 * keys `npm start` generated (<data dir>/wxpay-demo.json), to the running local server's
 * `/http/wxpay/businesscircle`, as WeChat Pay delivers it (`--times 12`: the same notice again,
 * as WeChat Pay retries for 24 hours).
 *
 *   npm run wxpay:replay -- --event transaction|refund|auth --openid ID [--amount FEN]
 *                           [--transaction ID] [--refund ID] [--times N] [--port PORT] [--data-dir DIR]
 *
 * The shopper persona's OpenID is shown by the 开发工具 panel (GET /api/dev/session).
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { cliOptions } from './lib/cli.mjs'
import { localDataDir } from './lib/local-data.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const usage =
  'usage: npm run wxpay:replay -- --event transaction|refund|auth --openid ID [--amount FEN] [--transaction ID] [--refund ID] [--times N] [--port PORT] [--data-dir DIR]'
const options = cliOptions(
  'wxpay:replay',
  {
    event: { type: 'string' },
    openid: { type: 'string' },
    amount: { type: 'string' },
    transaction: { type: 'string' },
    refund: { type: 'string' },
    times: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  usage,
)
if (!['transaction', 'refund', 'auth'].includes(options.event ?? '') || !options.openid) {
  console.error(`wxpay:replay: --event and --openid are required\n${usage}`)
  process.exit(2)
}
const times = Number(options.times ?? 1)
const amount = options.amount === undefined ? undefined : Number(options.amount)
if (
  !Number.isInteger(times) ||
  times < 1 ||
  (amount !== undefined && (!Number.isInteger(amount) || amount < 0))
) {
  console.error(`wxpay:replay: --times and --amount are whole numbers\n${usage}`)
  process.exit(2)
}

const file = path.join(localDataDir(options['data-dir']), 'wxpay-demo.json')
if (!existsSync(file)) {
  console.error(`wxpay:replay: no demo keys in ${file} (run npm start once)`)
  process.exit(1)
}
const keys = JSON.parse(readFileSync(file, 'utf8'))
const { buildNotice, noticeResource } = await loadTypeScript('wxpay-replay', 'local-cloud/wxpay.ts')

const input = {
  kind: options.event,
  openid: options.openid,
  amountFen: amount,
  transactionId: options.transaction,
  refundId: options.refund,
}
// One notice, delivered `times` times: the same id and content, signed afresh each time.
const resource = noticeResource(input)
const noticeId = crypto.randomUUID()
const url = `http://127.0.0.1:${options.port ?? process.env.PORT ?? 10086}/http/wxpay/businesscircle`
for (let i = 1; i <= times; i++) {
  const notice = buildNotice(keys, { ...input, noticeId }, resource)
  const answer = await fetch(url, { method: 'POST', headers: notice.headers, body: notice.body })
  const text = await answer.text()
  console.log(`${i}/${times} → ${answer.status}${text ? ` ${text}` : ''}`)
}
if (resource.transaction_id) console.log(`transaction_id ${resource.transaction_id}`)
if (resource.refund_id) console.log(`refund_id ${resource.refund_id}`)
