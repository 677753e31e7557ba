/** Personal information as entered: names, dates, phone numbers and their proof, e-mail, ID number. */
export type IdentityError =
  | 'NAME_REQUIRED'
  | 'NAME_INVALID'
  | 'GENDER_INVALID'
  | 'PROVINCE_INVALID'
  | 'BIRTH_DATE_INVALID'
  | 'BIRTH_DATE_FUTURE'
  | 'PHONE_REQUIRED'
  | 'PHONE_INVALID'
  | 'PHONE_TAKEN'
  | 'PHONE_CODE_INVALID'
  | 'PHONE_UNCHANGED'
  | 'SMS_CODE_REQUIRED'
  | 'SMS_CODE_INVALID'
  | 'SMS_CODE_WRONG'
  | 'SMS_CODE_EXPIRED'
  | 'SMS_CODE_LOCKED'
  | 'SMS_RESEND_TOO_SOON'
  | 'SMS_DAILY_LIMIT'
  | 'SMS_SEND_FAILED'
  | 'EMAIL_INVALID'
  | 'ID_NUMBER_INVALID'
  | 'ID_NUMBER_BIRTH_MISMATCH'

export const IDENTITY_MESSAGES = {
  NAME_REQUIRED: '请填写姓名',
  NAME_INVALID: '姓名应为2至20个汉字，或2至40个英文字母',
  GENDER_INVALID: '请选择性别',
  PROVINCE_INVALID: '请选择所在省份',
  BIRTH_DATE_INVALID: '出生日期格式有误，请重新选择',
  BIRTH_DATE_FUTURE: '出生日期不能晚于今天',
  PHONE_REQUIRED: '请填写手机号',
  PHONE_INVALID: '手机号应为11位中国大陆手机号',
  PHONE_TAKEN: '该手机号已被其他会员使用',
  PHONE_CODE_INVALID: '获取微信手机号失败，请重试或改用短信验证码',
  PHONE_UNCHANGED: '新手机号与当前手机号相同',
  SMS_CODE_REQUIRED: '请填写短信验证码',
  SMS_CODE_INVALID: '验证码应为6位数字',
  SMS_CODE_WRONG: '验证码不正确，请重新输入',
  SMS_CODE_EXPIRED: '验证码已失效，请重新获取',
  SMS_CODE_LOCKED: '验证码输错次数过多，已失效，请立即重新获取',
  SMS_RESEND_TOO_SOON: '验证码发送过于频繁，请稍后再试',
  SMS_DAILY_LIMIT: '今日获取验证码次数已达上限，请明天再试',
  SMS_SEND_FAILED: '短信发送失败，请稍后再试',
  EMAIL_INVALID: '电子邮箱格式有误',
  ID_NUMBER_INVALID: '身份证号格式或校验位有误，请核对',
  ID_NUMBER_BIRTH_MISMATCH: '身份证号中的出生日期与您填写的出生日期不一致',
} satisfies Record<IdentityError, string>

/** The same refusals with the wait in words, when the answer carries it (`retryAfter`). */
export const IDENTITY_WAIT_MESSAGES: Partial<Record<IdentityError, (seconds: number) => string>> = {
  SMS_RESEND_TOO_SOON: (seconds) => `验证码发送过于频繁，请${seconds}秒后再试`,
}
