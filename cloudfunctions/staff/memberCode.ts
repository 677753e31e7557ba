/**
 * The counter scans a member's code (issue #11): the token names the member through its random
 * code id, is current (this 30-second step or the one before) and not yet used for a lookup.
 * The answer is the masked card `lookupMember` shows, read and audited the same way; its `ref`
 * is what the counter's points actions take.
 */
import type { memberCodeStaffContract } from '../../src/domain/contracts/memberCode'
import { fail, ok } from '../../src/domain/errors'
import { createMemberCodes } from '../common/points/memberCode'
import type { Handlers } from '../common/router'
import { actingStaff } from '../common/staff'
import { createMemberCards, keyStoreOf, servableMember, type LookupDeps } from './lookup'

export function createMemberCodeStaffActions(
  deps: LookupDeps,
): Handlers<typeof memberCodeStaffContract, { status: 'active' }> {
  const { db, vault, clock, audit } = deps
  const cards = createMemberCards(deps)

  return {
    async lookupByCode({ code }, { caller }) {
      const staff = actingStaff(caller)
      const keys = keyStoreOf(deps)
      const resolved = await createMemberCodes({ db, vault, keys, clock }).resolve(
        code,
        clock.now(),
        'lookup',
      )
      if (!resolved.ok) return resolved
      const record = await servableMember(db, staff, resolved.data.memberId)
      if (!record) return fail('LOOKUP_MEMBER_UNKNOWN', 'code')
      const entries = audit.batch()
      // The key store that opened the code opens the member's name and phone: one key read.
      const [member] = await cards(staff, [record], entries, keys)
      await entries.flush()
      return member ? ok({ member }) : fail('LOOKUP_MEMBER_UNKNOWN', 'code')
    },
  }
}
