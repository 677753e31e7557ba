/**
 * 会员等级 (6.6.1, 6.3.2): the member's tier, 12-month qualifying spend, what the next tier needs,
 * every tier's benefits under the rules in force, and the member's tier changes. An own view,
 * counted per China day like 积分明细; the rules are read through the instance's cached book.
 */
import type { MemberContract } from '../../src/domain/contracts/member'
import { chinaDate } from '../../src/domain/dates'
import { tierView } from '../../src/domain/points/tierModel'
import type { EarningRules } from '../../src/domain/points/earning'
import type { AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import type { Db } from '../common/db'
import { ok } from '../common/errors'
import type { MemberDoc } from '../common/members/model'
import { qualifyingSpend, type BalanceFields } from '../common/points/ledger'
import { createRulesBook } from '../common/points/rules'
import { tierHistory } from '../common/points/tierChanges'
import type { Handlers } from '../common/router'
import type { ScopeGuard } from '../common/scope'
import type { Vault } from '../common/vault'
import { createOwnView } from './ownView'

/** Before any rules are published no purchase earns points (the counter refuses to score one). */
const UNPUBLISHED: EarningRules = {
  rates: { default: 0 },
  multipliers: [],
  bonuses: [],
  stacking: { policy: 'highest' },
  signUpBonus: 0,
}

export function createTierActions(deps: {
  db: Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  guard: ScopeGuard
}): Pick<Handlers<MemberContract, MemberDoc>, 'tier'> {
  const { db, clock } = deps
  const ownView = createOwnView(deps)
  const rules = createRulesBook(clock)

  return {
    async tier(_input, { caller, member }) {
      const viewed = await ownView(member, caller)
      if (!viewed.ok) return viewed
      const now = new Date(clock.now()).toISOString()
      const version = await rules.at(db, now)
      const view = tierView({
        tier: member.tier,
        spendFen: qualifyingSpend(member as unknown as BalanceFields, now),
        storeId: member.storeId,
        rules: version?.rules ?? UNPUBLISHED,
        today: chinaDate(clock.now()),
      })
      return ok({ ...view, history: await tierHistory(db, member._id) })
    },
  }
}
