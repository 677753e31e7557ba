/** Service-desk cards and binding one to a member. */
export type CardError =
  | 'CARD_NO_INVALID'
  | 'CARD_UNKNOWN'
  | 'CARD_PHONE_MISMATCH'
  | 'CARD_ALREADY_BOUND'
  | 'CARD_CANCELLED'
  | 'MEMBER_HAS_CARD'
  | 'CARD_TRIES_LIMIT'

export const CARD_MESSAGES = {
  CARD_NO_INVALID: '会员卡号应为10至16位数字',
  CARD_UNKNOWN: '未找到该会员卡，请核对卡号',
  CARD_PHONE_MISMATCH: '手机号与会员卡登记的手机号不一致',
  CARD_ALREADY_BOUND: '该会员卡已被绑定，如有疑问请联系服务台',
  CARD_CANCELLED: '该会员卡已注销，无法绑定',
  MEMBER_HAS_CARD: '您已绑定一张会员卡，每位会员只能绑定一张',
  CARD_TRIES_LIMIT: '今日核对会员卡信息的次数过多，请明天再试或到服务台办理',
} satisfies Record<CardError, string>
