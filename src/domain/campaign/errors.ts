/** Campaigns (gift, sample, questionnaire) and the verification of their claims. */
export type CampaignError =
  | 'CAMPAIGN_TITLE_REQUIRED'
  | 'CAMPAIGN_STORES_INVALID'
  | 'CAMPAIGN_WINDOW_INVALID'
  | 'CAMPAIGN_FIELD_INVALID'
  | 'CAMPAIGN_REASON_REQUIRED'
  | 'CAMPAIGN_PURPOSE_REQUIRED'
  | 'CAMPAIGN_QUESTION_INVALID'
  | 'CAMPAIGN_UNKNOWN'
  | 'CAMPAIGN_NOT_STARTED'
  | 'CAMPAIGN_ENDED'
  | 'CAMPAIGN_ANSWER_REQUIRED'
  | 'CAMPAIGN_ANSWER_INVALID'
  | 'SOLD_OUT'
  | 'CLAIM_UNKNOWN'
  | 'ALREADY_VERIFIED'
  | 'NOT_VERIFIED'
  | 'CLAIM_OTHER_STORE'
  | 'REVERSAL_TOO_LATE'
  | 'REVERSAL_REASON_REQUIRED'

export const CAMPAIGN_MESSAGES = {
  CAMPAIGN_TITLE_REQUIRED: '请填写活动名称',
  CAMPAIGN_STORES_INVALID: '请选择您负责的门店（至少一个）',
  CAMPAIGN_WINDOW_INVALID: '活动时间有误：结束日期不能早于开始日期或今天',
  CAMPAIGN_FIELD_INVALID:
    '只能收集数据清单中列出的信息（姓名、性别、省份、出生日期、手机号、电子邮箱），且每项只能选一次',
  CAMPAIGN_REASON_REQUIRED: '请为每项收集的信息说明用途',
  CAMPAIGN_PURPOSE_REQUIRED: '请填写处理目的',
  CAMPAIGN_QUESTION_INVALID:
    '问题设置有误：单选/多选题需要 2–10 个不重复的选项，填空题需设置字数上限；问卷至少一题',
  CAMPAIGN_UNKNOWN: '活动不存在或已下线',
  CAMPAIGN_NOT_STARTED: '活动尚未开始，请在活动时间内参加',
  CAMPAIGN_ENDED: '活动已结束',
  CAMPAIGN_ANSWER_REQUIRED: '请填写所有必填项',
  CAMPAIGN_ANSWER_INVALID: '填写的内容有误，请检查后重试',
  SOLD_OUT: '很抱歉，礼品已领完',
  CLAIM_UNKNOWN: '领取码无效，请核对后重新输入',
  ALREADY_VERIFIED: '该领取码已核销，不能重复核销',
  NOT_VERIFIED: '该领取码尚未核销',
  CLAIM_OTHER_STORE: '该领取码不属于本门店的活动，不能在本门店核销',
  REVERSAL_TOO_LATE: '核销已超过 24 小时，不能撤销',
  REVERSAL_REASON_REQUIRED: '请填写撤销原因',
} satisfies Record<CampaignError, string>

/** Messages that name when: the time is China time, `YYYY-MM-DD HH:mm`. */
export const CAMPAIGN_AT_MESSAGES: Partial<Record<CampaignError, (time: string) => string>> = {
  ALREADY_VERIFIED: (time) => `该领取码已于 ${time}（北京时间）核销，不能重复核销`,
}
