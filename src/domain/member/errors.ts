/** Membership: joining, being a member, a guardian's consent, cancelling. */
export type MemberError =
  | 'NOT_A_MEMBER'
  | 'ALREADY_MEMBER'
  | 'STORE_REQUIRED'
  | 'STORE_UNKNOWN'
  | 'GUARDIAN_CONSENT_REQUIRED'
  | 'GUARDIAN_PENDING'
  | 'GUARDIAN_NOT_NEEDED'
  | 'GUARDIAN_RELATION_INVALID'
  | 'GUARDIAN_PERIOD_OVER'
  | 'AGE_DECLARATION_REQUIRED'
  | 'CONFIRMATION_REQUIRED'
  | 'PHONE_NOT_ON_FILE'
  | 'PHONE_MISMATCH'

export const MEMBER_MESSAGES = {
  NOT_A_MEMBER: '您还不是会员，请先申请成为会员',
  ALREADY_MEMBER: '您已是会员，无需重复申请',
  STORE_REQUIRED: '请选择服务门店',
  STORE_UNKNOWN: '所选门店不存在或已停止服务，请重新选择',
  GUARDIAN_CONSENT_REQUIRED: '14周岁及以下的未成年人需经监护人同意，请由监护人陪同到服务台办理',
  GUARDIAN_PENDING: '需监护人同意后才能使用此功能',
  GUARDIAN_NOT_NEEDED: '您已年满15周岁或监护人已同意，无需再次办理',
  GUARDIAN_PERIOD_OVER: '监护人同意的期限已过，已登记的信息已删除，如需入会请重新申请',
  GUARDIAN_RELATION_INVALID: '请选择与会员的监护关系',
  AGE_DECLARATION_REQUIRED: '请确认您已年满15周岁，或已取得监护人同意',
  CONFIRMATION_REQUIRED: '请确认注销：注销后会员信息将被删除且无法恢复',
  PHONE_NOT_ON_FILE: '您的账户未登记手机号，无需验证码，确认后即可注销',
  PHONE_MISMATCH: '该手机号与账户登记的手机号不一致，请使用账户登记的手机号验证',
} satisfies Record<MemberError, string>
