/**
 * The member's tier (6.6.1, 6.3.2): 会员等级 — tier, 12-month spend, what the next tier needs and
 * every tier's benefits under the rules in force. Spread into `memberContract`.
 */
import { empty } from '../input'
import type { TierView } from '../points/tierModel'
import { action } from './contract'

export const tierContract = {
  tier: action<TierView>()({
    input: empty,
    access: ['member'],
    errors: ['NOT_A_MEMBER', 'PURPOSE_CONSENT_REQUIRED', 'GUARDIAN_PENDING'],
  }),
}
