/**
 * What a member is shown of themself: the member centre's card with identifiers masked (L-7),
 * and the profile in clear (the viewer is the member, L-8).
 */
import type { Channel } from '../../../src/domain/consent/model'
import { allows } from '../../../src/domain/consent/rules'
import type { FieldKey } from '../../../src/domain/identity/inventory'
import { maskName, maskPhone } from '../../../src/domain/identity/mask'
import type { Gender } from '../../../src/domain/identity/rules'
import {
  TIER_LABELS,
  type MemberHome,
  type Profile,
  type StoreOption,
} from '../../../src/domain/member/model'
import type { IdentityValues } from '../identity'
import { balanceOf, type BalanceFields } from '../points/ledger'
import type { MemberDoc } from './model'

/** The identity fields the member centre's view reads. */
export const HOME_FIELDS: FieldKey[] = ['name', 'phone', 'cardNo']

/** The identity fields of the profile under the membership purpose (the ID number has its own). */
export const PROFILE_FIELDS: FieldKey[] = ['name', 'phone', 'birthDate', 'address', 'email', 'cardNo']

/** `now`: ISO instant the balance is read at (held points become available on their day). */
export function toHome(
  member: MemberDoc,
  identity: IdentityValues,
  store: StoreOption,
  now: string,
): MemberHome {
  return {
    memberNo: member.memberNo,
    tier: member.tier,
    tierLabel: TIER_LABELS[member.tier],
    points: member.points,
    ...balanceOf(member as unknown as BalanceFields, now),
    name: maskName(identity.name ?? ''),
    phone: maskPhone(identity.phone ?? ''),
    store,
    joinedAt: member.joinedAt.toISOString(),
    status: member.status,
    hasCard: Boolean(identity.cardNo),
  }
}

export function toProfile(
  member: MemberDoc,
  values: IdentityValues,
  idNumber: string | null,
  store: StoreOption,
): Profile {
  return {
    memberNo: member.memberNo,
    status: member.status,
    name: values.name ?? '',
    phone: values.phone ?? '',
    gender: (member.gender as Gender | undefined) ?? null,
    province: member.province ?? null,
    birthDate: values.birthDate ?? null,
    address: values.address ?? null,
    email: values.email ?? null,
    idNumber,
    idNumberConsent: allows(member, 'idNumber'),
    store,
    card: values.cardNo ? { cardNo: values.cardNo } : null,
    joinedAt: member.joinedAt.toISOString(),
    source: member.source ? { ...member.source, at: member.source.at.toISOString() } : null,
    channel: (member.channel as Channel | undefined) ?? null,
  }
}
