/**
 * Campaign rules: the fields a campaign may collect, claim codes, the campaign's scene, the
 * notice a shopper reads before claiming, the reversal window and the report's suppression.
 */
import { sceneValueOfQuery } from '../channel/scene'
import { fail, ok, type Result } from '../errors'
import { inventoryField } from '../identity/inventory'
import {
  checkBirthDate,
  checkEmail,
  checkGender,
  checkName,
  checkPhone,
  checkProvince,
  type Check,
} from '../identity/rules'
import {
  CAMPAIGN_KIND_LABELS,
  type CampaignField,
  type CampaignFieldKey,
  type CampaignView,
  type Question,
  type ReportCell,
} from './model'

/** Claim codes: 8 characters of Crockford's base32 (40 random bits), typed without confusion. */
export const CLAIM_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const CLAIM_CODE_LENGTH = 8
const CLAIM_CODE = new RegExp(`^[${CLAIM_ALPHABET}]{${CLAIM_CODE_LENGTH}}$`)

/** A typed or scanned claim code in canonical form (upper case; O→0, I/L→1; no spaces or dashes), or null. */
export function normaliseClaimCode(raw: string): string | null {
  const code = raw.replace(/[\s-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1')
  return CLAIM_CODE.test(code) ? code : null
}

/** Campaign ids: 8 characters without look-alikes, as channel codes. */
export const CAMPAIGN_ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
export const CAMPAIGN_ID_LENGTH = 8
const CAMPAIGN_ID = new RegExp(`^[${CAMPAIGN_ID_ALPHABET}]{${CAMPAIGN_ID_LENGTH}}$`)
export const isCampaignId = (value: string): boolean => CAMPAIGN_ID.test(value)

/**
 * The page a campaign's mini-program code opens (the main package's entry, as for invites): it
 * reads the scene and, for `k=c`, takes the shopper to the campaign's claim page.
 */
export const CAMPAIGN_CODE_PAGE = 'pages/index/index'
export const CLAIM_PAGE = '/campaign/claim/index'

const CAMPAIGN_SCENE_PREFIX = 'k=c&c='

/** The scene of a campaign's mini-program code: 14 characters, within WeChat's 32. */
export const campaignScene = (id: string): string => `${CAMPAIGN_SCENE_PREFIX}${id}`

/** The campaign id an opened page's `scene` query parameter carries (URL-encoded by WeChat), or null. */
export function campaignIdOfQuery(raw: string | undefined): string | null {
  const id = sceneValueOfQuery(raw, CAMPAIGN_SCENE_PREFIX)
  return id !== null && isCampaignId(id) ? id : null
}

/** A manager may reverse a verification for 24 hours. */
export const REVERSAL_WINDOW_MS = 24 * 3600_000

/** Report cells with fewer answers than this are not shown (they could single a person out). */
export const REPORT_MIN_CELL = 5

export const reportCell = (count: number): ReportCell => (count < REPORT_MIN_CELL ? '<5' : count)

/** The longest answers kept: three years after the campaign. */
export const RETENTION_DAYS_MAX = 3 * 365

/**
 * What the shopper reads before claiming, generated from the declaration: every field with its
 * reason, the purpose, how long the answers are kept, and that the phone is optional.
 */
export function campaignNotice(
  campaign: Pick<CampaignView, 'kind' | 'title' | 'fields' | 'questions' | 'purpose' | 'retentionDays'>,
): string[] {
  const lines = [`「${campaign.title}」（${CAMPAIGN_KIND_LABELS[campaign.kind]}）将收集以下信息：`]
  for (const field of campaign.fields) {
    const optional = field.key === 'phone' ? '（选填：不填写手机号也可以领取）' : ''
    lines.push(`· ${inventoryField(field.key).label}${optional}：${field.reason}`)
  }
  if (campaign.fields.length === 0) lines.push('· 不收集您的个人信息')
  if (campaign.questions.length > 0) lines.push(`· 问卷答案（${campaign.questions.length} 题）`)
  lines.push(`处理目的：${campaign.purpose}`)
  lines.push(
    `保存期限：活动结束后 ${campaign.retentionDays} 天删除；您注销会员时立即删除。信息加密保存，仅用于上述目的，报表只显示汇总数字。`,
  )
  lines.push('每位会员限领一次。')
  return lines
}

/** The inventory's rule for each item a campaign may ask for. */
const FIELD_CHECKS: Record<CampaignFieldKey, (value: string, today: string) => Check> = {
  name: checkName,
  gender: checkGender,
  province: checkProvince,
  birthDate: checkBirthDate,
  phone: checkPhone,
  email: (value) => (checkEmail(value) ? undefined : 'EMAIL_INVALID'),
}

/** Only the phone may be left out: phone binding is voluntary (4.2.2.3). */
export const isOptionalField = (key: CampaignFieldKey): boolean => key === 'phone'

export interface ClaimInput {
  values: { key: CampaignFieldKey; value?: string }[]
  answers: { id: string; choices: number[]; text?: string }[]
}

export interface CheckedClaim {
  /** The declared items given, by key. */
  values: Partial<Record<CampaignFieldKey, string>>
  /** Per question: the options chosen, or the text. */
  answers: Record<string, number[] | string>
}

function checkAnswer(
  question: Question,
  answer: ClaimInput['answers'][number] | undefined,
): Result<number[] | string> {
  if (!answer || (answer.choices.length === 0 && !answer.text))
    return fail('CAMPAIGN_ANSWER_REQUIRED', 'answers')
  const { choices, text } = answer
  if (question.kind === 'text') {
    return choices.length === 0 && text && text.length <= (question.maxLength ?? 0)
      ? ok(text)
      : fail('CAMPAIGN_ANSWER_INVALID', 'answers')
  }
  const valid =
    text === undefined &&
    new Set(choices).size === choices.length &&
    choices.every((i) => i < question.options.length) &&
    (question.kind === 'multi' || choices.length === 1)
  return valid ? ok([...choices].sort((a, b) => a - b)) : fail('CAMPAIGN_ANSWER_INVALID', 'answers')
}

/**
 * A claim's values and answers checked against the campaign's declaration: nothing it does not
 * declare, every declared item but the phone given, each by the inventory's rule, every question
 * answered within its options or length.
 */
export function checkClaim(
  campaign: { fields: CampaignField[]; questions: Question[] },
  input: ClaimInput,
  today: string,
): Result<CheckedClaim> {
  const declared = new Set(campaign.fields.map((f) => f.key))
  const values: CheckedClaim['values'] = {}
  for (const { key, value } of input.values) {
    if (!declared.has(key) || key in values) return fail('CAMPAIGN_FIELD_INVALID', 'values')
    if (value === undefined) continue
    const problem = FIELD_CHECKS[key](value, today)
    if (problem) return fail(problem, key)
    values[key] = value
  }
  for (const { key } of campaign.fields)
    if (!isOptionalField(key) && values[key] === undefined) return fail('CAMPAIGN_ANSWER_REQUIRED', key)
  const known = new Set(campaign.questions.map((q) => q.id))
  if (
    input.answers.some((a) => !known.has(a.id)) ||
    new Set(input.answers.map((a) => a.id)).size !== input.answers.length
  )
    return fail('CAMPAIGN_ANSWER_INVALID', 'answers')
  const answers: CheckedClaim['answers'] = {}
  for (const question of campaign.questions) {
    const checked = checkAnswer(
      question,
      input.answers.find((a) => a.id === question.id),
    )
    if (!checked.ok) return checked
    answers[question.id] = checked.data
  }
  return ok({ values, answers })
}
