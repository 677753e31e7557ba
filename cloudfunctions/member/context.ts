/**
 * What every member action shares: storage, the vault, SMS, claims, the scope guard, deletion,
 * and how the caller (from the platform, L-17) becomes a member id.
 */
import { PURPOSES, type PurposeId } from '../../src/domain/purposes'
import type { ConsentChannel } from '../../src/domain/selfService'
import { wechatActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import { createErasure, type Erasure } from '../common/erasure'
import { fail, ok, type Result } from '../common/errors'
import { createClaims, createIdentityStore, type Claims, type IdentityStore } from '../common/identity'
import type { KeyStore } from '../common/keystore'
import type { Caller } from '../common/router'
import { createNotifier, type Notifier, type SubscribeTemplates } from '../common/notify'
import { createScopeGuard, type MemberRecord, type ScopeGuard } from '../common/scope'
import { createBlockSequence, type BlockSequence } from '../common/sequence'
import { createSmsService, FALLBACK_SMS_TEMPLATE_ID, type SmsConfig, type SmsService } from '../common/sms'
import { createStoreDirectory, type StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'
import type { MemberServiceDeps } from './service'

/** A claim older than this whose member never appeared was left by a sign-up that died. */
export const ABANDONED_CLAIM_MS = 10 * 60_000

/**
 * Member numbers a function instance takes from the counter at once: one counter write per 20
 * sign-ups instead of one each, at the price of gaps when an instance is recycled.
 */
export const MEMBER_NO_BLOCK = 20

// SOURCE values of calls made inside WeChat (the first element: a chain such as
// "wx_client,scf" names the original caller first). Anything else — a browser through an HTTP
// gateway, local-cloud's H5 server when it says so — is the H5 build.
const WEAPP_SOURCES = new Set(['wx_client', 'wx_devtools', 'wx_localdebug', 'wx_unknown'])

/**
 * The channel recorded with a consent receipt. It comes from the platform's call context, never
 * from the request: a receipt must say how consent was given, not what the client claims.
 */
export function channelOf(source: string | undefined): 'weapp' | 'h5' {
  const first = source?.split(',')[0]?.trim()
  return first !== undefined && WEAPP_SOURCES.has(first) ? 'weapp' : 'h5'
}

export interface MemberDoc extends MemberRecord {
  memberNo: string
  tier: 'normal' | 'vip' | 'vvip'
  points: number
  storeId: string
  channel: string
  joinedAt: Date
  gender?: string
  province?: string
  cardId?: string
}

export interface MemberContext {
  db: Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  sms: SmsService
  identities: IdentityStore
  keys: KeyStore
  claims: Claims
  guard: ScopeGuard
  erasure: Erasure
  /** Member numbers, from the function instance's block (see `createBlockSequence`). */
  memberNumbers: BlockSequence
  /** The mall's stores, kept by the function instance for a minute. */
  stores: StoreDirectory
  openapi: MemberServiceDeps['openapi']
  /** Subscribe-message templates the retailer configured, per topic. */
  templates: SubscribeTemplates
  notifier: Notifier
  actor(caller: Caller): string
  /** The caller's member record (active or waiting for a guardian), if any. */
  memberOf(caller: Caller): Promise<MemberDoc | null>
  /** NOT_A_MEMBER, or GUARDIAN_PENDING unless `allowPending`. */
  requireMember(caller: Caller, options?: { allowPending?: boolean }): Promise<Result<MemberDoc>>
  /** Records a consent change in the member summary and as a receipt. */
  recordConsent(
    memberId: string,
    purpose: PurposeId,
    granted: boolean,
    noticeVersion: number,
    channel: ConsentChannel,
  ): Promise<void>
}

export function createMemberContext(deps: MemberServiceDeps): MemberContext {
  const { db, vault, clock, audit, keys } = deps
  const sms =
    deps.sms ??
    createSmsService({
      db,
      vault,
      clock,
      openapi: deps.openapi,
      config: deps.smsConfig ?? ({ env: '', templateId: FALLBACK_SMS_TEMPLATE_ID } satisfies SmsConfig),
    })
  const identities = createIdentityStore({ db, vault, audit, clock, keys })
  const claims = createClaims({
    db,
    vault,
    clock,
    isAbandoned: async (memberId, claimedAt) =>
      clock.now() - claimedAt.getTime() > ABANDONED_CLAIM_MS &&
      !(await getDoc(db, COLLECTIONS.members, memberId)),
  })
  const guard = createScopeGuard({ db, identities, audit })
  const erasure = createErasure({ db, clock, audit, identities, keys })
  const templates = deps.subscribeTemplates ?? {}
  const notifier = createNotifier({ db, guard, identities, openapi: deps.openapi, templates })

  async function memberOf(caller: Caller): Promise<MemberDoc | null> {
    const memberId = await claims.holder('openid', caller.openid)
    if (!memberId) return null
    const member = (await getDoc(db, COLLECTIONS.members, memberId)) as MemberDoc | null
    return member && (member.status === 'active' || member.status === 'guardian_pending') ? member : null
  }

  return {
    db,
    vault,
    clock,
    audit,
    sms,
    identities,
    keys,
    claims,
    guard,
    erasure,
    memberNumbers: deps.memberNumbers ?? createBlockSequence('memberNo', MEMBER_NO_BLOCK),
    stores: deps.stores ?? createStoreDirectory(clock),
    openapi: deps.openapi,
    templates,
    notifier,
    actor: (caller) => wechatActor(vault, caller.openid),
    memberOf,
    async requireMember(caller, options = {}) {
      const member = await memberOf(caller)
      if (!member) return fail('NOT_A_MEMBER')
      if (member.status === 'guardian_pending' && !options.allowPending) return fail('GUARDIAN_PENDING')
      return ok(member)
    },
    async recordConsent(memberId, purpose, granted, noticeVersion, channel) {
      if (!PURPOSES[purpose]) throw new Error(`unknown purpose ${purpose}`)
      const at = new Date(clock.now())
      await db
        .collection(COLLECTIONS.members)
        .doc(memberId)
        .update({ data: { [`consents.${purpose}`]: { granted, noticeVersion, at } } })
      await db.collection(COLLECTIONS.consentReceipts).add({
        data: { memberId, purpose, noticeVersion, granted, at, channel },
      })
    },
  }
}
