/**
 * The partners register (4.1.4) in the `staff` function: partners and suppliers with access to
 * our systems or data, their confidentiality agreement and 等保 certification. Kept by the
 * privacy officer and the admins.
 */
import { fail, ok, type Result } from '../errors'
import { empty, enumOf, listOf, required, schema, text, type Parsed } from '../input'
import { parseIsoDate } from '../dates'
import { CERT_LEVELS, PARTNER_KINDS, PARTNER_REACH, type Partner } from '../partner/model'
import { action } from './contract'

export const PARTNER_NAME_MAX = 60
export const PARTNER_REF_MAX = 60

const checkDate = (value: string) => (parseIsoDate(value) ? undefined : 'PARTNER_DATE_INVALID')
const requiredDate = () => required(10, 'PARTNER_AGREEMENT_REQUIRED', { check: checkDate })

const partnerFields = {
  name: required(PARTNER_NAME_MAX, 'PARTNER_NAME_REQUIRED'),
  kind: enumOf(PARTNER_KINDS, 'INVALID_ARGUMENT'),
  reach: listOf(enumOf(PARTNER_REACH, 'INVALID_ARGUMENT'), PARTNER_REACH.length),
  agreementRef: required(PARTNER_REF_MAX, 'PARTNER_AGREEMENT_REQUIRED'),
  agreementSignedOn: requiredDate(),
  agreementExpiresOn: requiredDate(),
  certLevel: enumOf(CERT_LEVELS, 'INVALID_ARGUMENT'),
  certRef: text(PARTNER_REF_MAX),
  certExpiresOn: text(10, { check: checkDate }),
}

type PartnerFields = typeof partnerFields

/** The whole entry must hold together: something reached, dates in order, a certification complete. */
function coherent<T extends Parsed<PartnerFields>>(value: T): Result<T> {
  if (value.reach.length === 0) return fail('PARTNER_REACH_REQUIRED', 'reach')
  if (value.agreementExpiresOn < value.agreementSignedOn)
    return fail('PARTNER_DATE_INVALID', 'agreementExpiresOn')
  if (value.certLevel !== 'none' && (!value.certRef || !value.certExpiresOn))
    return fail('PARTNER_CERT_INCOMPLETE', value.certRef ? 'certExpiresOn' : 'certRef')
  return ok(value)
}

const partnerId = () => required(64, 'PARTNER_UNKNOWN')

const ENTRY_ERRORS = [
  'PARTNER_NAME_REQUIRED',
  'PARTNER_REACH_REQUIRED',
  'PARTNER_DATE_INVALID',
  'PARTNER_AGREEMENT_REQUIRED',
  'PARTNER_CERT_INCOMPLETE',
] as const

const KEEPERS = ['privacyOfficer', 'admin'] as const

export const partnersContract = {
  listPartners: action<{ partners: Partner[] }>()({
    input: empty,
    access: [...KEEPERS],
    errors: [],
  }),
  createPartner: action<{ partner: Partner }>()({
    input: schema(partnerFields, coherent),
    access: [...KEEPERS],
    errors: [...ENTRY_ERRORS, 'PARTNER_EXISTS'],
  }),
  updatePartner: action<{ partner: Partner }>()({
    input: schema({ partnerId: partnerId(), ...partnerFields }, coherent),
    access: [...KEEPERS],
    errors: [...ENTRY_ERRORS, 'PARTNER_UNKNOWN', 'PARTNER_ENDED'],
  }),
  /** Ends the relationship: the entry is kept (read-only) for its retention period. */
  endPartner: action<{ partner: Partner }>()({
    input: schema({ partnerId: partnerId() }),
    access: [...KEEPERS],
    errors: ['PARTNER_UNKNOWN', 'PARTNER_ENDED'],
  }),
}

export type PartnersContract = typeof partnersContract
