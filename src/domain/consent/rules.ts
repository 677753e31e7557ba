/**
 * What a member's consent summary allows (6.1.1, 6.1.2): read on every use, so a withdrawal
 * takes effect on the very next call; a consent given under a notice older than the purpose's
 * `scopeVersion` counts as not given.
 */
import type { MemberStatus } from '../member/model'
import type { ConsentState, ConsentSummary } from './model'
import { PURPOSES, type PurposeId } from './purposes'

/** What `allows` reads of a member record. */
export interface ConsentHolder {
  status: MemberStatus
  consents?: ConsentSummary
}

/** What the member's record says about one purpose right now. */
export function consentState(member: Pick<ConsentHolder, 'consents'>, purpose: PurposeId): ConsentState {
  const entry = member.consents?.[purpose]
  if (!entry) return 'unset'
  if (!entry.granted) return 'withdrawn'
  return entry.noticeVersion >= PURPOSES[purpose].scopeVersion ? 'granted' : 'needsReconsent'
}

/**
 * Whether personal information may be processed for `purpose`. A member waiting for a
 * guardian (L-5) is held with the minimum for the basic purpose and nothing else; a purpose
 * that needs another (a parking reminder, the parking service) is off while that one is.
 */
export function allows(member: ConsentHolder, purpose: PurposeId): boolean {
  if (member.status === 'guardian_pending') return purpose === 'membership'
  if (member.status !== 'active') return false
  if (consentState(member, 'membership') !== 'granted') return false
  const requires = PURPOSES[purpose].requires
  if (requires && consentState(member, requires) !== 'granted') return false
  return consentState(member, purpose) === 'granted'
}
