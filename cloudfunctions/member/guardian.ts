/**
 * A guardian's consent for a member under 14 (L-5, PIPL art. 31): until it is recorded the
 * member is `guardian_pending` — held with name, phone and birth date only, no consent, no
 * extended purpose, no points. The guardian proves their phone by SMS; name, relation and phone
 * are kept encrypted with the member's identity and the consent gets its own receipt.
 */
import type { MemberHome } from '../../src/domain/member'
import { NOTICE_VERSION } from '../../src/domain/purposes'
import { GUARDIAN_RELATIONS } from '../../src/domain/selfService'
import { checkName, checkPhone, checkSmsCode } from '../../src/domain/validators'
import { COLLECTIONS } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import type { Caller } from '../common/router'
import { channelOf, type MemberContext, type MemberDoc } from './context'
import { HOME_FIELDS, storeOf, toHome } from './service'

const TEXT_MAX = 40

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined)

export interface GuardianActions {
  sendGuardianCode(
    caller: Caller,
    data: Record<string, unknown>,
  ): Promise<Result<{ expiresIn: number; resendAfter: number }>>
  recordGuardianConsent(
    caller: Caller,
    data: Record<string, unknown>,
  ): Promise<Result<{ member: MemberHome }>>
}

export function createGuardianActions(ctx: MemberContext): GuardianActions {
  const { db, sms, identities, clock } = ctx

  async function pending(caller: Caller): Promise<Result<MemberDoc>> {
    const member = await ctx.requireMember(caller, { allowPending: true })
    if (!member.ok) return member
    return member.data.status === 'guardian_pending' ? member : fail('GUARDIAN_NOT_NEEDED')
  }

  function checkedPhone(raw: unknown): Result<string> {
    const phone = str(raw)
    if (phone === undefined) return fail(raw === undefined ? 'PHONE_REQUIRED' : 'INVALID_ARGUMENT', 'phone')
    if (phone.length > TEXT_MAX) return fail('FIELD_TOO_LONG', 'phone')
    const error = checkPhone(phone)
    return error ? fail(error, 'phone') : ok(phone)
  }

  return {
    async sendGuardianCode(caller, data) {
      const member = await pending(caller)
      if (!member.ok) return member
      const phone = checkedPhone(data.phone)
      if (!phone.ok) return phone
      return sms.send({ purpose: 'guardian', phone: phone.data, requester: ctx.actor(caller) })
    },

    async recordGuardianConsent(caller, data) {
      const member = await pending(caller)
      if (!member.ok) return member
      const { noticeVersion } = data
      if (noticeVersion === undefined || noticeVersion === null)
        return fail('CONSENT_REQUIRED', 'noticeVersion')
      if (noticeVersion !== NOTICE_VERSION) return fail('NOTICE_OUTDATED', 'noticeVersion')
      const guardianName = str(data.guardianName) ?? ''
      if (guardianName.length > TEXT_MAX) return fail('FIELD_TOO_LONG', 'guardianName')
      const nameError = checkName(guardianName)
      if (nameError) return fail(nameError, 'guardianName')
      const relation = GUARDIAN_RELATIONS.find((r) => r.value === data.relation)?.value
      if (!relation) return fail('GUARDIAN_RELATION_INVALID', 'relation')
      const phone = checkedPhone(data.phone)
      if (!phone.ok) return phone
      const code = str(data.smsCode) ?? ''
      const codeError = checkSmsCode(code)
      if (codeError) return fail(codeError, 'smsCode')
      const actor = ctx.actor(caller)
      const verified = await sms.verify({ purpose: 'guardian', phone: phone.data, requester: actor, code })
      if (!verified.ok) return verified

      const memberId = member.data._id
      await identities.modify(memberId, [], { purpose: 'membership', actor }, () =>
        ok({ set: { guardianName, guardianRelation: relation, guardianPhone: phone.data }, value: null }),
      )
      const at = new Date(clock.now())
      const channel = channelOf(caller.source)
      // The guardian's consent is the member's basic consent: its own receipt says who gave it.
      await db.collection(COLLECTIONS.consentReceipts).add({
        data: {
          memberId,
          purpose: 'membership',
          noticeVersion,
          granted: true,
          at,
          channel,
          givenBy: 'guardian',
        },
      })
      const { stats } = await db
        .collection(COLLECTIONS.members)
        .where({ _id: memberId, status: 'guardian_pending' })
        .update({
          data: { status: 'active', 'consents.membership': { granted: true, noticeVersion, at } },
        })
      if (stats.updated !== 1) return fail('GUARDIAN_NOT_NEEDED')
      const updated = { ...member.data, status: 'active' as const }
      const identity = await identities.read(memberId, HOME_FIELDS, { purpose: 'membership', actor })
      return ok({ member: toHome(updated, identity ?? {}, await storeOf(ctx, updated.storeId)) })
    },
  }
}
