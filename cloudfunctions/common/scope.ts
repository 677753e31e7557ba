/**
 * The scope guard (6.1.1, 6.1.2, L-7, L-8, L-13): every read of personal information names a
 * purpose and a reader; the guard reads the member's current consent for the purpose from the
 * member record (so a withdrawal takes effect on the very next call), counts a consent given
 * under a notice older than the purpose's `scopeVersion` as not given, audits the read — refused
 * reads too — and masks what the reader may not see in clear: a member reading their own data
 * gets it in clear, staff get each field masked by the inventory's mask rule unless the action
 * is a declared reveal (audited like any read).
 */
import { allows, allowsOwnView } from '../../src/domain/consent/rules'
import type { PurposeId } from '../../src/domain/consent/purposes'
import { inventoryField, type FieldKey } from '../../src/domain/identity/inventory'
import { mask } from '../../src/domain/identity/mask'
import { staffActor, type AuditLog, type AuditRecorder } from './audit'
import { COLLECTIONS, getDoc, type Db } from './db'
import { fail, ok, type Result } from './errors'
import type { IdentityStore, IdentityValues } from './identity'
import type { MemberRecord } from './members/model'

/** Who reads, as the audit log names them, and what they may see. */
export interface Reader {
  /** The audit actor: `wx:<hash>` for the member, `staff:<id>`, `system:<job>`. */
  actor: string
  /** `self`: the member; `staff`: masked unless `reveal`; `system`: a job acting for the member. */
  viewer: 'self' | 'staff' | 'system'
  /** A staff action declared as a reveal (the staff issue's 查看完整信息), audited as a read. */
  reveal?: boolean
}

export const selfReader = (actor: string): Reader => ({ actor, viewer: 'self' })

/** A staff member reading a member's data: masked unless `reveal`, audited as `staff:<id>`. */
export const staffReader = (staffId: string, reveal = false): Reader => ({
  actor: staffActor(staffId),
  viewer: 'staff',
  ...(reveal ? { reveal } : {}),
})

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
  /**
   * As `check`, on a member record the caller read in this very call (the router's): no
   * second read of the record.
   */
  admit(
    record: MemberRecord,
    purpose: PurposeId,
    actor: string,
    fields: FieldKey[],
    recorder?: AuditRecorder,
  ): Promise<Result<MemberRecord>>
  /** Decrypts `fields` for `purpose` after the check, masked for the reader; refused reads are audited. */
  read(
    memberId: string,
    purpose: PurposeId,
    fields: FieldKey[],
    reader: Reader,
    recorder?: AuditRecorder,
  ): Promise<Result<IdentityValues>>
}

/** The values a reader may see: in clear for the member and the system, masked for staff. */
export function forReader(values: IdentityValues, reader: Reader): IdentityValues {
  if (reader.viewer !== 'staff' || reader.reveal) return values
  const masked: IdentityValues = {}
  for (const [key, value] of Object.entries(values) as [FieldKey, string][])
    masked[key] = mask(inventoryField(key).mask, value)
  return masked
}

export function createScopeGuard(deps: { db: Db; identities: IdentityStore; audit: AuditLog }): ScopeGuard {
  const { db, identities, audit } = deps
  const member = async (memberId: string) =>
    (await getDoc(db, COLLECTIONS.members, memberId)) as MemberRecord | null

  async function admit(
    record: MemberRecord,
    purpose: PurposeId,
    actor: string,
    fields: FieldKey[],
    recorder: AuditRecorder = audit,
    ownView = false,
  ): Promise<Result<MemberRecord>> {
    if (!(ownView ? allowsOwnView(record, purpose) : allows(record, purpose))) {
      await recorder.record({ actor, action: 'read', purpose, memberId: record._id, fields, success: false })
      return fail(
        record.status === 'guardian_pending' ? 'GUARDIAN_PENDING' : 'PURPOSE_CONSENT_REQUIRED',
        purpose,
      )
    }
    return ok(record)
  }

  async function check(
    memberId: string,
    purpose: PurposeId,
    actor: string,
    fields: FieldKey[],
    recorder: AuditRecorder = audit,
    ownView = false,
  ) {
    const record = await member(memberId)
    if (!record) return fail('NOT_A_MEMBER')
    return admit(record, purpose, actor, fields, recorder, ownView)
  }

  return {
    member,
    check,
    admit,
    async read(memberId, purpose, fields, reader, recorder = audit) {
      // The member's own view is their right of access (L-8), even before agreeing a wider scope.
      const checked = await check(memberId, purpose, reader.actor, fields, recorder, reader.viewer === 'self')
      if (!checked.ok) return checked
      const values = await identities.read(memberId, fields, {
        purpose,
        actor: reader.actor,
        audit: recorder,
      })
      return values ? ok(forReader(values, reader)) : fail('NOT_A_MEMBER')
    },
  }
}
