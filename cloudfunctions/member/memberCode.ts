/**
 * The member's own code at the till (issue #11): the secret the phone computes the rotating code
 * from, answered to its member over the authenticated call, and a new one on request (a phone
 * lost or a code shown to someone). Reading it is an own view (counted per day, L-14); a new
 * code is an audited change. The basic consent must hold (6.1.2): the code serves membership.
 */
import { allows } from '../../src/domain/consent/rules'
import type { MemberContract } from '../../src/domain/contracts/member'
import { wechatActor, type AuditLog } from '../common/audit'
import { fail, ok } from '../common/errors'
import type { MemberDoc } from '../common/members/model'
import type { MemberCodes } from '../common/points/memberCode'
import type { Caller, Handlers } from '../common/router'
import type { Vault } from '../common/vault'

type MemberCodeActions = Pick<Handlers<MemberContract, MemberDoc>, 'memberCodeSecret' | 'rotateMemberCode'>

const PURPOSE = 'membership' as const

export function createMemberCodeActions(deps: {
  vault: Vault
  audit: AuditLog
  memberCodes: MemberCodes
}): MemberCodeActions {
  const { vault, audit, memberCodes } = deps

  async function run(member: MemberDoc, caller: Caller, rotate: boolean) {
    const event = {
      actor: wechatActor(vault, caller.openid),
      action: rotate ? ('update' as const) : ('read' as const),
      purpose: PURPOSE,
      memberId: member._id,
      fields: ['memberCode' as const],
    }
    if (!allows(member, PURPOSE)) {
      await audit.record({ ...event, success: false })
      return fail('PURPOSE_CONSENT_REQUIRED', PURPOSE)
    }
    const secret = rotate ? await memberCodes.rotate(member._id) : await memberCodes.secretOf(member._id)
    if (!secret) return fail('NOT_A_MEMBER')
    await audit.ownView(member).record({ ...event, success: true })
    return ok(secret)
  }

  return {
    memberCodeSecret: (_input, { caller, member }) => run(member, caller, false),
    rotateMemberCode: (_input, { caller, member }) => run(member, caller, true),
  }
}
