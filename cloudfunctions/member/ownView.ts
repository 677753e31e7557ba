/**
 * A member's view of their own points or tier: under the basic purpose, counted per China day
 * (L-14). The member's own view is their right of access (L-8), even before agreeing a wider scope.
 */
import { allowsOwnView } from '../../src/domain/consent/rules'
import { wechatActor, type AuditLog } from '../common/audit'
import { ok } from '../common/errors'
import type { MemberDoc } from '../common/members/model'
import type { Caller } from '../common/router'
import type { ScopeGuard } from '../common/scope'
import type { Vault } from '../common/vault'

export function createOwnView(deps: { vault: Vault; audit: AuditLog; guard: ScopeGuard }) {
  const { vault, audit, guard } = deps
  return async function ownView(member: MemberDoc, caller: Caller) {
    const actor = wechatActor(vault, caller.openid)
    const recorder = audit.ownView(member)
    // The member's own view is their right of access (L-8), even before agreeing a wider scope.
    if (!allowsOwnView(member, 'membership')) return guard.admit(member, 'membership', actor, [], recorder)
    await recorder.record({
      actor,
      action: 'read',
      purpose: 'membership',
      memberId: member._id,
      fields: [],
      success: true,
    })
    return ok(null)
  }
}
