/**
 * A campaign claim in the member's data copy (L-8): the campaign as it was declared, the items
 * the member gave and the questionnaire's answers in clear, each with its Chinese label, and what
 * became of the claim. Keys stay English (docs/data-export.md); the labels are for reading.
 */
import { inventoryField } from '../identity/inventory'
import {
  CAMPAIGN_KIND_LABELS,
  type CampaignField,
  type CampaignFieldKey,
  type CampaignKind,
  type Question,
} from './model'
import type { CheckedClaim } from './rules'

export const CLAIM_STATUS_LABELS = { claimed: '已领取，待核销', verified: '已核销' } as const

export interface CampaignClaimCopy {
  campaignId: string
  /** The campaign's title (活动名称); empty when the campaign is no longer held. */
  title: string
  kind: CampaignKind | null
  kindLabel: string
  /** Why the campaign collected the items, as declared. */
  purpose: string
  /** The claim code (领取码). */
  code: string
  status: keyof typeof CLAIM_STATUS_LABELS
  statusLabel: string
  claimedAt: string
  verifiedAt: string | null
  /** The store the claim was verified in (核销门店), by name. */
  verifiedStore: string | null
  /** The items given: their inventory label and the value as given. */
  items: { key: string; label: string; value: string }[]
  /** Each question with the member's answer (options chosen, joined by 、, or the text). */
  answers: { id: string; question: string; answer: string }[]
}

/** What the copy needs of the campaign. */
export interface ClaimedCampaign {
  title: string
  kind: CampaignKind
  purpose: string
  fields: CampaignField[]
  questions: Question[]
}

/** What the copy needs of the claim, its answers decrypted. */
export interface ClaimRecord {
  campaignId: string
  code: string
  status: keyof typeof CLAIM_STATUS_LABELS
  claimedAt: string
  verifiedAt?: string
  verifiedStore?: string
  given: CheckedClaim
}

function answerText(question: Question | undefined, answer: number[] | string): string {
  if (typeof answer === 'string') return answer
  return answer.map((i) => question?.options[i] ?? String(i)).join('、')
}

export function claimCopy(campaign: ClaimedCampaign | null, claim: ClaimRecord): CampaignClaimCopy {
  const questions = campaign?.questions ?? []
  return {
    campaignId: claim.campaignId,
    title: campaign?.title ?? '',
    kind: campaign?.kind ?? null,
    kindLabel: campaign ? CAMPAIGN_KIND_LABELS[campaign.kind] : '',
    purpose: campaign?.purpose ?? '',
    code: claim.code,
    status: claim.status,
    statusLabel: CLAIM_STATUS_LABELS[claim.status],
    claimedAt: claim.claimedAt,
    verifiedAt: claim.verifiedAt ?? null,
    verifiedStore: claim.verifiedStore ?? null,
    items: Object.entries(claim.given.values).map(([key, value]) => ({
      key,
      label: inventoryField(key as CampaignFieldKey).label,
      value: value ?? '',
    })),
    answers: Object.entries(claim.given.answers).map(([id, answer]) => {
      const question = questions.find((q) => q.id === id)
      return { id, question: question?.title ?? id, answer: answerText(question, answer) }
    }),
  }
}
