/**
 * The member's own profile (4.2.1.1 account settings, L-7, L-8, 7.2): read in clear by its owner
 * (an audited read under 'membership'); every item corrected — name and service store (required:
 * never removed), gender, province, birth date, address, e-mail (optional: also removed), and
 * the ID number under its own consent (L-4: never required; GB 11643 check; its birth date must
 * agree with the profile's). Changing the phone re-verifies it (SMS code or WeChat's
 * getPhoneNumber) and moves the blind index and its uniqueness claim. Every change needs the
 * basic consent at its current scope (6.1.2).
 */
import { allows } from '../../src/domain/consent/rules'
import type { MemberContract, PhoneProof, ProfileChanges } from '../../src/domain/contracts/member'
import { chinaDate } from '../../src/domain/dates'
import type { FieldKey } from '../../src/domain/identity/inventory'
import { idNumberBirthDate } from '../../src/domain/identity/rules'
import { needsGuardian } from '../../src/domain/member/rules'
import { wechatActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import type { Claims, IdentityStore, IdentityValues } from '../common/identity'
import { birthdayMarksUpdate } from '../common/members/birthday'
import type { MemberDoc } from '../common/members/model'
import { openStore, storeOf, type MemberRepository } from '../common/members/repository'
import { PROFILE_FIELDS, toProfile } from '../common/members/views'
import { exchangePhoneCode, type PhoneOpenApi } from '../common/phone'
import type { Caller, Handlers } from '../common/router'
import { selfReader, type ScopeGuard } from '../common/scope'
import type { SmsService } from '../common/sms'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

/** Identity-store items a correction may set or remove under the basic purpose. */
const IDENTITY_CORRECTIONS = ['name', 'birthDate', 'address', 'email'] as const

/** Items of the member record a correction may change. */
const RECORD_CORRECTIONS = ['gender', 'province', 'storeId'] as const

/** Every item `updateProfile` may change, as the audit log names them. */
const CORRECTED_FIELDS: FieldKey[] = [...IDENTITY_CORRECTIONS, ...RECORD_CORRECTIONS]

type ProfileActions = Pick<
  Handlers<MemberContract, MemberDoc>,
  'profile' | 'updateProfile' | 'sendPhoneCode' | 'changePhone'
>

export function createProfileActions(deps: {
  db: Db
  stores: StoreDirectory
  vault: Vault
  clock: Clock
  sms: SmsService
  claims: Claims
  identities: IdentityStore
  guard: ScopeGuard
  members: MemberRepository
  audit: AuditLog
  openapi: PhoneOpenApi
}): ProfileActions {
  const { db, identities, guard, sms, claims, vault, clock, members, audit } = deps
  const actorOf = (caller: Caller) => wechatActor(vault, caller.openid)

  /** The member's own data in clear; the ID number only while its consent holds. */
  async function build(member: MemberDoc, caller: Caller) {
    const reader = selfReader(actorOf(caller))
    const read = await guard.read(member._id, 'membership', PROFILE_FIELDS, reader)
    if (!read.ok) return read
    let idNumber: string | null = null
    if (allows(member, 'idNumber')) {
      const id = await guard.read(member._id, 'idNumber', ['idNumber'], reader)
      if (id.ok) idNumber = id.data.idNumber ?? null
    }
    return ok({ profile: toProfile(member, read.data, idNumber, await storeOf(deps, member.storeId)) })
  }

  /**
   * The checks a correction must pass before anything is written: an open store; a birth date
   * that agrees with the ID number and does not make an active member a child (L-5: a child's
   * account needs a guardian, never by a correction); an ID number under its consent.
   */
  async function checkChanges(
    member: MemberDoc,
    changes: ProfileChanges,
    actor: string,
  ): Promise<Result<null>> {
    const memberId = member._id
    const today = chinaDate(clock.now())
    if (changes.storeId !== undefined && !(await openStore(deps, changes.storeId)))
      return fail('STORE_UNKNOWN', 'storeId')
    const { birthDate, idNumber } = changes
    if (typeof birthDate === 'string' && needsGuardian(birthDate, today))
      return fail('GUARDIAN_CONSENT_REQUIRED', 'birthDate')
    if (typeof birthDate === 'string' && idNumber === undefined && allows(member, 'idNumber')) {
      const id = await identities.read(memberId, ['idNumber'], { purpose: 'idNumber', actor })
      if (id?.idNumber !== undefined && idNumberBirthDate(id.idNumber) !== birthDate)
        return fail('ID_NUMBER_BIRTH_MISMATCH', 'birthDate')
    }
    if (typeof idNumber !== 'string') return ok(null)
    const consented = await guard.admit(member, 'idNumber', actor, ['idNumber'])
    if (!consented.ok) return fail(consented.code, 'idNumber')
    const birth = idNumberBirthDate(idNumber)
    // The birth date the profile will have: the one in this request, else the stored one.
    const own =
      birthDate !== undefined
        ? (birthDate ?? undefined)
        : (await identities.read(memberId, ['birthDate'], { purpose: 'membership', actor }))?.birthDate
    if (own !== undefined && own !== birth) return fail('ID_NUMBER_BIRTH_MISMATCH', 'idNumber')
    // No birth date on the profile: the ID number's own must not show a child (L-5).
    if (own === undefined && needsGuardian(birth, today)) return fail('GUARDIAN_CONSENT_REQUIRED', 'idNumber')
    return ok(null)
  }

  /**
   * Gender, province and the service store live on the member record, and the birthday marks
   * follow the birth date (birthday.ts); what differs is written.
   */
  async function correctRecord(member: MemberDoc, changes: ProfileChanges, actor: string) {
    const _ = db.command
    const data: Record<string, unknown> = {}
    const fields: FieldKey[] = []
    for (const key of RECORD_CORRECTIONS) {
      const value = changes[key]
      if (value === undefined || (value ?? undefined) === member[key]) continue
      // The service store is required: the contract never lets it be removed.
      data[key] = value === null ? _.remove() : value
      fields.push(key)
    }
    if (changes.birthDate !== undefined) {
      const marks = birthdayMarksUpdate(db, vault, member._id, changes.birthDate, member.birthdayMarks)
      if (Object.keys(marks).length > 0) {
        Object.assign(data, marks)
        fields.push('birthdayMarks')
      }
    }
    if (fields.length === 0) return
    await db.collection(COLLECTIONS.members).doc(member._id).update({ data })
    await audit.record({
      actor,
      action: 'update',
      purpose: 'membership',
      memberId: member._id,
      fields,
      success: true,
    })
  }

  const fresh = async (member: MemberDoc) => (await members.get(member._id)) ?? member

  /** The new phone, proven by an SMS code or by WeChat. */
  async function provenPhone(caller: Caller, proof: PhoneProof): Promise<Result<string>> {
    if ('phoneCode' in proof) return exchangePhoneCode(deps.openapi, proof.phoneCode)
    const { phone, smsCode: code } = proof
    const verified = await sms.verify({ purpose: 'changePhone', phone, openid: caller.openid, code })
    return verified.ok ? ok(phone) : verified
  }

  async function currentPhoneIndex(memberId: string): Promise<string | undefined> {
    const doc = await getDoc(db, COLLECTIONS.identities, memberId)
    return typeof doc?.phoneIndex === 'string' ? doc.phoneIndex : undefined
  }

  return {
    async profile(_input, { caller, member }) {
      return build(member, caller)
    },

    async updateProfile(changes, { caller, member }) {
      const memberId = member._id
      const actor = actorOf(caller)
      const admitted = await guard.admit(member, 'membership', actor, CORRECTED_FIELDS)
      if (!admitted.ok) return admitted
      // Validate everything before writing anything (no partial writes).
      const checked = await checkChanges(member, changes, actor)
      if (!checked.ok) return checked

      const { idNumber } = changes
      const set: IdentityValues = {}
      const remove: FieldKey[] = []
      for (const key of IDENTITY_CORRECTIONS) {
        const value = changes[key]
        if (typeof value === 'string') set[key] = value
        else if (value === null) remove.push(key)
      }
      const touched = [...Object.keys(set), ...remove] as FieldKey[]
      if (touched.length > 0)
        // Only what differs is written: a retried correction writes (and audits) nothing.
        await identities.modify(memberId, touched, { purpose: 'membership', actor }, (current) =>
          ok({
            set: Object.fromEntries(Object.entries(set).filter(([key, v]) => current[key as FieldKey] !== v)),
            remove: remove.filter((key) => current[key] !== undefined),
            value: null,
          }),
        )
      if (idNumber !== undefined)
        await identities.modify(memberId, [], { purpose: 'idNumber', actor }, () =>
          ok(
            idNumber === null
              ? { remove: ['idNumber' as const], value: null }
              : { set: { idNumber }, value: null },
          ),
        )
      await correctRecord(member, changes, actor)
      return build(await fresh(member), caller)
    },

    async sendPhoneCode({ phone }, { caller, member }) {
      const admitted = await guard.admit(member, 'membership', actorOf(caller), ['phone'])
      if (!admitted.ok) return admitted
      if ((await currentPhoneIndex(member._id)) === vault.blindIndex('phone', phone))
        return fail('PHONE_UNCHANGED', 'phone')
      return sms.send({ purpose: 'changePhone', phone, openid: caller.openid })
    },

    async changePhone(proof, { caller, member }) {
      const memberId = member._id
      const actor = actorOf(caller)
      const admitted = await guard.admit(member, 'membership', actor, ['phone'])
      if (!admitted.ok) return admitted
      const proven = await provenPhone(caller, proof)
      if (!proven.ok) return proven
      const phone = proven.data
      if ((await currentPhoneIndex(memberId)) === vault.blindIndex('phone', phone))
        return fail('PHONE_UNCHANGED', 'phone')
      if (!(await claims.claim('phone', phone, memberId))) return fail('PHONE_TAKEN', 'phone')
      const changed = await identities.modify(
        memberId,
        ['phone'],
        { purpose: 'membership', actor },
        (current) => ok({ set: { phone }, value: current.phone }),
      )
      if (!changed || !changed.ok) {
        await claims.release('phone', phone, memberId)
        return changed ?? fail('NOT_A_MEMBER')
      }
      if (changed.data !== undefined) await claims.release('phone', changed.data, memberId)
      return build(await fresh(member), caller)
    },
  }
}
