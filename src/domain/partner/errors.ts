/** The partners register. */
export type PartnerError =
  | 'PARTNER_UNKNOWN'
  | 'PARTNER_ENDED'
  | 'PARTNER_EXISTS'
  | 'PARTNER_NAME_REQUIRED'
  | 'PARTNER_REACH_REQUIRED'
  | 'PARTNER_DATE_INVALID'
  | 'PARTNER_AGREEMENT_REQUIRED'
  | 'PARTNER_CERT_INCOMPLETE'

export const PARTNER_MESSAGES = {
  PARTNER_UNKNOWN: '未找到该合作方',
  PARTNER_ENDED: '该合作关系已终止，不能再修改',
  PARTNER_EXISTS: '已登记同名合作方（含已终止的），请修改原记录',
  PARTNER_NAME_REQUIRED: '请填写合作方名称',
  PARTNER_REACH_REQUIRED: '请至少选择一项可访问的系统或数据',
  PARTNER_DATE_INVALID: '请填写正确的日期（如 2026-01-31），到期日不能早于签订日',
  PARTNER_AGREEMENT_REQUIRED: '请填写保密协议编号、签订日和到期日',
  PARTNER_CERT_INCOMPLETE: '有等保认证时请填写证书编号和到期日',
} satisfies Record<PartnerError, string>
