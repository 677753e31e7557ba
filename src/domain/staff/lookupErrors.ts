/** The counter's member lookup, full reveals, the channel report and reassignments. */
export type LookupError =
  | 'LOOKUP_TAIL_INVALID'
  | 'LOOKUP_MEMBER_UNKNOWN'
  | 'REVEAL_REASON_REQUIRED'
  | 'REVEAL_DAILY_LIMIT'
  | 'REPORT_RANGE_INVALID'
  | 'REASSIGN_CHANNEL_INVALID'
  | 'REASSIGN_REASON_REQUIRED'

export const LOOKUP_MESSAGES = {
  LOOKUP_TAIL_INVALID: '请输入会员号后4位数字',
  LOOKUP_MEMBER_UNKNOWN: '未找到该会员，或该会员不属于您的门店',
  REVEAL_REASON_REQUIRED: '请选择查看完整信息的原因',
  REVEAL_DAILY_LIMIT: '今日查看完整信息的次数已用完（每日20次），次日0点后恢复',
  REPORT_RANGE_INVALID: '日期范围有误：开始日期不能晚于结束日期，且最长31天',
  REASSIGN_CHANNEL_INVALID: '所选渠道不存在、已停用或不属于该会员的门店',
  REASSIGN_REASON_REQUIRED: '请选择调整归属的原因',
} satisfies Record<LookupError, string>
