/**
 * The tariff page's form (issue #12): a tariff version as a manager edits it — yuan, minutes
 * and hours as typed text — and back into the tariff and deduction rules the function checks
 * again (parseTariff, parseDeductionRules); and the sample stays the page prices under the
 * current and the new version side by side.
 */
import { TIER_LABELS, type Tier } from '../member/model'
import { exitWindowOf, parkingFee, type DeductionRules, type Tariff } from './fee'
import { parseDeductionRules, parseTariff } from './tariffs'

export const TARIFF_FORM_FIELDS = [
  'freeMinutes',
  'firstMinutes',
  'firstYuan',
  'incrementMinutes',
  'incrementYuan',
  'dailyCapYuan',
  'nightFrom',
  'nightTo',
  'nightYuan',
  'exitWindowMinutes',
  'normalHours',
  'vipHours',
  'vvipHours',
  'spendYuan',
  'spendHours',
  'spendMaxHours',
  'pointsPerHour',
  'pointsMaxHours',
] as const

export type TariffFormField = (typeof TARIFF_FORM_FIELDS)[number]
/** Empty text: the optional part is left out (no cap, no night rate, no spend or points deduction). */
export type TariffForm = Record<TariffFormField, string>

const TIER_FIELDS: [Tier, TariffFormField][] = [
  ['normal', 'normalHours'],
  ['vip', 'vipHours'],
  ['vvip', 'vvipHours'],
]

const yuan = (fen: number | undefined) => (fen === undefined ? '' : String(fen / 100))
const hoursOf = (minutes: number | undefined) => (minutes === undefined ? '' : String(minutes / 60))

/** The form filled with a version's tariff and rules. */
export function tariffForm(tariff: Tariff, rules: DeductionRules): TariffForm {
  return {
    freeMinutes: String(tariff.freeMinutes),
    firstMinutes: String(tariff.firstPeriod.minutes),
    firstYuan: yuan(tariff.firstPeriod.fen),
    incrementMinutes: String(tariff.increment.minutes),
    incrementYuan: yuan(tariff.increment.fen),
    dailyCapYuan: yuan(tariff.dailyCapFen),
    nightFrom: tariff.overnight?.from ?? '',
    nightTo: tariff.overnight?.to ?? '',
    nightYuan: yuan(tariff.overnight?.fen),
    exitWindowMinutes: tariff.exitWindowMinutes === undefined ? '' : String(tariff.exitWindowMinutes),
    normalHours: hoursOf(rules.tierFreeMinutes.normal),
    vipHours: hoursOf(rules.tierFreeMinutes.vip),
    vvipHours: hoursOf(rules.tierFreeMinutes.vvip),
    spendYuan: yuan(rules.spend?.perFen),
    spendHours: hoursOf(rules.spend?.minutes),
    spendMaxHours: hoursOf(rules.spend?.maxMinutes),
    pointsPerHour: rules.points ? String(rules.points.perHour) : '',
    pointsMaxHours: rules.points ? String(rules.points.maxHoursPerSession) : '',
  }
}

/** Text as a number (NaN when it is not one: the parse then refuses the version). */
const num = (text: string) => (/^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : NaN)
const fen = (text: string) => Math.round(num(text) * 100)
const minutes = (hours: string) => Math.round(num(hours) * 60)
const given = (text: string) => text.trim() !== ''

