/**
 * Campaign documents (`campaigns/<id>`): the declaration, the stock, the counts of claims and
 * verifications, and the questionnaire tally (answers per question and option, counts only).
 * Stock is taken by one conditional update (`stock > 0`) that also counts the claim and its
 * answers, so of any number of concurrent claimants exactly `stock` win and it never goes below 0.
 */
import { randomBytes } from 'node:crypto'

import type { CampaignView, Question } from '../../src/domain/campaign/model'
import { CAMPAIGN_ID_ALPHABET, CAMPAIGN_ID_LENGTH, campaignScene } from '../../src/domain/campaign/rules'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'

const DAY_MS = 24 * 3600_000

export interface CampaignDoc extends Doc, Omit<CampaignView, 'id' | 'scene'> {
  /** `tally.<question id>.n`: answers; `tally.<question id>.o<i>`: choices of option i. */
  tally: Record<string, Record<string, number>>
  createdBy: string
  createdAt: Date
}

/** One answer to a question, as counted: the option indexes chosen (none for short text). */
export interface CountedAnswer {
  questionId: string
  choices: number[]
}

/** 8 characters of the id alphabet: 57 letters and digits, 1.1 × 10^14 ids. */
export function newCampaignId(): string {
  return [...randomBytes(CAMPAIGN_ID_LENGTH)]
    .map((byte) => CAMPAIGN_ID_ALPHABET[byte % CAMPAIGN_ID_ALPHABET.length])
    .join('')
}

/** The first instant of a China date and the first instant after another. */
export const chinaDayStart = (day: string): number => Date.parse(`${day}T00:00:00+08:00`)
export const chinaDayEnd = (day: string): number => chinaDayStart(day) + DAY_MS

/** When the answers of a campaign's claims go: its last day plus its declared retention. */
export const claimsExpireAt = (doc: Pick<CampaignDoc, 'endsOn' | 'retentionDays'>): Date =>
  new Date(chinaDayEnd(doc.endsOn) + doc.retentionDays * DAY_MS)

export function campaignView(doc: CampaignDoc): CampaignView {
  return {
    id: doc._id,
    kind: doc.kind,
    title: doc.title,
    storeIds: [...doc.storeIds],
    startsOn: doc.startsOn,
    endsOn: doc.endsOn,
    stock: doc.stock,
    claimed: doc.claimed,
    verified: doc.verified,
    fields: doc.fields.map((f) => ({ ...f })),
    questions: doc.questions.map((q: Question) => ({ ...q, options: [...q.options] })),
    purpose: doc.purpose,
    retentionDays: doc.retentionDays,
    scene: campaignScene(doc._id),
  }
}

function tallyIncrements(db: Db, answers: CountedAnswer[], sign: 1 | -1): Record<string, unknown> {
  const _ = db.command
  const out: Record<string, unknown> = {}
  for (const { questionId, choices } of answers) {
    out[`tally.${questionId}.n`] = _.inc(sign)
    for (const i of choices) out[`tally.${questionId}.o${i}`] = _.inc(sign)
  }
  return out
}

export function createCampaigns(db: Db) {
  const _ = db.command
  const campaigns = () => db.collection(COLLECTIONS.campaigns)
  return {
    get: async (id: string) => (await getDoc(db, COLLECTIONS.campaigns, id)) as CampaignDoc | null,

    async add(doc: CampaignDoc): Promise<void> {
      await campaigns().add({ data: doc })
    },

    /** Every campaign of one of `storeIds` ('all': every campaign), newest first. */
    async ofStores(storeIds: readonly string[] | 'all', limit: number): Promise<CampaignDoc[]> {
      const query = storeIds === 'all' ? campaigns() : campaigns().where({ storeIds: _.in([...storeIds]) })
      const { data } = await query.orderBy('createdAt', 'desc').limit(limit).get()
      return data as CampaignDoc[]
    },

    /** Takes one item of stock and counts the claim and its answers; false when none is left. */
    async take(id: string, answers: CountedAnswer[]): Promise<boolean> {
      const { stats } = await campaigns()
        .where({ _id: id, stock: _.gt(0) })
        .update({ data: { stock: _.inc(-1), claimed: _.inc(1), ...tallyIncrements(db, answers, 1) } })
      return stats.updated === 1
    },

    /** Gives back what `take` took, for a claim that was not written. */
    async giveBack(id: string, answers: CountedAnswer[]): Promise<void> {
      await campaigns()
        .doc(id)
        .update({ data: { stock: _.inc(1), claimed: _.inc(-1), ...tallyIncrements(db, answers, -1) } })
    },

    async countVerified(id: string, by: 1 | -1): Promise<void> {
      await campaigns()
        .doc(id)
        .update({ data: { verified: _.inc(by) } })
    },
  }
}

export type Campaigns = ReturnType<typeof createCampaigns>
