/**
 * Creating a member (4.1.2, 4.1.3, 4.2.1.1): by joining, or by binding a service-desk card as a
 * non-member. What is stored where (5.1):
 * - `members/<random id>`: pseudonymous (see model.ts);
 * - `identities/<member id>`: name / phone / birth date encrypted, blind indexes of phone and
 *   OPENID (the data key in the key environment);
 * - `identity_index/<kind>:<blind index>`: one claim per phone and per OPENID; `add` with that
 *   fixed `_id` is atomic, so concurrent sign-ups with one phone end as exactly one member;
 * - `consent_receipts`: what was agreed to, which notice version, when, through which channel, and
 *   the shopper's age declaration when no birth date was given (L-5).
 */
import { randomBytes } from 'node:crypto'

import type { Caller } from '../../../src/domain/access'
import type { Attribution } from '../../../src/domain/channel/model'
import { chinaDate } from '../../../src/domain/dates'
import { INVENTORY } from '../../../src/domain/identity/inventory'
import { formatMemberNo, needsGuardian } from '../../../src/domain/member/rules'
import { memberNoTail } from '../../../src/domain/staff/lookup'
import { wechatActor, type AuditLog } from '../audit'
import type { Clock } from '../clock'
import { channelOf, type ConsentRecorder } from '../consents/recorder'
import { COLLECTIONS, getDoc, type Db } from '../db'
import { fail, ok, type Result } from '../errors'
import { createClaims, type Claims, type IdentityStore, type IdentityValues } from '../identity'
import type { BlockSequence } from '../sequence'
import type { Vault } from '../vault'
import { birthdayMarks } from './birthday'
import type { CallerCache } from './callers'
import type { MemberDoc } from './model'

/** A claim older than this whose member never appeared was left by a sign-up that died. */
export const ABANDONED_CLAIM_MS = 10 * 60_000

/** The uniqueness claims of members: one a sign-up that died left behind can be taken over. */
export function createMemberClaims({ db, vault, clock }: { db: Db; vault: Vault; clock: Clock }): Claims {
  return createClaims({
    db,
    vault,
    clock,
    isAbandoned: async (memberId, claimedAt) =>
      clock.now() - claimedAt.getTime() > ABANDONED_CLAIM_MS &&
      !(await getDoc(db, COLLECTIONS.members, memberId)),
  })
}

/** Personal fields the inventory keeps in the pseudonymous member record. */
const MEMBER_RECORD_FIELDS = INVENTORY.filter((f) => f.store === 'member').map((f) => f.key)

/** What a new member starts with. */
export interface NewMember {
  caller: Caller
  name: string
  phone: string
  storeId: string
  noticeVersion: number
  gender?: string
  province?: string
  birthDate?: string
  /** Without a birth date: the shopper declared being 15 or older, or having a guardian's consent (L-5). */
  ageDeclared?: boolean
  cardNo?: string
  /** The channel joined through (first touch); not kept for a child waiting for a guardian. */
  source?: Attribution
}

export interface Registration {
  /**
   * Creates a member: claims (WeChat user, phone), identity, receipt, record. A child aged 14 or
   * under (L-5) is created `guardian_pending` with the minimum — name, phone, birth date — and no
   * consent, no gender or province, no points, until a guardian's consent is recorded.
   * ALREADY_MEMBER or PHONE_TAKEN when a claim is held; anything unexpected is undone and thrown.
   */
  create(input: NewMember, extra?: { memberId?: string; cardId?: string }): Promise<Result<MemberDoc>>
}

export function createRegistration(deps: {
  db: Db
  vault: Vault
  clock: Clock
  claims: Claims
  identities: IdentityStore
  audit: AuditLog
  consents: ConsentRecorder
  /** The function instance's member numbers (a block at a time). */
  memberNumbers: BlockSequence
  /** The function instance's callers seen: the new member's first view reads only the record. */
  callers: CallerCache
}): Registration {
  const { db, vault, clock, claims, identities, audit, consents, memberNumbers } = deps

  /** Best-effort undo of a sign-up that failed after its claims were taken. */
  async function undo(memberId: string, openid: string, phone: string, actor: string): Promise<void> {
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
    async create(input, extra = {}) {
      const now = clock.now()
      const { caller } = input
      const actor = wechatActor(vault, caller.openid)
      const pending = needsGuardian(input.birthDate, chinaDate(now))

      // Claims decide under concurrency; PHONE_TAKEN is only answered after the phone was proven.
      const memberId = extra.memberId ?? randomBytes(16).toString('hex')
      const refused = await claims.claimAll(
        [
          ['openid', caller.openid],
          ['phone', input.phone],
        ],
        memberId,
        // Until the member record is written: a retry of this WeChat user after this sign-up
        // died takes the claim over at once (and this sign-up, if it was alive, gives up).
        { pending: 'openid' },
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
      if (!pending && input.source !== undefined) member.source = input.source
      // A child's birth date is held, not used, until a guardian consents (guardian.ts marks it then).
      if (!pending && input.birthDate !== undefined)
        member.birthdayMarks = birthdayMarks(vault, memberId, input.birthDate)

      const identity: IdentityValues = { openid: caller.openid, name: input.name, phone: input.phone }
      if (input.birthDate !== undefined) identity.birthDate = input.birthDate
      if (input.cardNo !== undefined) identity.cardNo = input.cardNo

      // The sign-up's audit entries go out together at the end, in one write, with their counts.
      const entries = audit.batch()
      try {
        member.memberNo = formatMemberNo(await memberNumbers.next(db))
        // The counter finds a member by the number's last digits (the `tail_store` index).
        member.memberNoTail = memberNoTail(member.memberNo)
        await identities.create(memberId, identity, { purpose: 'membership', actor, audit: entries })
        if (!pending)
          await consents.receipt({
            memberId,
            purpose: 'membership',
            granted: true,
            noticeVersion: input.noticeVersion,
            channel,
            at: joinedAt,
            ...(input.birthDate === undefined && input.ageDeclared === true ? { ageDeclared: true } : {}),
          })
        // A retry of the same WeChat user took this sign-up over: that one goes on, this one is
        // undone. Confirmed, the claim is the member's; the record follows.
        if (!(await claims.confirm('openid', caller.openid, memberId))) {
          await entries.flush({ counted: false }).catch(() => undefined)
          await undo(memberId, caller.openid, input.phone, actor)
          return fail('ALREADY_MEMBER')
        }
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
        await undo(memberId, caller.openid, input.phone, actor)
        throw error
      }
      deps.callers.set(claims.idOf('openid', caller.openid), memberId)
      return ok(member)
    },
  }
}
