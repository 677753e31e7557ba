/**
 * The consent catalogue. `membership` is the basic function (4.1.3, 6.6.1): required to be a
 * member. Every other purpose is an extended function, opted into one by one; refusing one
 * never degrades the basic function and is not asked again unprompted (L-2).
 */
export type PurposeId =
  | 'membership'
  | 'marketing'
  | 'personalisation'
  | 'parking'
  | 'idNumber'
  | 'businessCircle'
  | 'businessCircleParking'
  | SubscribeTopicId

/**
 * Subscribe-message topics (6.3.1, L-12): each is a purpose of its own, switched on and off by
 * itself. WeChat's retail subscriptions are one-time: every "allow" in WeChat's dialog lets one
 * message of that topic through, so a granted topic also counts the messages still allowed.
 */
export type SubscribeTopicId =
  'subscribePoints' | 'subscribeCoupon' | 'subscribeEvent' | 'subscribeParking' | 'subscribePointsExpiry'

export interface Purpose {
  id: PurposeId
  title: string
  description: string
  basic: boolean
  /** Processing sensitive information needs its own, separate consent (L-4). */
  sensitive: boolean
  /** Notice version in which this purpose's scope last widened: older consents must be asked again (6.1.2). */
  scopeVersion: number
  /** Another purpose this one is useless without (a parking reminder needs the parking service). */
  requires?: PurposeId
}

/** A subscribe-message topic: a purpose plus what one message of it says. */
export interface SubscribeTopic extends Purpose {
  id: SubscribeTopicId
  /**
   * The values a message of this topic carries, each with WeChat's keyword type (`thing` ≤ 20
   * characters, `number`, `time`, `amount`); the retailer maps them to its template's keywords.
   */
  values: Record<string, 'thing' | 'number' | 'time' | 'amount'>
}

/** The current version of the privacy notice. Raise it when the notice text changes. */
export const NOTICE_VERSION = 6

export const SUBSCRIBE_TOPICS: Record<SubscribeTopicId, SubscribeTopic> = {
  subscribePoints: {
    id: 'subscribePoints',
    title: '积分变动提醒',
    description: '积分到账、扣减或并入会员卡积分时，通过微信服务通知提醒您一次。',
    basic: false,
    sensitive: false,
    scopeVersion: 2,
    values: { change: 'number', balance: 'number', reason: 'thing', time: 'time' },
  },
  subscribeCoupon: {
    id: 'subscribeCoupon',
    title: '优惠券到期提醒',
    description: '您领取的优惠券即将到期时提醒您一次，避免错过。',
    basic: false,
    sensitive: false,
    scopeVersion: 2,
    values: { coupon: 'thing', expires: 'time', note: 'thing' },
  },
  subscribeEvent: {
    id: 'subscribeEvent',
    title: '会员活动提醒',
    description: '您报名的会员活动开始前提醒您一次，包括活动名称、时间与地点。',
    basic: false,
    sensitive: false,
    scopeVersion: 2,
    values: { event: 'thing', starts: 'time', place: 'thing' },
  },
  subscribeParking: {
    id: 'subscribeParking',
    title: '停车缴费提醒',
    description: '离场缴费或积分抵扣停车费后提醒您一次。需同时开启“停车服务”。',
    basic: false,
    sensitive: false,
    scopeVersion: 2,
    requires: 'parking',
    values: { plate: 'thing', fee: 'amount', time: 'time' },
  },
  subscribePointsExpiry: {
    id: 'subscribePointsExpiry',
    title: '积分到期提醒',
    description: '您的积分即将到期时（到期前约 30 天）提醒您一次，包括到期分数与日期。',
    basic: false,
    sensitive: false,
    scopeVersion: 4,
    values: { points: 'number', expires: 'time', note: 'thing' },
  },
}

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
  businessCircle: {
    id: 'businessCircle',
    title: '微信支付智慧商圈积分同步',
    description:
      '在商场内用微信支付后，把您的会员积分余额同步到微信支付，在微信中查看。关闭后，微信支付消费仍照常积分，只同步该笔消费的积分。',
    basic: false,
    sensitive: false,
    scopeVersion: 4,
  },
  businessCircleParking: {
    id: 'businessCircleParking',
    title: '微信支付智慧商圈停车同步',
    description:
      '您的车辆驶入或驶出商场停车场时，把车牌号、入场或离场时间和您的微信用户标识发送给微信支付（财付通），' +
      '用于在微信支付中确认您到场，使您在商圈门店用微信支付消费时自动积分。车牌与停车记录属于行踪轨迹信息。' +
      '需同时开启“停车服务”并在微信支付中授权商圈积分；关闭后不再发送，尚未发送的立即删除。',
    basic: false,
    sensitive: true,
    scopeVersion: 4,
    requires: 'parking',
  },
  ...SUBSCRIBE_TOPICS,
}

export const PURPOSE_IDS = Object.keys(PURPOSES) as PurposeId[]

export function isPurposeId(value: unknown): value is PurposeId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PURPOSES, value)
}

export const SUBSCRIBE_TOPIC_IDS = Object.keys(SUBSCRIBE_TOPICS) as SubscribeTopicId[]

export function isSubscribeTopic(value: unknown): value is SubscribeTopicId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SUBSCRIBE_TOPICS, value)
}

/** The title of a purpose, also for one a receipt names but the catalogue no longer has. */
/** Purposes of audit entries that are not consent purposes: a campaign's claim and its verification. */
const AUDIT_PURPOSE_TITLES: Record<string, string> = { campaign: '活动领取与核销' }

export function purposeTitle(id: string): string {
  if (isPurposeId(id)) return PURPOSES[id].title
  return AUDIT_PURPOSE_TITLES[id] ?? `已停用的授权项（${id}）`
}

/** The most one-time subscriptions of a topic kept waiting for a message. */
export const MAX_PENDING_SUBSCRIPTIONS = 20
