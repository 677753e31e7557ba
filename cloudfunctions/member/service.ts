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

import { INVENTORY, type FieldKey } from '../../src/domain/inventory'
import { needsGuardian, validateJoinInput } from '../../src/domain/join'
import { maskName, maskPhone } from '../../src/domain/mask'
import {
  chinaDate,
  formatMemberNo,
  TIER_LABELS,
  type MemberHome,
  type StoreOption,
} from '../../src/domain/member'
import { buildNotice, type Controller, type Notice } from '../../src/domain/notice'
import { checkPhone } from '../../src/domain/validators'
import type { AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import type { IdentityValues } from '../common/identity'
import type { KeyStore } from '../common/keystore'
import type { SubscribeOpenApi, SubscribeTemplates } from '../common/notify'
import { exchangePhoneCode, type PhoneOpenApi } from '../common/phone'
import type { Caller } from '../common/router'
import type { BlockSequence } from '../common/sequence'
import type { SmsConfig, SmsOpenApi, SmsService } from '../common/sms'
import type { StoreDirectory, StoreDoc } from '../common/stores'
import type { Vault } from '../common/vault'
import { channelOf, createMemberContext, type MemberContext, type MemberDoc } from './context'

export { ABANDONED_CLAIM_MS, channelOf } from './context'
export type Channel = 'weapp' | 'h5'

export interface MemberServiceDeps {
  db: Db
  vault: Vault
  clock: Clock
  openapi: SmsOpenApi & PhoneOpenApi & SubscribeOpenApi
  audit: AuditLog
  /** The key store over the key environment's database (PI_KEY_ENV). */
  keys: KeyStore
  smsConfig?: SmsConfig
  /** Subscribe-message templates per topic (`SUBSCRIBE_TEMPLATES`); none configured by default. */
  subscribeTemplates?: SubscribeTemplates
  /** Defaults to the real SMS service over `db` and `openapi`. */
  sms?: SmsService
  /** The function instance's member numbers; by default a block sequence of its own. */
  memberNumbers?: BlockSequence
  /** The function instance's store cache; by default one of its own. */
  stores?: StoreDirectory
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

const PHONE_INPUT_MAX = 32
/** Personal fields the inventory keeps in the pseudonymous member record. */
const MEMBER_RECORD_FIELDS = INVENTORY.filter((f) => f.store === 'member').map((f) => f.key)
const MAX_STORES = 100

const storeOption = (store: StoreDoc): StoreOption => ({ id: store._id, name: store.name, city: store.city })

function readController(doc: Doc | null): Controller {
  const fields = ['name', 'contactName', 'contactPhone', 'contactEmail'] as const
  if (!doc || fields.some((key) => typeof doc[key] !== 'string' || doc[key] === '')) {
    throw new Error('settings/controller is missing or incomplete')
  }
  const { name, contactName, contactPhone, contactEmail } = doc as unknown as Controller
  return { name, contactName, contactPhone, contactEmail }
}

/** The identity fields the member centre's view reads. */
export const HOME_FIELDS: FieldKey[] = ['name', 'phone', 'cardNo']

/** The member centre's view of a member: identifiers masked (L-7). */
export function toHome(member: MemberDoc, identity: IdentityValues, store: StoreOption): MemberHome {
  return {
    memberNo: member.memberNo,
    tier: member.tier,
    tierLabel: TIER_LABELS[member.tier],
    points: member.points,
    name: maskName(identity.name ?? ''),
    phone: maskPhone(identity.phone ?? ''),
    store,
    joinedAt: member.joinedAt.toISOString(),
    status: member.status,
    hasCard: Boolean(identity.cardNo),
  }
}

/** Where the stores are read: the call's database through the instance's store cache. */
export interface StoreAccess {
  db: Db
  stores: StoreDirectory
}

export async function storeOf({ db, stores }: StoreAccess, storeId: string): Promise<StoreOption> {
  const store = await stores.byId(db, storeId)
  // A store closed after the member joined still names the member's store.
  return store ? storeOption(store) : { id: storeId, name: '', city: '' }
}

export async function openStore({ db, stores }: StoreAccess, storeId: string): Promise<StoreDoc | null> {
  const store = await stores.byId(db, storeId)
  return store && store.status === 'open' ? store : null
}

/** What a new member starts with; used by join and by binding a card as a non-member. */
export interface NewMember {
  caller: Caller
  name: string
  phone: string
  storeId: string
  noticeVersion: number
  gender?: string
  province?: string
  birthDate?: string
  cardNo?: string
}

/**
 * Creates a member: claims (WeChat user, phone), identity, receipt, record. A child under 14
 * (L-5) is created `guardian_pending` with the minimum — name, phone, birth date — and no
 * consent, no gender or province, no points, until a guardian's consent is recorded.
 */
export async function createMember(
  ctx: MemberContext,
  input: NewMember,
  extra: { memberId?: string; cardId?: string } = {},
): Promise<Result<MemberDoc>> {
  const { db, clock, claims, identities, audit } = ctx
  const now = clock.now()
  const { caller } = input
  const actor = ctx.actor(caller)
  const pending = needsGuardian(input.birthDate, chinaDate(now))

  // Claims decide under concurrency; PHONE_TAKEN is only answered after the phone was proven.
  const memberId = extra.memberId ?? randomBytes(16).toString('hex')
  const refused = await claims.claimAll(
    [
      ['openid', caller.openid],
      ['phone', input.phone],
    ],
    memberId,
  )
  if (refused === 'openid') return fail('ALREADY_MEMBER')
  if (refused === 'phone') return fail('PHONE_TAKEN', 'phone')

  const joinedAt = new Date(now)
  const channel = channelOf(caller.source)
  const member = {
    _id: memberId,
    memberNo: '',
    tier: 'normal',
    points: 0,
    storeId: input.storeId,
    channel,
    status: pending ? 'guardian_pending' : 'active',
    consents: pending
      ? {}
      : { membership: { granted: true, noticeVersion: input.noticeVersion, at: joinedAt } },
    joinedAt,
  } as MemberDoc
  if (extra.cardId !== undefined) member.cardId = extra.cardId
  // Gender and province belong to the pseudonymous record (see the data inventory).
  if (!pending && input.gender !== undefined) member.gender = input.gender
  if (!pending && input.province !== undefined) member.province = input.province

  const identity: IdentityValues = { openid: caller.openid, name: input.name, phone: input.phone }
  if (input.birthDate !== undefined) identity.birthDate = input.birthDate
  if (input.cardNo !== undefined) identity.cardNo = input.cardNo

  // The sign-up's audit entries go out together at the end, in one write, with their counts.
  const entries = audit.batch()
  try {
    member.memberNo = formatMemberNo(await ctx.memberNumbers.next(db))
    await identities.create(memberId, identity, { purpose: 'membership', actor, audit: entries })
    if (!pending)
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
      await entries.record({
        actor,
        action: 'create',
        purpose: 'membership',
        memberId,
        fields: recordFields,
        success: true,
      })
    await entries.flush({ firstDay: true })
  } catch (error) {
    // What was written before the failure is still audited; the undo's deletion follows it.
    await entries.flush({ counted: false }).catch(() => undefined)
    await undoJoin(ctx, memberId, caller.openid, input.phone, actor)
    throw error
  }
  return ok(member)
}

/** Best-effort undo of a sign-up that failed after its claims were taken. */
async function undoJoin(
  ctx: MemberContext,
  memberId: string,
  openid: string,
  phone: string,
  actor: string,
): Promise<void> {
  const { db, identities, claims } = ctx
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

export function createMemberService(deps: MemberServiceDeps, context?: MemberContext): MemberService {
  const ctx = context ?? createMemberContext(deps)
  const { db, clock, sms, identities } = ctx

  return {
    async home(caller) {
      const member = await ctx.memberOf(caller)
      if (!member) return ok({ member: null })
      if (member.status === 'active' && !member.consents?.membership?.granted) return ok({ member: null })
      // The member's own view: counted once per China day in the record just read (L-14).
      const identity = await identities.read(member._id, HOME_FIELDS, {
        purpose: 'membership',
        actor: ctx.actor(caller),
        audit: ctx.audit.ownView(member),
      })
      if (!identity) return ok({ member: null })
      return ok({ member: toHome(member, identity, await storeOf(ctx, member.storeId)) })
    },

    async joinForm() {
      const controller = readController(await getDoc(db, COLLECTIONS.settings, 'controller'))
      const stores = (await ctx.stores.all(db))
        .filter((store) => store.status === 'open')
        .sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.name.localeCompare(b.name, 'zh'))
        .slice(0, MAX_STORES)
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
      if (await ctx.memberOf(caller)) return fail('ALREADY_MEMBER')
      return sms.send({ purpose: 'join', phone, requester: ctx.actor(caller) })
    },

    async join(caller, data) {
      const checked = validateJoinInput(data, chinaDate(clock.now()))
      if (!checked.ok) return checked
      const input = checked.value

      const store = await openStore(ctx, input.storeId)
      if (!store) return fail('STORE_UNKNOWN', 'storeId')
      if (await ctx.memberOf(caller)) return fail('ALREADY_MEMBER')

      let phone: string
      if ('phoneCode' in input) {
        const exchanged = await exchangePhoneCode(ctx.openapi, input.phoneCode)
        if (!exchanged.ok) return exchanged
        phone = exchanged.data
      } else {
        const verified = await sms.verify({
          purpose: 'join',
          phone: input.phone,
          requester: ctx.actor(caller),
          code: input.smsCode,
        })
        if (!verified.ok) return verified
        phone = input.phone
      }

      const created = await createMember(ctx, {
        caller,
        name: input.name,
        phone,
        storeId: store._id,
        noticeVersion: input.noticeVersion,
        gender: input.gender,
        province: input.province,
        birthDate: input.birthDate,
      })
      if (!created.ok) return created
      return ok({
        member: toHome(created.data, { name: input.name, phone }, storeOption(store)),
      })
    },
  }
}
