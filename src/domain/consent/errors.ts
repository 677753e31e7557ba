/** Consents: the notice, purposes, and subscribe-message topics (one-time allowances). */
export type ConsentError =
  | 'CONSENT_REQUIRED'
  | 'NOTICE_OUTDATED'
  | 'PURPOSE_UNKNOWN'
  | 'PURPOSE_CONSENT_REQUIRED'
  | 'BASIC_CONSENT_FIXED'
  | 'PURPOSE_PREREQUISITE'
  | 'SUBSCRIBE_REJECTED'
  | 'SUBSCRIBE_UNAVAILABLE'
  | 'SUBSCRIBE_NOT_CONFIGURED'
  | 'SUBSCRIBE_NO_ALLOWANCE'
  | 'SUBSCRIBE_SEND_FAILED'
  | 'SUBSCRIBE_ID_INVALID'

export const CONSENT_MESSAGES = {
  CONSENT_REQUIRED: '请先阅读并同意《会员个人信息处理规则》',
  NOTICE_OUTDATED: '个人信息处理规则已更新，请重新阅读并同意',
  PURPOSE_UNKNOWN: '不支持的授权项目',
  PURPOSE_CONSENT_REQUIRED: '请先在“隐私与授权”中开启对应的授权',
  BASIC_CONSENT_FIXED: '会员基础服务授权无法单独关闭，如需停止请注销会员',
  PURPOSE_PREREQUISITE: '请先开启此项授权所依赖的授权',
  SUBSCRIBE_REJECTED: '您在微信中未允许接收该提醒，开关未开启',
  SUBSCRIBE_UNAVAILABLE: '暂时无法开启订阅提醒，请稍后再试',
  SUBSCRIBE_NOT_CONFIGURED: '商场暂未开通该提醒',
  SUBSCRIBE_NO_ALLOWANCE: '您没有可用的订阅次数，未发送提醒',
  SUBSCRIBE_SEND_FAILED: '订阅消息发送失败',
  SUBSCRIBE_ID_INVALID: '订阅请求标识有误，请重试',
} satisfies Record<ConsentError, string>
