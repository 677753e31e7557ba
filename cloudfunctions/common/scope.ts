/**
 * The scope guard (6.1.1, 6.1.2, L-8, L-13): every read of personal information names a purpose;
 * the guard reads the member's current consent for it from the member record (so a withdrawal
 * takes effect on the very next call), counts a consent given under a notice older than the
 * purpose's `scopeVersion` as not given, and audits the read — refused reads too.
 */
import type { FieldKey } from '../../src/domain/inventory'
import { PURPOSES, type PurposeId, type SubscribeTopicId } from '../../src/domain/purposes'
import type { AuditLog, AuditRecorder } from './audit'
import { COLLECTIONS, getDoc, type Db, type Doc } from './db'
import { fail, ok, type Result } from './errors'
import type { IdentityStore, IdentityValues } from './identity'

export interface ConsentEntry {
  granted: boolean
  noticeVersion: number
  at: Date
}

export type ConsentSummary = Partial<Record<PurposeId, ConsentEntry>>

export type MemberStatus = 'active' | 'guardian_pending'

export interface MemberRecord extends Doc {
  status: MemberStatus
  consents?: ConsentSummary
  /**
   * One-time subscribe-message allowances per topic (L-12): the caller-chosen id of each
   * "allow" in WeChat's dialog; sending a message of the topic spends one.
   */
  subscriptions?: Partial<Record<SubscribeTopicId, string[]>>
  /** China dates on which the member viewed the member centre (`audit.ownView`, L-14). */
  viewDays?: string[]
}

export type ConsentState = 'granted' | 'needsReconsent' | 'withdrawn' | 'unset'

/** What the member's record says about one purpose right now. */
export function consentState(member: Pick<MemberRecord, 'consents'>, purpose: PurposeId): ConsentState {
  const entry = member.consents?.[purpose]
  if (!entry) return 'unset'
  if (!entry.granted) return 'withdrawn'
  return entry.noticeVersion >= PURPOSES[purpose].scopeVersion ? 'granted' : 'needsReconsent'
}

/**
 * Whether personal information may be processed for `purpose`. A member waiting for a
 * guardian (L-5) is held with the minimum for the basic purpose and nothing else; a purpose
 * that needs another (a parking reminder, the parking service) is off while that one is.
 */
export function allows(member: MemberRecord, purpose: PurposeId): boolean {
  if (member.status === 'guardian_pending') return purpose === 'membership'
  if (member.status !== 'active') return false
  if (consentState(member, 'membership') !== 'granted') return false
  const requires = PURPOSES[purpose].requires
  if (requires && consentState(member, requires) !== 'granted') return false
  return consentState(member, purpose) === 'granted'
}

export interface ScopeGuard {
  /** The member record, fresh from the database; null when there is none. */
  member(memberId: string): Promise<MemberRecord | null>
  /**
   * PURPOSE_CONSENT_REQUIRED (field = the purpose) unless the purpose is allowed now.
   * `recorder`: where a refusal is audited (default: the audit log).
   */
  check(
    memberId: string,
    purpose: PurposeId,
    actor: string,
    fields: FieldKey[],
    recorder?: AuditRecorder,
  ): Promise<Result<MemberRecord>>
  /** Decrypts `fields` for `purpose` after the check; refused reads are audited as failures. */
  read(
    memberId: string,
    purpose: PurposeId,
    fields: FieldKey[],
    actor: string,
    recorder?: AuditRecorder,
  ): Promise<Result<IdentityValues>>
}

export function createScopeGuard(deps: { db: Db; identities: IdentityStore; audit: AuditLog }): ScopeGuard {
  const { db, identities, audit } = deps
  const member = async (memberId: string) =>
    (await getDoc(db, COLLECTIONS.members, memberId)) as MemberRecord | null

  async function check(
    memberId: string,
    purpose: PurposeId,
    actor: string,
    fields: FieldKey[],
    recorder: AuditRecorder = audit,
  ) {
    const record = await member(memberId)
    if (!record) return fail('NOT_A_MEMBER')
    if (!allows(record, purpose)) {
      await recorder.record({ actor, action: 'read', purpose, memberId, fields, success: false })
      return fail(
        record.status === 'guardian_pending' ? 'GUARDIAN_PENDING' : 'PURPOSE_CONSENT_REQUIRED',
        purpose,
      )
    }
    return ok(record)
  }

  return {
    member,
    check,
    async read(memberId, purpose, fields, actor, recorder = audit) {
      const checked = await check(memberId, purpose, actor, fields, recorder)
      if (!checked.ok) return checked
      const values = await identities.read(memberId, fields, { purpose, actor, audit: recorder })
      return values ? ok(values) : fail('NOT_A_MEMBER')
    },
  }
}
