/**
 * The member's own profile (4.2.1.1 account settings, L-7, L-8): read in clear by its owner
 * (an audited read under 'membership'), optional fields edited — address, e-mail, and the ID
 * number under its own consent (L-4: never required; GB 11643 check; its birth date must agree
 * with the profile). Changing the phone re-verifies it (SMS code or WeChat's getPhoneNumber) and
 * moves the blind index and its uniqueness claim.
 */
import { inventoryField, type FieldKey } from '../../src/domain/inventory'
import { needsGuardian } from '../../src/domain/join'
import { chinaDate } from '../../src/domain/member'
import type { Profile, ProfileChanges } from '../../src/domain/selfService'
import {
  checkEmail,
  checkPhone,
  checkSmsCode,
  idNumberBirthDate,
  isValidIdNumber,
  type Gender,
} from '../../src/domain/validators'
import { COLLECTIONS, getDoc } from '../common/db'
import { fail, ok, type Failure, type Result } from '../common/errors'
import type { IdentityValues } from '../common/identity'
import { exchangePhoneCode, isPhoneCode } from '../common/phone'
import type { Caller } from '../common/router'
import { allows } from '../common/scope'
import type { MemberContext, MemberDoc } from './context'
import { storeOf } from './service'

const MEMBERSHIP_FIELDS: FieldKey[] = ['name', 'phone', 'birthDate', 'address', 'email', 'cardNo']
const PHONE_INPUT_MAX = 32

export interface ProfileActions {
  profile(caller: Caller): Promise<Result<{ profile: Profile }>>
  updateProfile(caller: Caller, data: Record<string, unknown>): Promise<Result<{ profile: Profile }>>
  sendPhoneCode(
    caller: Caller,
    data: Record<string, unknown>,
  ): Promise<Result<{ expiresIn: number; resendAfter: number }>>
  changePhone(caller: Caller, data: Record<string, unknown>): Promise<Result<{ profile: Profile }>>
}

/** undefined: keep; null: remove; string: set. A Failure for a value of the wrong shape. */
function change(
  data: Record<string, unknown>,
  key: keyof ProfileChanges,
): string | null | undefined | Failure {
  if (!(key in data) || data[key] === undefined) return undefined
  const value = data[key]
  if (value === null) return null
  if (typeof value !== 'string') return fail('INVALID_ARGUMENT', key)
  const trimmed = value.trim()
  if (trimmed === '') return null
  if (trimmed.length > inventoryField(key).maxLength) return fail('FIELD_TOO_LONG', key)
  return trimmed
}

/** The new phone as typed: trimmed, a string, not absurdly long, a mainland mobile number. */
function phoneInput(data: Record<string, unknown>): Result<string> {
  const phone = typeof data.phone === 'string' ? data.phone.trim() : data.phone
  if (typeof phone !== 'string')
    return fail(phone === undefined ? 'PHONE_REQUIRED' : 'INVALID_ARGUMENT', 'phone')
  if (phone.length > PHONE_INPUT_MAX) return fail('FIELD_TOO_LONG', 'phone')
  const phoneError = checkPhone(phone)
  return phoneError ? fail(phoneError, 'phone') : ok(phone)
}

const isFailure = (v: unknown): v is Failure =>
  typeof v === 'object' && v !== null && (v as Failure).ok === false

