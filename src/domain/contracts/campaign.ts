/**
 * The `campaign` function's contract (4.2.2.3–4.2.2.5): managers declare gift, sample and
 * questionnaire campaigns and get their mini-program codes and reports; members claim once;
 * counter staff verify (核销) claims at the counter, managers reverse a verification within 24 h.
 */
import {
  CAMPAIGN_FIELD_KEYS,
  CAMPAIGN_KINDS,
  QUESTION_KINDS,
  type CampaignCode,
  type CampaignField,
  type CampaignReport,
  type CampaignView,
  type ClaimView,
  type Question,
  type VerifiedClaim,
} from '../campaign/model'
import { CLAIM_CODE_LENGTH, RETENTION_DAYS_MAX } from '../campaign/rules'
import { parseIsoDate } from '../dates'
import { fail, ok, type Result } from '../errors'
import {
  confirmation,
  empty,
  enumOf,
  int,
  listOf,
  object,
  required,
  schema,
  text,
  type ParseContext,
} from '../input'
import { action } from './contract'

const ID_MAX = 64
const MAX_STORES = 50
export const CAMPAIGN_TITLE_MAX = 30
export const CAMPAIGN_REASON_MAX = 60
export const CAMPAIGN_PURPOSE_MAX = 100
export const QUESTION_TITLE_MAX = 60
export const OPTION_MAX = 20
export const OPTIONS_MAX = 10
export const QUESTIONS_MAX = 20
export const TEXT_ANSWER_MAX = 200
export const STOCK_MAX = 100_000
/** Long enough for any declared item's value (an e-mail address is the longest). */
export const FIELD_VALUE_MAX = 100

const day = (code: 'CAMPAIGN_WINDOW_INVALID', notBeforeToday: boolean) =>
  required(10, code, {
    check: (value: string, context: ParseContext) =>
      !parseIsoDate(value) || (notBeforeToday && value < context.today) ? code : undefined,
  })

const fieldSchema = schema({
  key: enumOf(CAMPAIGN_FIELD_KEYS, 'CAMPAIGN_FIELD_INVALID'),
  reason: required(CAMPAIGN_REASON_MAX, 'CAMPAIGN_REASON_REQUIRED'),
})

const questionSchema = schema(
  {
    kind: enumOf(QUESTION_KINDS, 'CAMPAIGN_QUESTION_INVALID'),
    title: required(QUESTION_TITLE_MAX, 'CAMPAIGN_QUESTION_INVALID'),
    options: listOf(required(OPTION_MAX, 'CAMPAIGN_QUESTION_INVALID'), OPTIONS_MAX),
    maxLength: int(1, TEXT_ANSWER_MAX, { optional: true }),
  },
  (q): Result<Omit<Question, 'id'>> => {
    if (q.kind === 'text')
      return q.options.length === 0 && q.maxLength !== undefined
        ? ok({ kind: q.kind, title: q.title, options: [], maxLength: q.maxLength })
        : fail('CAMPAIGN_QUESTION_INVALID')
    const distinct = new Set(q.options).size === q.options.length
    return q.options.length >= 2 && distinct && q.maxLength === undefined
      ? ok({ kind: q.kind, title: q.title, options: q.options })
      : fail('CAMPAIGN_QUESTION_INVALID')
  },
)

export const createCampaignSchema = schema(
  {
    kind: enumOf(CAMPAIGN_KINDS, 'INVALID_ARGUMENT'),
    title: required(CAMPAIGN_TITLE_MAX, 'CAMPAIGN_TITLE_REQUIRED'),
    storeIds: listOf(required(ID_MAX, 'CAMPAIGN_STORES_INVALID'), MAX_STORES),
    startsOn: day('CAMPAIGN_WINDOW_INVALID', false),
    endsOn: day('CAMPAIGN_WINDOW_INVALID', true),
    stock: int(1, STOCK_MAX),
    fields: listOf(object(fieldSchema), CAMPAIGN_FIELD_KEYS.length),
    questions: listOf(object(questionSchema), QUESTIONS_MAX),
    purpose: required(CAMPAIGN_PURPOSE_MAX, 'CAMPAIGN_PURPOSE_REQUIRED'),
    retentionDays: int(1, RETENTION_DAYS_MAX),
  },
  (input) => {
    const storeIds = [...new Set(input.storeIds)]
    if (storeIds.length === 0) return fail('CAMPAIGN_STORES_INVALID', 'storeIds')
    if (input.endsOn < input.startsOn) return fail('CAMPAIGN_WINDOW_INVALID', 'endsOn')
    if (new Set(input.fields.map((f) => f.key)).size !== input.fields.length)
      return fail('CAMPAIGN_FIELD_INVALID', 'fields')
    const isQuestionnaire = input.kind === 'questionnaire'
    if (isQuestionnaire !== input.questions.length > 0) return fail('CAMPAIGN_QUESTION_INVALID', 'questions')
    const fields: CampaignField[] = input.fields
    return ok({ ...input, storeIds, fields })
  },
)

