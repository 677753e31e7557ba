import { formatYuan } from './money'

/** Points at the counter: scoring receipts, refunds, adjustments, the rules and the report. */
export type EarnError =
  | 'RECEIPT_INVALID'
  | 'RECEIPT_ALREADY_SCORED'
  | 'AMOUNT_INVALID'
  | 'REFUND_EXCEEDS_PURCHASE'
  | 'POINTS_RULES_MISSING'
  | 'POINTS_RULES_INVALID'
  | 'RULES_EFFECTIVE_INVALID'
  | 'ADJUST_DELTA_INVALID'
  | 'ADJUST_REASON_REQUIRED'
  | 'ADJUST_KEY_REUSED'
  | 'ADJUST_DAILY_LIMIT'

export const EARN_MESSAGES = {
  RECEIPT_INVALID: '请输入小票号：字母、数字或短横线，最长32位',
  RECEIPT_ALREADY_SCORED: '该小票已积分，不能重复积分',
  AMOUNT_INVALID: '金额须在 0.01 元至 1,000,000 元之间，最多两位小数',
  REFUND_EXCEEDS_PURCHASE: '退货金额超过该小票尚可退货的金额',
  POINTS_RULES_MISSING: '积分规则尚未生效，请联系商场管理员',
  POINTS_RULES_INVALID: '积分规则填写有误：比例 0–100（最多两位小数），倍数 1–10，加赠不超过 100000 分',
  RULES_EFFECTIVE_INVALID: '生效时间不能早于现在',
  ADJUST_DELTA_INVALID: '调整分值须为 -10000 至 10000 之间的非零整数',
  ADJUST_REASON_REQUIRED: '请选择调整原因',
  ADJUST_KEY_REUSED: '该调整单号已用于另一笔调整',
  ADJUST_DAILY_LIMIT: '今日积分调整次数已用完（每日20次），次日0点后恢复',
} satisfies Record<EarnError, string>

/** The refusal of a receipt scored before, naming the amount it was scored for. */
export function alreadyScoredMessage(amountFen: number): string {
  return `该小票已积分（消费 ${formatYuan(amountFen)} 元），不能重复积分`
}