export function createProfileActions(ctx: MemberContext): ProfileActions {
  const { db, identities, guard, sms, claims, vault, clock } = ctx

  /** The member's own data in clear; the ID number only while its consent holds. */
  async function build(member: MemberDoc, caller: Caller): Promise<Result<{ profile: Profile }>> {
    const actor = ctx.actor(caller)
    const read = await guard.read(member._id, 'membership', MEMBERSHIP_FIELDS, actor)
    if (!read.ok) return read
    let idNumber: string | null = null
    if (allows(member, 'idNumber')) {
      const id = await guard.read(member._id, 'idNumber', ['idNumber'], actor)
      if (id.ok) idNumber = id.data.idNumber ?? null
    }
    return ok({ profile: toProfile(member, read.data, idNumber, await storeOf(ctx, member.storeId)) })
  }

  async function fresh(member: MemberDoc): Promise<MemberDoc> {
    return ((await getDoc(db, COLLECTIONS.members, member._id)) as MemberDoc | null) ?? member
  }

  /** The new phone, proven by an SMS code or by WeChat. */
  async function provenPhone(caller: Caller, data: Record<string, unknown>): Promise<Result<string>> {
    if (data.phoneCode !== undefined && data.phone === undefined) {
      if (!isPhoneCode(data.phoneCode)) return fail('INVALID_ARGUMENT', 'phoneCode')
      return exchangePhoneCode(ctx.openapi, data.phoneCode)
    }
    const entered = phoneInput(data)
    if (!entered.ok) return entered
    const phone = entered.data
    const code = typeof data.smsCode === 'string' ? data.smsCode.trim() : ''
    const codeError = checkSmsCode(code)
    if (codeError) return fail(codeError, 'smsCode')
    const verified = await sms.verify({ purpose: 'changePhone', phone, requester: ctx.actor(caller), code })
    return verified.ok ? ok(phone) : verified
  }

  async function currentPhoneIndex(memberId: string): Promise<string | undefined> {
    const doc = await getDoc(db, COLLECTIONS.identities, memberId)
    return typeof doc?.phoneIndex === 'string' ? doc.phoneIndex : undefined
  }

  return {
    async profile(caller) {
      const member = await ctx.requireMember(caller, { allowPending: true })
      if (!member.ok) return member
      return build(member.data, caller)
    },

    async updateProfile(caller, data) {
      const member = await ctx.requireMember(caller)
      if (!member.ok) return member
      const memberId = member.data._id
      const actor = ctx.actor(caller)

      const address = change(data, 'address')
      if (isFailure(address)) return address
      const email = change(data, 'email')
      if (isFailure(email)) return email
      if (typeof email === 'string' && !checkEmail(email)) return fail('EMAIL_INVALID', 'email')
      const rawId = change(data, 'idNumber')
      if (isFailure(rawId)) return rawId
      const idNumber = typeof rawId === 'string' ? rawId.toUpperCase() : rawId
      if (typeof idNumber === 'string') {
        if (!isValidIdNumber(idNumber)) return fail('ID_NUMBER_INVALID', 'idNumber')
        const checked = await guard.check(memberId, 'idNumber', actor, ['idNumber'])
        if (!checked.ok) return fail(checked.code, 'idNumber')
      }

      // Validate everything before writing anything.
      if (typeof idNumber === 'string') {
        const own = await identities.read(memberId, ['birthDate'], { purpose: 'membership', actor })
        const birth = idNumberBirthDate(idNumber)
        if (own?.birthDate !== undefined && own.birthDate !== birth)
          return fail('ID_NUMBER_BIRTH_MISMATCH', 'idNumber')
        // No birth date on the profile: the ID number's own must not show a child (L-5).
        if (own?.birthDate === undefined && needsGuardian(birth, chinaDate(clock.now())))
          return fail('GUARDIAN_CONSENT_REQUIRED', 'idNumber')
      }

      const set: IdentityValues = {}
      const remove: FieldKey[] = []
      for (const [key, value] of [
        ['address', address],
        ['email', email],
      ] as const) {
        if (typeof value === 'string') set[key] = value
        else if (value === null) remove.push(key)
      }
      if (Object.keys(set).length + remove.length > 0)
        await identities.modify(memberId, [], { purpose: 'membership', actor }, () =>
          ok({ set, remove, value: null }),
        )
      if (idNumber !== undefined)
        await identities.modify(memberId, [], { purpose: 'idNumber', actor }, () =>
          ok(
            idNumber === null
              ? { remove: ['idNumber' as const], value: null }
              : { set: { idNumber }, value: null },
          ),
        )
      return build(await fresh(member.data), caller)
    },

    async sendPhoneCode(caller, data) {
      const member = await ctx.requireMember(caller)
      if (!member.ok) return member
      const entered = phoneInput(data)
      if (!entered.ok) return entered
      const phone = entered.data
      if ((await currentPhoneIndex(member.data._id)) === vault.blindIndex('phone', phone))
        return fail('PHONE_UNCHANGED', 'phone')
      return sms.send({ purpose: 'changePhone', phone, requester: ctx.actor(caller) })
    },

    async changePhone(caller, data) {
      const member = await ctx.requireMember(caller)
      if (!member.ok) return member
      const memberId = member.data._id
      const actor = ctx.actor(caller)
      const proven = await provenPhone(caller, data)
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
      return build(await fresh(member.data), caller)
    },
  }
}

export function toProfile(
  member: MemberDoc,
  values: IdentityValues,
  idNumber: string | null,
  store: Profile['store'],
): Profile {
  return {
    memberNo: member.memberNo,
    status: member.status,
    name: values.name ?? '',
    phone: values.phone ?? '',
    gender: (member.gender as Gender | undefined) ?? null,
    province: member.province ?? null,
    birthDate: values.birthDate ?? null,
    address: values.address ?? null,
    email: values.email ?? null,
    idNumber,
    idNumberConsent: allows(member, 'idNumber'),
    store,
    card: values.cardNo ? { cardNo: values.cardNo } : null,
    joinedAt: member.joinedAt.toISOString(),
  }
}
