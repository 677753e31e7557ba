/**
 * The member's own profile (4.2.1.1 account settings, L-7, L-8): read in clear by its owner
 * (an audited read under 'membership'), optional fields edited — address, e-mail, and the ID
 * number under its own consent (L-4: never required; GB 11643 check; its birth date must agree
 * with the profile). Changing the phone re-verifies it (SMS code or WeChat's getPhoneNumber) and
 * moves the blind index and its uniqueness claim.
 */
import { allows } from '../../src/domain/consent/rules'
import type { MemberContract, PhoneProof } from '../../src/domain/contracts/member'
import { chinaDate } from '../../src/domain/dates'
import type { FieldKey } from '../../src/domain/identity/inventory'
import { idNumberBirthDate } from '../../src/domain/identity/rules'
import { needsGuardian } from '../../src/domain/member/rules'
import { wechatActor } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import type { Claims, IdentityStore, IdentityValues } from '../common/identity'
import type { MemberDoc } from '../common/members/model'
import { storeOf, type MemberRepository } from '../common/members/repository'
import { PROFILE_FIELDS, toProfile } from '../common/members/views'
import { exchangePhoneCode, type PhoneOpenApi } from '../common/phone'
import type { Caller, Handlers } from '../common/router'
import { selfReader, type ScopeGuard } from '../common/scope'
import type { SmsService } from '../common/sms'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

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
  openapi: PhoneOpenApi
}): ProfileActions {
  const { db, identities, guard, sms, claims, vault, clock, members } = deps
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

    async updateProfile({ address, email, idNumber }, { caller, member }) {
      const memberId = member._id
      const actor = actorOf(caller)
      if (typeof idNumber === 'string') {
        const checked = await guard.check(memberId, 'idNumber', actor, ['idNumber'])
        if (!checked.ok) return fail(checked.code, 'idNumber')
        // Validate everything before writing anything.
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
      return build(await fresh(member), caller)
    },

    async sendPhoneCode({ phone }, { caller, member }) {
      if ((await currentPhoneIndex(member._id)) === vault.blindIndex('phone', phone))
        return fail('PHONE_UNCHANGED', 'phone')
      return sms.send({ purpose: 'changePhone', phone, openid: caller.openid })
    },

    async changePhone(proof, { caller, member }) {
      const memberId = member._id
      const actor = actorOf(caller)
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
