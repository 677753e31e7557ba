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

/**
 * Whether the member may see their own information held for `purpose`: as `allows`, except that
 * a basic consent given before its scope widened still counts. Seeing and copying one's own data
 * is the member's right (L-8, PIPL art. 45), not a use under the wider basic scope; an optional
 * purpose's own data stays behind its current consent.
 */
export function allowsOwnView(member: ConsentHolder, purpose: PurposeId): boolean {
  if (member.status === 'guardian_pending') return purpose === 'membership'
  if (member.status !== 'active') return false
  const basic = consentState(member, 'membership')
  const holds = (p: PurposeId) =>
    p === 'membership'
      ? basic === 'granted' || basic === 'needsReconsent'
      : consentState(member, p) === 'granted'
  const requires = PURPOSES[purpose].requires
  return holds('membership') && (!requires || holds(requires)) && holds(purpose)
}
