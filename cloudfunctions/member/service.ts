/**
 * The member service: sign-up (4.1.2, 4.1.3, 4.2.1.1) and the member centre's home (L-7).
 *
 * What is stored where (5.1):
 * - `members/<random id>`: pseudonymous — number, tier, points, store, gender, province,
 *   channel, status, consent summary, join time. No direct identifier.
 * - `identities/<member id>`: the wrapped data key, name / phone / birth date encrypted, and
 *   blind indexes of phone and OPENID.
 * - `identity_index/<kind>:<blind index>`: one claim per phone and per OPENID; `add` with that
 *   fixed `_id` is atomic, so concurrent sign-ups with one phone end as exactly one member.
 * - `consent_receipts`: what was agreed to, which notice version, when, through which channel.
 */
import { randomBytes } from 'node:crypto'

import { INVENTORY } from '../../src/domain/inventory'
import { validateJoinInput } from '../../src/domain/join'
import { maskName, maskPhone } from '../../src/domain/mask'
import {
  chinaDate,
  formatMemberNo,
  TIER_LABELS,
  type MemberHome,
  type StoreOption,
  type Tier,
} from '../../src/domain/member'
import { buildNotice, type Controller, type Notice } from '../../src/domain/notice'
import { NOTICE_VERSION } from '../../src/domain/purposes'
import { checkPhone } from '../../src/domain/validators'
import { wechatActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import { createClaims, createIdentityStore, type IdentityValues } from '../common/identity'
import type { Caller } from '../common/router'
import { nextSequence } from '../common/sequence'
import {
  createSmsService,
  FALLBACK_SMS_TEMPLATE_ID,
  type SmsConfig,
  type SmsOpenApi,
  type SmsService,
} from '../common/sms'
import type { Vault } from '../common/vault'

export type Channel = 'weapp' | 'h5'

export interface MemberServiceDeps {
  db: Db
  vault: Vault
  clock: Clock
  openapi: SmsOpenApi
  audit: AuditLog
  smsConfig?: SmsConfig
  /** Defaults to the real SMS service over `db` and `openapi`. */
  sms?: SmsService
}

export interface MemberService {
  home(caller: Caller): Promise<Result<{ member: MemberHome | null }>>
  joinForm(caller: Caller): Promise<Result<{ notice: Notice; stores: StoreOption[] }>>
  sendJoinCode(
    caller: Caller,
    data: Record<string, unknown>,
  ): Promise<Result<{ expiresIn: number; resendAfter: number }>>
  join(caller: Caller, data: Record<string, unknown>): Promise<Result<{ member: MemberHome }>>
}

/** A claim older than this whose member never appeared was left by a sign-up that died. */
export const ABANDONED_CLAIM_MS = 10 * 60_000
const PHONE_INPUT_MAX = 32
/** Personal fields the inventory keeps in the pseudonymous member record. */
const MEMBER_RECORD_FIELDS = INVENTORY.filter((f) => f.store === 'member').map((f) => f.key)
const MAX_STORES = 100

// SOURCE values of calls made inside WeChat (the first element: a chain such as
// "wx_client,scf" names the original caller first). Anything else — a browser through an HTTP
// gateway, local-cloud's H5 server when it says so — is the H5 build.
const WEAPP_SOURCES = new Set(['wx_client', 'wx_devtools', 'wx_localdebug', 'wx_unknown'])

/**
 * The sign-up channel recorded with the consent receipt. It comes from the platform's call
 * context, never from the request: a receipt must say how consent was given, not what the
 * client claims.
 */
export function channelOf(source: string | undefined): Channel {
  const first = source?.split(',')[0]?.trim()
  return first !== undefined && WEAPP_SOURCES.has(first) ? 'weapp' : 'h5'
}

interface StoreDoc extends Doc {
  name: string
  city: string
  status: 'open' | 'closed'
  sort?: number
}

interface MemberDoc extends Doc {
  memberNo: string
  tier: Tier
  points: number
  storeId: string
  status: 'active' | 'cancelled'
  joinedAt: Date
  consents?: { membership?: { granted?: boolean } }
}

const storeOption = (store: StoreDoc): StoreOption => ({ id: store._id, name: store.name, city: store.city })

function readController(doc: Doc | null): Controller {
  const fields = ['name', 'contactName', 'contactPhone', 'contactEmail'] as const
  if (!doc || fields.some((key) => typeof doc[key] !== 'string' || doc[key] === '')) {
    throw new Error('settings/controller is missing or incomplete')
  }
  const { name, contactName, contactPhone, contactEmail } = doc as unknown as Controller
  return { name, contactName, contactPhone, contactEmail }
}

export function createMemberService(deps: MemberServiceDeps): MemberService {
  const { db, vault, clock, audit } = deps
  const sms =
    deps.sms ??
    createSmsService({
      db,
      vault,
      clock,
      openapi: deps.openapi,
      config: deps.smsConfig ?? { env: '', templateId: FALLBACK_SMS_TEMPLATE_ID },
    })
  const identities = createIdentityStore({ db, vault, audit, clock })
  const claims = createClaims({
    db,
    vault,
    clock,
    isAbandoned: async (memberId, claimedAt) =>
      clock.now() - claimedAt.getTime() > ABANDONED_CLAIM_MS &&
      !(await getDoc(db, COLLECTIONS.members, memberId)),
  })

  async function openStore(storeId: string): Promise<StoreDoc | null> {
    const store = (await getDoc(db, COLLECTIONS.stores, storeId)) as StoreDoc | null
    return store && store.status === 'open' ? store : null
  }

  /** The caller's active member record, if any. */
  async function memberOf(openid: string): Promise<MemberDoc | null> {
    const memberId = await claims.holder('openid', openid)
    if (!memberId) return null
    const member = (await getDoc(db, COLLECTIONS.members, memberId)) as MemberDoc | null
    return member && member.status === 'active' ? member : null
  }

  function toHome(member: MemberDoc, identity: IdentityValues, store: StoreOption): MemberHome {
    return {
      memberNo: member.memberNo,
      tier: member.tier,
      tierLabel: TIER_LABELS[member.tier],
      points: member.points,
      name: maskName(identity.name ?? ''),
      phone: maskPhone(identity.phone ?? ''),
      store,
      joinedAt: member.joinedAt.toISOString(),
    }
  }

  async function storeOf(storeId: string): Promise<StoreOption> {
    const store = (await getDoc(db, COLLECTIONS.stores, storeId)) as StoreDoc | null
    // A store closed after the member joined still names the member's store.
    return store ? storeOption(store) : { id: storeId, name: '', city: '' }
  }

  /** Best-effort undo of a sign-up that failed after its claims were taken. */
  async function undoJoin(memberId: string, openid: string, phone: string, actor: string): Promise<void> {
    const steps = [
      () => db.collection(COLLECTIONS.members).doc(memberId).remove(),
      () => db.collection(COLLECTIONS.consentReceipts).where({ memberId }).remove(),
      async () => {
        if (await getDoc(db, COLLECTIONS.identities, memberId))
          await identities.destroy(memberId, { purpose: 'membership', actor })
      },
      () => claims.release('phone', phone, memberId),
      () => claims.release('openid', openid, memberId),
    ]
    for (const step of steps) {
      try {
        await step()
      } catch {
        // Keep undoing. Claims left behind are taken over later by the abandoned-claim rule.
      }
    }
  }

  return {
    async home(caller) {
      const member = await memberOf(caller.openid)
      if (!member || !member.consents?.membership?.granted) return ok({ member: null })
      const identity = await identities.read(member._id, ['name', 'phone'], {
        purpose: 'membership',
        actor: wechatActor(vault, caller.openid),
      })
      if (!identity) return ok({ member: null })
      return ok({ member: toHome(member, identity, await storeOf(member.storeId)) })
    },

    async joinForm() {
      const controller = readController(await getDoc(db, COLLECTIONS.settings, 'controller'))
      const { data } = await db
        .collection(COLLECTIONS.stores)
        .where({ status: 'open' })
        .limit(MAX_STORES)
        .get()
      const stores = (data as StoreDoc[])
        .sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.name.localeCompare(b.name, 'zh'))
        .map(storeOption)
      return ok({ notice: buildNotice(controller), stores })
    },

    async sendJoinCode(caller, data) {
      const raw = data.phone ?? ''
      if (typeof raw !== 'string') return fail('INVALID_ARGUMENT', 'phone')
      const phone = raw.trim()
      if (phone.length > PHONE_INPUT_MAX) return fail('FIELD_TOO_LONG', 'phone')
      const phoneError = checkPhone(phone)
      if (phoneError) return fail(phoneError, 'phone')
      // No SMS (and no cost) for someone who is already a member. Whether the phone belongs to
      // a member is not answered here: that would tell anyone which numbers are registered.
      if (await memberOf(caller.openid)) return fail('ALREADY_MEMBER')
      return sms.send({ purpose: 'join', phone, requester: wechatActor(vault, caller.openid) })
    },

    async join(caller, data) {
      const now = clock.now()
      const checked = validateJoinInput(data, chinaDate(now))
      if (!checked.ok) return checked
      const input = checked.value

      const store = await openStore(input.storeId)
      if (!store) return fail('STORE_UNKNOWN', 'storeId')
      if (await memberOf(caller.openid)) return fail('ALREADY_MEMBER')

      const actor = wechatActor(vault, caller.openid)
      const verified = await sms.verify({
        purpose: 'join',
        phone: input.phone,
        requester: actor,
        code: input.smsCode,
      })
      if (!verified.ok) return verified

      // Claims decide under concurrency; PHONE_TAKEN is only answered after the code proved
      // that the caller holds the phone, so it reveals nothing to a stranger.
      const memberId = randomBytes(16).toString('hex')
      if (!(await claims.claim('openid', caller.openid, memberId))) return fail('ALREADY_MEMBER')
      if (!(await claims.claim('phone', input.phone, memberId))) {
        await claims.release('openid', caller.openid, memberId)
        return fail('PHONE_TAKEN', 'phone')
      }

      const joinedAt = new Date(now)
      const channel = channelOf(caller.source)
      const member: MemberDoc = {
        _id: memberId,
        memberNo: '',
        tier: 'normal',
        points: 0,
        storeId: store._id,
        channel,
        status: 'active',
        consents: { membership: { granted: true, noticeVersion: NOTICE_VERSION, at: joinedAt } },
        joinedAt,
      } as MemberDoc
      // Gender and province belong to the pseudonymous record (see the data inventory).
      if (input.gender !== undefined) member.gender = input.gender
      if (input.province !== undefined) member.province = input.province

      const identity: IdentityValues = { openid: caller.openid, name: input.name, phone: input.phone }
      if (input.birthDate !== undefined) identity.birthDate = input.birthDate

      try {
        member.memberNo = formatMemberNo(await nextSequence(db, 'memberNo'))
        await identities.create(memberId, identity, { purpose: 'membership', actor })
        await db.collection(COLLECTIONS.consentReceipts).add({
          data: {
            memberId,
            purpose: 'membership',
            noticeVersion: input.noticeVersion,
            granted: true,
            at: joinedAt,
            channel,
          },
        })
        // Written last: the member exists for `home` once this document does.
        await db.collection(COLLECTIONS.members).add({ data: member })
        const recordFields = MEMBER_RECORD_FIELDS.filter((key) => member[key] !== undefined)
        if (recordFields.length > 0)
          await audit.record({
            actor,
            action: 'create',
            purpose: 'membership',
            memberId,
            fields: recordFields,
            success: true,
          })
      } catch (error) {
        await undoJoin(memberId, caller.openid, input.phone, actor)
        throw error
      }
      return ok({ member: toHome(member, identity, storeOption(store)) })
    },
  }
}
