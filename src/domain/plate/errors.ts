/** Licence plates bound for parking. */
export type PlateError =
  'PLATE_INVALID' | 'PLATE_LIMIT' | 'PLATE_TAKEN' | 'PLATE_DUPLICATE' | 'PLATE_UNKNOWN' | 'PLATE_TRIES_LIMIT'

export const PLATE_MESSAGES = {
  PLATE_INVALID: '车牌号格式有误，请核对（如 京A12345、沪AD12345）',
  PLATE_LIMIT: '最多可绑定3个车牌',
  PLATE_TAKEN: '该车牌已被其他会员绑定，如有疑问请联系服务台',
  PLATE_DUPLICATE: '您已绑定该车牌',
  PLATE_UNKNOWN: '未找到该车牌，可能已解绑',
  PLATE_TRIES_LIMIT: '今日绑定车牌的尝试次数过多，请明天再试或到服务台办理',
} satisfies Record<PlateError, string>
