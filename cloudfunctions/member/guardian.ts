/**
 * A guardian's consent for a member aged 14 or under (L-5, PIPL art. 31): until it is recorded the
 * member is `guardian_pending` — held with name, phone and birth date only, no consent, no
 * extended purpose, no points. The guardian proves their phone by SMS; name, relation and phone
 * are kept encrypted with the member's identity and the consent gets its own receipt.
 */
import type { MemberContract } from '../../src/domain/contracts/member'
import { wechatActor } from '../common/audit'
import type { Clock } from '../common/clock'
import { channelOf, type ConsentRecorder } from '../common/consents/recorder'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import { fail, ok } from '../common/errors'
import type { IdentityStore } from '../common/identity'
import { birthdayMarks } from '../common/members/birthday'
import type { MemberDoc } from '../common/members/model'
import { storeOf } from '../common/members/repository'
import { HOME_FIELDS, toHome } from '../common/members/views'
import type { Handlers } from '../common/router'
import type { SmsService } from '../common/sms'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

type GuardianActions = Pick<Handlers<MemberContract, MemberDoc>, 'sendGuardianCode' | 'recordGuardianConsent'>

export function createGuardianActions(deps: {
  db: Db
  stores: StoreDirectory
  vault: Vault
  sms: SmsService
  identities: IdentityStore
  consents: ConsentRecorder
  clock: Clock
}): GuardianActions {
  const { vault, sms, identities } = deps

  return {
    // Only for a member waiting for a guardian: the router answers GUARDIAN_NOT_NEEDED otherwise.
    async sendGuardianCode({ phone }, { caller }) {
      return sms.send({ purpose: 'guardian', phone, openid: caller.openid })
    },

    async recordGuardianConsent(input, { caller, member }) {
      const { guardianName, relation, phone, smsCode, noticeVersion } = input
      const actor = wechatActor(vault, caller.openid)
      const verified = await sms.verify({ purpose: 'guardian', phone, openid: caller.openid, code: smsCode })
      if (!verified.ok) return verified

      const memberId = member._id
      // The child's birth date, held unused until now, gives the birthday marks with the consent.
      const stored = await identities.modify(
        memberId,
        ['birthDate'],
        { purpose: 'membership', actor },
        (current) =>
          ok({
            set: { guardianName, guardianRelation: relation, guardianPhone: phone },
            value: current.birthDate,
          }),
      )
      const birthDate = stored?.ok ? stored.data : undefined
      // The guardian's consent is the member's basic consent: its own receipt says who gave it.
      const activated = await deps.consents.record(
        {
          memberId,
          purpose: 'membership',
          granted: true,
          noticeVersion,
          channel: channelOf(caller.source),
          givenBy: 'guardian',
        },
        // Not once the retention sweep claimed the member for erasure (its period is over).
        {
          when: { status: 'guardian_pending', expiredAt: deps.db.command.exists(false) },
          also: {
            status: 'active',
            ...(birthDate ? { birthdayMarks: birthdayMarks(vault, memberId, birthDate) } : {}),
          },
        },
      )
      if (!activated) {
        const now = await getDoc(deps.db, COLLECTIONS.members, memberId)
        return fail(now?.expiredAt ? 'GUARDIAN_PERIOD_OVER' : 'GUARDIAN_NOT_NEEDED')
      }
      const updated = { ...member, status: 'active' as const }
      const identity = await identities.read(memberId, HOME_FIELDS, { purpose: 'membership', actor })
      return ok({
        member: toHome(
          updated,
          identity ?? {},
          await storeOf(deps, updated.storeId),
          new Date(deps.clock.now()).toISOString(),
        ),
      })
    },
  }
}