const campaignId = () => required(ID_MAX, 'CAMPAIGN_UNKNOWN')
/** Typed codes may carry spaces or dashes; the function normalises them. */
const claimCode = () => required(CLAIM_CODE_LENGTH + 8, 'CLAIM_UNKNOWN')

export const claimSchema = schema({
  campaignId: campaignId(),
  agreed: confirmation('CONSENT_REQUIRED'),
  values: listOf(
    object(
      schema({
        key: enumOf(CAMPAIGN_FIELD_KEYS, 'CAMPAIGN_FIELD_INVALID'),
        value: text(FIELD_VALUE_MAX),
      }),
    ),
    CAMPAIGN_FIELD_KEYS.length,
  ),
  answers: listOf(
    object(
      schema({
        id: required(4, 'CAMPAIGN_ANSWER_INVALID'),
        choices: listOf(int(0, OPTIONS_MAX - 1), OPTIONS_MAX),
        text: text(TEXT_ANSWER_MAX),
      }),
    ),
    QUESTIONS_MAX,
  ),
})

/** What the claim page shows: the campaign, the notice generated from it, and the caller's claim. */
export interface CampaignForm {
  campaign: Omit<CampaignView, 'claimed' | 'verified' | 'stock' | 'scene'> & { soldOut: boolean }
  notice: string[]
  claim: ClaimView | null
}

export const campaignContract = {
  createCampaign: action<{ campaign: CampaignView }>()({
    input: createCampaignSchema,
    access: ['manager', 'admin'],
    errors: [
      'CAMPAIGN_TITLE_REQUIRED',
      'CAMPAIGN_STORES_INVALID',
      'CAMPAIGN_WINDOW_INVALID',
      'CAMPAIGN_FIELD_INVALID',
      'CAMPAIGN_REASON_REQUIRED',
      'CAMPAIGN_PURPOSE_REQUIRED',
      'CAMPAIGN_QUESTION_INVALID',
      'STORE_UNKNOWN',
    ],
  }),
  listCampaigns: action<{ campaigns: CampaignView[] }>()({
    input: empty,
    access: ['counter', 'manager', 'admin'],
    errors: [],
  }),
  /** The campaign's mini-program code: base64 PNG (shown as `data:image/png;base64,<png>`). */
  campaignCode: action<CampaignCode>()({
    input: schema({ campaignId: campaignId() }),
    access: ['manager', 'admin'],
    errors: ['CAMPAIGN_UNKNOWN'],
  }),
  campaignForm: action<CampaignForm>()({
    input: schema({ campaignId: campaignId() }),
    access: ['member'],
    errors: ['CAMPAIGN_UNKNOWN'],
  }),
  claim: action<{ claim: ClaimView }>()({
    input: claimSchema,
    access: ['member'],
    errors: [
      'CAMPAIGN_UNKNOWN',
      'CAMPAIGN_NOT_STARTED',
      'CAMPAIGN_ENDED',
      'CAMPAIGN_FIELD_INVALID',
      'CAMPAIGN_ANSWER_REQUIRED',
      'CAMPAIGN_ANSWER_INVALID',
      'CONSENT_REQUIRED',
      'SOLD_OUT',
      'NAME_INVALID',
      'GENDER_INVALID',
      'PROVINCE_INVALID',
      'BIRTH_DATE_INVALID',
      'BIRTH_DATE_FUTURE',
      'PHONE_INVALID',
      'EMAIL_INVALID',
    ],
  }),
  verifyClaim: action<{ claim: VerifiedClaim }>()({
    input: schema({ code: claimCode() }),
    access: ['counter', 'manager'],
    errors: ['CLAIM_UNKNOWN', 'ALREADY_VERIFIED', 'CLAIM_OTHER_STORE'],
  }),
  reverseVerification: action<{ claim: { code: string; status: 'claimed' } }>()({
    input: schema({
      code: claimCode(),
      reason: required(CAMPAIGN_REASON_MAX, 'REVERSAL_REASON_REQUIRED'),
    }),
    access: ['manager', 'admin'],
    errors: ['CLAIM_UNKNOWN', 'NOT_VERIFIED', 'CLAIM_OTHER_STORE', 'REVERSAL_TOO_LATE'],
  }),
  campaignReport: action<{ report: CampaignReport }>()({
    input: schema({ campaignId: campaignId() }),
    access: ['manager', 'admin'],
    errors: ['CAMPAIGN_UNKNOWN'],
  }),
}

export type CampaignContract = typeof campaignContract
