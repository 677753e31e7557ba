/**
 * WeChat's authorisation events (L-10), delivered by 云开发 → 设置 → 消息推送 to this function:
 * - `user_authorization_revoke` with RevokeInfo 1 (plate) → the plates are deleted and the
 *   parking consent is recorded as withdrawn; RevokeInfo 8 (phone) → the phone is deleted;
 * - `user_authorization_cancellation` → the whole account is deleted as by `deleteAccount`.
 *
 * Who may trigger it (L-17). The OpenID comes from the pushed packet, so the function must make
 * sure the packet is a push and not a shopper's call naming someone else:
 * - a call from the mini-program always carries `userInfo` (the platform injects
 *   `{ appId, openId }` into events of wx.cloud.callFunction) — a pushed packet never does:
 *   refused;
 * - SOURCE `wx_http` (HTTP access) and events shaped like HTTP requests are refused: this
 *   function must never be bound to an HTTP path;
 * - when the platform context names a user (OPENID, as for pushed customer-service messages, or
 *   a call chained from another function), it must be the packet's OpenID: a caller can at most
 *   act on their own account;
 * - when it names an app (APPID), the packet's AppID / ToUserName must not name another one.
 */
import type { Clock } from '../common/clock'
import { createAuditLog } from '../common/audit'
import type { FileStore } from '../common/files'
import type { AuditChain, AuditSigner } from '../common/chain'
import { createConsentRecorder } from '../common/consents/recorder'
import type { Db } from '../common/db'
import { createErasure } from '../common/erasure'
import { createClaims, createIdentityStore } from '../common/identity'
import type { KeyStore } from '../common/keystore'
import type { Vault } from '../common/vault'

export interface PushContext {
  OPENID?: string
  APPID?: string
  SOURCE?: string
}

export type EventOutcome =
  | 'refused'
  | 'ignored'
  | 'no-member'
  | 'plates-deleted'
  | 'phone-deleted'
  | 'plates-and-phone-deleted'
  | 'account-deleted'

const REVOKE_PLATE = 1
const REVOKE_PHONE = 8
const ACTOR = 'platform:wechat'
const OPENID = /^[A-Za-z0-9_-]{1,64}$/

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The RevokeInfo ids of a packet: "1", "1,8", 8 or [1, 8]. */
export function revokeIds(value: unknown): number[] {
  const parts = Array.isArray(value) ? value : String(value ?? '').split(/[,\s|]+/)
  return parts.map((p) => Number(p)).filter((n) => Number.isInteger(n) && n > 0)
}

/** Whether the event is a platform push that may act on `openid` (see above). */
export function isTrustedPush(event: Record<string, unknown>, context: PushContext, openid: string): boolean {
  if ('userInfo' in event) return false
  if ('httpMethod' in event || 'headers' in event) return false
  const source = (context.SOURCE ?? '').split(',')[0]?.trim()
  if (source === 'wx_http') return false
  if (context.OPENID && context.OPENID !== openid) return false
  const appId = str(event.AppID) ?? str(event.ToUserName)
  if (context.APPID && appId && appId.startsWith('wx') && appId !== context.APPID) return false
  return true
}

export function createWxEventsService(deps: {
  db: Db
  vault: Vault
  clock: Clock
  keys: KeyStore
  signer: AuditSigner
  chain?: AuditChain
  files: FileStore
}) {
  const { db, vault, clock, keys } = deps
  const audit = createAuditLog({ db, signer: deps.signer, clock, chain: deps.chain })
  const identities = createIdentityStore({ db, vault, audit, clock, keys })
  const claims = createClaims({ db, vault, clock, isAbandoned: async () => false })
  const consents = createConsentRecorder({ db, clock })
  const erasure = createErasure({ db, clock, audit, identities, keys, consents, files: deps.files })

  return {
    async handle(event: Record<string, unknown>, context: PushContext): Promise<EventOutcome> {
      const openid = str(event.OpenID) ?? str(event.FromUserName)
      if (!openid || !OPENID.test(openid)) return 'ignored'
      if (!isTrustedPush(event, context, openid)) return 'refused'
      const kind = event.Event
      if (kind !== 'user_authorization_revoke' && kind !== 'user_authorization_cancellation') return 'ignored'
      const memberId = await claims.holder('openid', openid)
      if (!memberId) return 'no-member'

      if (kind === 'user_authorization_cancellation') {
        await erasure.eraseMember(memberId, ACTOR, 'wechat')
        return 'account-deleted'
      }
      const ids = revokeIds(event.RevokeInfo)
      const plate = ids.includes(REVOKE_PLATE)
      const phone = ids.includes(REVOKE_PHONE)
      if (plate) {
        await consents.record({ memberId, purpose: 'parking', granted: false, channel: 'wechat' })
        await erasure.deletePlates(memberId, ACTOR)
      }
      if (phone) await erasure.deletePhone(memberId, ACTOR)
      if (plate && phone) return 'plates-and-phone-deleted'
      if (plate) return 'plates-deleted'
      if (phone) return 'phone-deleted'
      return 'ignored'
    },
  }
}
