/**
 * The consent catalogue. `membership` is the basic function (4.1.3, 6.6.1): required to be a
 * member. Every other purpose is an extended function, opted into one by one; refusing one
 * never degrades the basic function and is not asked again unprompted (L-2).
 */
export type PurposeId = 'membership' | 'marketing' | 'personalisation' | 'parking' | 'idNumber' | 'subscribe'

export interface Purpose {
  id: PurposeId
  title: string
  description: string
  basic: boolean
  /** Processing sensitive information needs its own, separate consent (L-4). */
  sensitive: boolean
  /** Notice version in which this purpose's scope last widened: older consents must be asked again (6.1.2). */
  scopeVersion: number
}

/** The current version of the privacy notice. Raise it when the notice text changes. */
export const NOTICE_VERSION = 1

export const PURPOSES: Record<PurposeId, Purpose> = {
  membership: {
    id: 'membership',
    title: '会员基础服务',
    description: '办理和识别会员身份、记录积分与等级、提供会员权益与售后服务。',
    basic: true,
    sensitive: false,
    scopeVersion: 1,
  },
  marketing: {
    id: 'marketing',
    title: '营销信息推送',
    description: '向您发送活动、优惠券、积分变动与生日祝福等消息，每条消息均可退订。',
    basic: false,
    sensitive: false,
    scopeVersion: 1,
  },
  personalisation: {
    id: 'personalisation',
    title: '个性化推荐',
    description:
      '根据您的消费与浏览记录生成兴趣标签，为您推荐更合适的商品与活动；关闭后仍可看到非个性化内容。',
    basic: false,
    sensitive: false,
    scopeVersion: 1,
  },
  parking: {
    id: 'parking',
    title: '停车服务',
    description: '绑定车牌，离场时自动识别会员身份、计算停车费并抵扣积分。车牌与停车记录属于行踪轨迹信息。',
    basic: false,
    sensitive: true,
    scopeVersion: 1,
  },
  idNumber: {
    id: 'idNumber',
    title: '身份证件信息',
    description: '在您自愿提供时，用于大额积分兑换、发票或售后服务中核验身份。从不作为必填项。',
    basic: false,
    sensitive: true,
    scopeVersion: 1,
  },
  subscribe: {
    id: 'subscribe',
    title: '订阅消息',
    description: '按您每次的点选，通过微信订阅消息发送一次性的服务提醒。',
    basic: false,
    sensitive: false,
    scopeVersion: 1,
  },
}

export const PURPOSE_IDS = Object.keys(PURPOSES) as PurposeId[]

export function isPurposeId(value: unknown): value is PurposeId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PURPOSES, value)
}
