/**
 * Campaigns (4.2.2.3 gift, 4.2.2.4 sample, 4.2.2.5 questionnaire): a manager declares what a
 * campaign collects — items of the data inventory only, each with its reason — and why and how
 * long the answers are kept; a member claims once and gets a claim code that counter staff
 * verify (核销) once, in a store of the campaign.
 */
import type { FieldKey } from '../identity/inventory'

export type CampaignKind = 'gift' | 'sample' | 'questionnaire'
export const CAMPAIGN_KINDS: readonly CampaignKind[] = ['gift', 'sample', 'questionnaire']

export const CAMPAIGN_KIND_LABELS = {
  gift: '扫码领礼品',
  sample: '扫码领小样',
  questionnaire: '问卷调查',
} satisfies Record<CampaignKind, string>

/** The inventory items a campaign may ask for (none sensitive, none an identifier of another service). */
export const CAMPAIGN_FIELD_KEYS = ['name', 'gender', 'province', 'birthDate', 'phone', 'email'] as const
export type CampaignFieldKey = (typeof CAMPAIGN_FIELD_KEYS)[number] & FieldKey

/** One item a campaign collects and why it needs it. */
export interface CampaignField {
  key: CampaignFieldKey
  reason: string
}

export type QuestionKind = 'single' | 'multi' | 'text'
export const QUESTION_KINDS: readonly QuestionKind[] = ['single', 'multi', 'text']

export interface Question {
  /** `q1`, `q2` … in the order declared. */
  id: string
  kind: QuestionKind
  title: string
  /** Single and multi choice: the options, in order. */
  options: string[]
  /** Short text: the most characters an answer may have. */
  maxLength?: number
}

/** A campaign's mini-program code, with what its printed poster names. */
export interface CampaignCode extends Pick<CampaignView, 'kind' | 'title' | 'startsOn' | 'endsOn'> {
  /** The code's PNG, base64. */
  png: string
  scene: string
}

/** A campaign as the staff and the shopper see it. */
export interface CampaignView {
  id: string
  kind: CampaignKind
  title: string
  storeIds: string[]
  /** China dates, inclusive. */
  startsOn: string
  endsOn: string
  stock: number
  claimed: number
  verified: number
  fields: CampaignField[]
  questions: Question[]
  purpose: string
  /** Days the answers are kept after the campaign's last day. */
  retentionDays: number
  /** What the campaign's mini-program code carries. */
  scene: string
}

/** A member's claim, as the member sees it. */
export interface ClaimView {
  campaignId: string
  /** 8 characters of Crockford's base32, shown large and typed or scanned at the counter. */
  code: string
  status: 'claimed' | 'verified'
  claimedAt: string
  verifiedAt?: string
}

/** A claim as the counter sees it when verifying: no answers, nothing that names the member. */
export interface VerifiedClaim {
  code: string
  campaignTitle: string
  kind: CampaignKind
  storeId: string
  verifiedAt: string
}

/** One cell of a report: a count, or "<5" when fewer than 5 answers would single people out. */
export type ReportCell = number | '<5'

export interface QuestionReport {
  id: string
  kind: QuestionKind
  title: string
  answered: ReportCell
  /** Per option (choice questions); empty for short text, whose answers are never listed. */
  options: { label: string; count: ReportCell }[]
}

export interface CampaignReport {
  id: string
  title: string
  kind: CampaignKind
  stock: number
  claimed: number
  verified: number
  questions: QuestionReport[]
}
