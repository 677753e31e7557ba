/**
 * Expected failures, as values. Every code has one zh-CN message; functions answer
 * `{ ok: false, code, message, field? }` and pages show the message as is.
 */
export const ERROR_MESSAGES = {
  // Generic
  INVALID_ARGUMENT: '请求参数有误，请检查后重试',
  UNKNOWN_ACTION: '不支持的操作',
  INTERNAL: '系统繁忙，请稍后再试',
  UNAUTHENTICATED: '无法识别您的微信身份，请在微信中重新打开小程序',
  FORBIDDEN: '您没有执行此操作的权限',
  FIELD_TOO_LONG: '输入内容过长，请精简后重试',
  NETWORK: '网络连接失败，请检查网络后重试',

  // Privacy and consent
  CONSENT_REQUIRED: '请先阅读并同意《会员个人信息处理规则》',
  NOTICE_OUTDATED: '个人信息处理规则已更新，请重新阅读并同意',

  // Membership
  NOT_A_MEMBER: '您还不是会员，请先申请成为会员',
  ALREADY_MEMBER: '您已是会员，无需重复申请',
  PHONE_TAKEN: '该手机号已注册会员。如在服务台办过卡，请使用“绑定会员卡”',

  // Form fields
  NAME_REQUIRED: '请填写姓名',
  NAME_INVALID: '姓名应为2至20个汉字，或2至40个英文字母',
  GENDER_INVALID: '请选择性别',
  PROVINCE_INVALID: '请选择所在省份',
  STORE_REQUIRED: '请选择服务门店',
  STORE_UNKNOWN: '所选门店不存在或已停止服务，请重新选择',
  BIRTH_DATE_INVALID: '出生日期格式有误，请重新选择',
  BIRTH_DATE_FUTURE: '出生日期不能晚于今天',
  GUARDIAN_CONSENT_REQUIRED: '未满14周岁的未成年人需经监护人同意后办理会员，请由监护人陪同到服务台办理',
  PHONE_REQUIRED: '请填写手机号',
  PHONE_INVALID: '手机号应为11位中国大陆手机号',

  // SMS verification
  SMS_CODE_REQUIRED: '请填写短信验证码',
  SMS_CODE_INVALID: '验证码应为6位数字',
  SMS_CODE_WRONG: '验证码不正确，请重新输入',
  SMS_CODE_EXPIRED: '验证码已失效，请重新获取',
  SMS_CODE_LOCKED: '验证码输错次数过多，请重新获取',
  SMS_RESEND_TOO_SOON: '验证码发送过于频繁，请60秒后再试',
  SMS_DAILY_LIMIT: '今日获取验证码次数已达上限，请明天再试',
  SMS_SEND_FAILED: '短信发送失败，请稍后再试',

  // Phone number from WeChat (getPhoneNumber)
  PHONE_CODE_INVALID: '获取微信手机号失败，请重试或改用短信验证码',
  PHONE_UNCHANGED: '新手机号与当前手机号相同',

  // Self service: consents
  PURPOSE_UNKNOWN: '不支持的授权项目',
  PURPOSE_CONSENT_REQUIRED: '请先在“隐私与授权”中开启对应的授权',
  BASIC_CONSENT_FIXED: '会员基础服务授权无法单独关闭，如需停止请注销会员',
  GUARDIAN_PENDING: '需监护人同意后才能使用此功能',
  GUARDIAN_NOT_NEEDED: '您已满14周岁或监护人已同意，无需再次办理',
  GUARDIAN_RELATION_INVALID: '请选择与会员的监护关系',
  PURPOSE_PREREQUISITE: '请先开启它所依赖的授权：停车缴费提醒需先开启“停车服务”',

  // Subscribe messages (one-time, allowed in WeChat's dialog)
  SUBSCRIBE_REJECTED: '您在微信中未允许接收该提醒，开关未开启',
  SUBSCRIBE_UNAVAILABLE: '暂时无法开启订阅提醒，请稍后再试',
  SUBSCRIBE_NOT_CONFIGURED: '商场暂未开通该提醒',
  SUBSCRIBE_NO_ALLOWANCE: '您没有可用的订阅次数，未发送提醒',
  SUBSCRIBE_SEND_FAILED: '订阅消息发送失败',
  SUBSCRIBE_ID_INVALID: '订阅请求标识有误，请重试',

  // Self service: profile
  EMAIL_INVALID: '电子邮箱格式有误',
  ID_NUMBER_INVALID: '身份证号格式或校验位有误，请核对',
  ID_NUMBER_BIRTH_MISMATCH: '身份证号中的出生日期与您填写的出生日期不一致',

  // Self service: licence plates
  PLATE_INVALID: '车牌号格式有误，请核对（如 京A12345、沪AD12345）',
  PLATE_LIMIT: '最多可绑定3个车牌',
  PLATE_TAKEN: '该车牌已被其他会员绑定，如有疑问请联系服务台',
  PLATE_DUPLICATE: '您已绑定该车牌',
  PLATE_UNKNOWN: '未找到该车牌，可能已解绑',

  // Self service: service-desk cards
  CARD_NO_INVALID: '会员卡号应为10至16位数字',
  CARD_UNKNOWN: '未找到该会员卡，请核对卡号',
  CARD_PHONE_MISMATCH: '手机号与会员卡登记的手机号不一致',
  CARD_ALREADY_BOUND: '该会员卡已被绑定，如有疑问请联系服务台',
  CARD_CANCELLED: '该会员卡已注销，无法绑定',
  MEMBER_HAS_CARD: '您已绑定一张会员卡，每位会员只能绑定一张',
  CARD_TRIES_LIMIT: '今日核对会员卡信息的次数过多，请明天再试或到服务台办理',

  // Account cancellation
  CONFIRMATION_REQUIRED: '请确认注销：注销后会员信息将被删除且无法恢复',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

export interface Failure {
  ok: false
  code: ErrorCode
  message: string
  /** The input field at fault, so a form can point at it. */
  field?: string
}

export interface Success<T> {
  ok: true
  data: T
}

export type Result<T> = Success<T> | Failure

export function fail(code: ErrorCode, field?: string): Failure {
  return field
    ? { ok: false, code, message: ERROR_MESSAGES[code], field }
    : { ok: false, code, message: ERROR_MESSAGES[code] }
}

export function ok<T>(data: T): Success<T> {
  return { ok: true, data }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, value)
}