/** The tariff and rules the form describes, checked as the function checks them; undefined when off. */
export function fromTariffForm(form: TariffForm): { tariff: Tariff; rules: DeductionRules } | undefined {
  const night = [form.nightFrom, form.nightTo, form.nightYuan]
  if (night.some(given) && !night.every(given)) return undefined
  const spend = [form.spendYuan, form.spendHours, form.spendMaxHours]
  if (spend.some(given) && !spend.every(given)) return undefined
  if (given(form.pointsPerHour) !== given(form.pointsMaxHours)) return undefined
  const tariff = parseTariff({
    freeMinutes: num(form.freeMinutes),
    firstPeriod: { minutes: num(form.firstMinutes), fen: fen(form.firstYuan) },
    increment: { minutes: num(form.incrementMinutes), fen: fen(form.incrementYuan) },
    ...(given(form.dailyCapYuan) ? { dailyCapFen: fen(form.dailyCapYuan) } : {}),
    ...(given(form.nightYuan)
      ? { overnight: { from: form.nightFrom.trim(), to: form.nightTo.trim(), fen: fen(form.nightYuan) } }
      : {}),
    ...(given(form.exitWindowMinutes) ? { exitWindowMinutes: num(form.exitWindowMinutes) } : {}),
  })
  const tierFreeMinutes: Record<string, number> = {}
  for (const [tier, field] of TIER_FIELDS)
    if (given(form[field])) tierFreeMinutes[tier] = minutes(form[field])
  const rules = parseDeductionRules({
    tierFreeMinutes,
    ...(given(form.spendYuan)
      ? {
          spend: {
            perFen: fen(form.spendYuan),
            minutes: minutes(form.spendHours),
            maxMinutes: minutes(form.spendMaxHours),
          },
        }
      : {}),
    ...(given(form.pointsPerHour)
      ? { points: { perHour: num(form.pointsPerHour), maxHoursPerSession: num(form.pointsMaxHours) } }
      : {}),
  })
  return tariff && rules ? { tariff, rules } : undefined
}

export interface SampleStay {
  label: string
  /** China time. */
  enteredAt: string
  until: string
  tier?: Tier
}

/** Stays the page prices under both versions: short, long, overnight, and a VIP's long stay. */
export const SAMPLE_STAYS: SampleStay[] = [
  { label: '停车 2 小时', enteredAt: '2024-06-15T10:00:00+08:00', until: '2024-06-15T12:00:00+08:00' },
  { label: '停车 5 小时', enteredAt: '2024-06-15T10:00:00+08:00', until: '2024-06-15T15:00:00+08:00' },
  {
    label: '过夜（20:00–次日 09:00）',
    enteredAt: '2024-06-15T20:00:00+08:00',
    until: '2024-06-16T09:00:00+08:00',
  },
  {
    label: 'VIP 会员停车 5 小时',
    enteredAt: '2024-06-15T10:00:00+08:00',
    until: '2024-06-15T15:00:00+08:00',
    tier: 'vip',
  },
]

/** What `stay` costs under a version, before spending, vouchers and points. */
export function sampleFen(stay: SampleStay, version: { tariff: Tariff; rules: DeductionRules }): number {
  return parkingFee({
    session: { enteredAt: stay.enteredAt, until: stay.until },
    payer: stay.tier ? { tier: stay.tier, availablePoints: 0 } : {},
    tariff: version.tariff,
    rules: { tierFreeMinutes: version.rules.tierFreeMinutes },
  }).amountFen
}

/** One line per part of a version, as the page shows it. */
export function tariffSummary(tariff: Tariff, rules: DeductionRules): string[] {
  const money = (f: number) => `¥${f / 100}`
  const lines = [
    `${tariff.freeMinutes} 分钟内免费；首 ${tariff.firstPeriod.minutes} 分钟 ${money(tariff.firstPeriod.fen)}，之后每 ${tariff.increment.minutes} 分钟 ${money(tariff.increment.fen)}`,
  ]
  const extras = [
    tariff.dailyCapFen !== undefined ? `每日封顶 ${money(tariff.dailyCapFen)}` : '',
    tariff.overnight
      ? `夜间 ${tariff.overnight.from}–${tariff.overnight.to} 每晚 ${money(tariff.overnight.fen)}`
      : '',
    `缴费后 ${exitWindowOf(tariff)} 分钟内离场`,
  ].filter(Boolean)
  lines.push(extras.join('；'))
  const tiers = TIER_FIELDS.filter(([tier]) => rules.tierFreeMinutes[tier])
    .map(([tier]) => `${TIER_LABELS[tier]} ${(rules.tierFreeMinutes[tier] as number) / 60} 小时`)
    .join('、')
  if (tiers) lines.push(`会员每日免费：${tiers}`)
  if (rules.spend)
    lines.push(
      `当日消费满 ${money(rules.spend.perFen)} 抵 ${rules.spend.minutes / 60} 小时，最多 ${rules.spend.maxMinutes / 60} 小时`,
    )
  if (rules.points)
    lines.push(`${rules.points.perHour} 积分抵 1 小时，每次最多 ${rules.points.maxHoursPerSession} 小时`)
  return lines
}
