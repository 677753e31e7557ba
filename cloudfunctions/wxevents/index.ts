/**
 * The `wxevents` cloud function: target of WeChat message pushes (云开发 → 设置 → 其他设置 →
 * 消息推送, MsgType `event`, Event `user_authorization_revoke` and
 * `user_authorization_cancellation`). The event is the pushed JSON packet, not `{action, data}`;
 * the checks on who may trigger it are in service.ts. Answers `{ outcome }`;
 * a refused or unexpected call is logged without the OpenID.
 */
import * as cloud from 'wx-server-sdk'

import { systemClock, type Clock } from '../common/clock'
import { errorSummary } from '../common/errors'
import { auditSignerFromEnv, createAuditChain } from '../common/chain'
import { createKeyStore } from '../common/keystore'
import { openDatabases } from '../common/platform'
import { vaultFromEnv, type Vault } from '../common/vault'
import { createFileStore, type StorageApi } from '../common/files'
import { createWxEventsService, type EventOutcome, type PushContext } from './service'

// Note: the SDK's typings declare `env` as a string, but DYNAMIC_CURRENT_ENV (a symbol) is the
// documented way to follow the environment the function runs in.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface WxEventsOptions {
  clock?: Clock
  vault?: () => Vault
  /** The platform context; `cloud.getWXContext` by default. */
  getContext?: () => PushContext
}

export type WxEventsResult = { outcome: EventOutcome } | { outcome: 'error' }

export function createMain(options: WxEventsOptions = {}) {
  const clock = options.clock ?? systemClock
  const vaultOf = options.vault ?? (() => vaultFromEnv(process.env))
  const getContext = options.getContext ?? (() => cloud.getWXContext() as PushContext)
  const auditChain = createAuditChain()

  return async function main(event: unknown): Promise<WxEventsResult> {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return { outcome: 'ignored' }
    try {
      const { db, keyDb } = openDatabases(cloud)
      const vault = vaultOf()
      const keys = createKeyStore({ db: keyDb(), vault, clock })
      const signer = auditSignerFromEnv(process.env)
      const service = createWxEventsService({
        db,
        vault,
        clock,
        keys,
        signer,
        chain: auditChain,
        files: createFileStore(cloud as unknown as StorageApi),
      })
      const outcome = await service.handle(event as Record<string, unknown>, getContext())
      if (outcome === 'refused') console.warn('[wxevents] refused a call that is not a platform push')
      return { outcome }
    } catch (error) {
      console.error('[wxevents] failed', errorSummary(error))
      // Thrown so the platform retries the push.
      throw new Error('wxevents: handling failed')
    }
  }
}

export const main = createMain()
