/**
 * The `wxpay` cloud function: WeChat Pay 智慧商圈's notify URL, reached through CloudBase's HTTP
 * access service at `/wxpay/businesscircle` (docs/deployment.md §7). The event is the
 * integration event (raw body, lower-case headers) and carries no WeChat user; the answer is
 * `{ statusCode, headers, body }` (service.ts says which status makes WeChat Pay retry).
 * A failure inside is logged without the notice and answered 500, so the notice comes again.
 */
import * as cloud from 'wx-server-sdk'

import { createAuditLog } from '../common/audit'
import { auditSignerFromEnv, createAuditChain } from '../common/chain'
import { systemClock, type Clock } from '../common/clock'
import { errorSummary } from '../common/errors'
import { createClaims } from '../common/identity'
import { createKeyStore } from '../common/keystore'
import { openDatabases } from '../common/platform'
import { createRulesBook } from '../common/points/rules'
import { vaultFromEnv } from '../common/vault'
import { noticeKeysFromEnv, type NoticeKeys } from '../common/wxpay/config'
import { createWxPayService, type HttpAnswer, type HttpEvent } from './service'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface WxPayOptions {
  clock?: Clock
  env?: Record<string, string | undefined>
}

export function createMain(options: WxPayOptions = {}) {
  const clock = options.clock ?? systemClock
  const env = options.env ?? process.env
  const auditChain = createAuditChain()
  const rules = createRulesBook(clock)
  let noticeKeys: NoticeKeys | undefined

  return async function main(event: unknown): Promise<HttpAnswer> {
    try {
      const { db, keyDb } = openDatabases(cloud, env)
      const vault = vaultFromEnv(env)
      const service = createWxPayService({
        db,
        clock,
        audit: createAuditLog({ db, signer: auditSignerFromEnv(env), clock, chain: auditChain }),
        claims: createClaims({ db, vault, clock, isAbandoned: async () => false }),
        keys: createKeyStore({ db: keyDb(), vault, clock }),
        rules,
        vault,
        noticeKeys: () => (noticeKeys ??= noticeKeysFromEnv(env)),
        ...(env.WXPAY_STORE_ID?.trim() ? { storeId: env.WXPAY_STORE_ID.trim() } : {}),
      })
      return await service.handle((typeof event === 'object' && event !== null ? event : {}) as HttpEvent)
    } catch (error) {
      console.error('[wxpay] failed', errorSummary(error))
      return {
        statusCode: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ code: 'FAIL', message: '系统繁忙，请稍后重试' }),
      }
    }
  }
}

export const main = createMain()
