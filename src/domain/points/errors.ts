/** Points: the ledger's refusals, redemption and vouchers, as the member and the counter read them. */
export type PointsError =
  | 'POINTS_INSUFFICIENT'
  | 'POINTS_SOURCE_UNKNOWN'
  | 'POINTS_CURSOR_INVALID'
  | 'REWARD_UNKNOWN'
  | 'REWARD_UNAVAILABLE'
  | 'REWARD_TIER'
  | 'REWARD_SOLD_OUT'
  | 'REDEEM_LIMIT'
  | 'REDEEM_DAY_LIMIT'
  | 'REDEEM_KEY_INVALID'
  | 'VOUCHER_UNKNOWN'
  | 'VOUCHER_USED'
  | 'VOUCHER_EXPIRED'
  | 'VOUCHER_OTHER_STORE'
  | 'VOUCHER_NOT_USED'
  | 'REWARD_NAME_REQUIRED'
  | 'REWARD_KIND_INVALID'
  | 'REWARD_POINTS_INVALID'
  | 'REWARD_STOCK_INVALID'
  | 'REWARD_LIMIT_INVALID'
  | 'REWARD_VALID_DAYS_INVALID'
  | 'REWARD_PARKING_MINUTES_INVALID'
  | 'REWARD_TIERS_INVALID'
  | 'REWARD_DATES_INVALID'
  | 'REWARD_STORES_INVALID'
  | 'REWARD_KEY_REUSED'
  | 'REWARD_RESTOCK_INVALID'
  | 'REWARD_STOCK_BY_RESTOCK'

export const POINTS_MESSAGES = {
  POINTS_INSUFFICIENT: '可用积分不足（新获得的积分需在退货期满后才能使用）',
  POINTS_SOURCE_UNKNOWN: '未找到对应的积分记录，请核对小票号',
  POINTS_CURSOR_INVALID: '积分明细已更新，请返回后重新打开',
  REWARD_UNKNOWN: '该礼品不存在或已下架',
  REWARD_UNAVAILABLE: '该礼品当前不在兑换期内',
  REWARD_TIER: '该礼品仅限指定等级的会员兑换',
  REWARD_SOLD_OUT: '很抱歉，该礼品已兑完',
  REDEEM_LIMIT: '您已达到该礼品的兑换上限',
  REDEEM_DAY_LIMIT: '该礼品今天的兑换次数已用完，请明天再来',
  REDEEM_KEY_INVALID: '兑换请求有误，请返回后重试',
  VOUCHER_UNKNOWN: '券码无效，请核对后重新输入',
  VOUCHER_USED: '该券已使用，不能重复核销',
  VOUCHER_EXPIRED: '该券已过期，不能核销',
  VOUCHER_OTHER_STORE: '该券不能在本门店使用',
  VOUCHER_NOT_USED: '该券尚未核销',
  REWARD_NAME_REQUIRED: '请填写礼品名称',
  REWARD_KIND_INVALID: '请选择礼品类型',
  REWARD_POINTS_INVALID: '所需积分须为 1–1000000 的整数',
  REWARD_STOCK_INVALID: '库存须为 0–1000000 的整数',
  REWARD_LIMIT_INVALID: '限兑次数须为 1–99 的整数，每日限兑不能多于每人限兑',
  REWARD_VALID_DAYS_INVALID: '券的有效期须为 1–366 天',
  REWARD_PARKING_MINUTES_INVALID: '停车券须填写抵扣时长（15–1440 分钟），其他礼品不填',
  REWARD_TIERS_INVALID: '可兑换的会员等级有误',
  REWARD_DATES_INVALID: '兑换期有误：日期格式为 YYYY-MM-DD，开始日不能晚于结束日',
  REWARD_STORES_INVALID: '门店经理只能维护仅限本人负责门店的礼品',
  REWARD_KEY_REUSED: '该请求已用于另一件礼品，请返回后重新填写',
  REWARD_RESTOCK_INVALID: '补充数量须为 1–100000 的整数',
  REWARD_STOCK_BY_RESTOCK: '已上架礼品的库存请通过「补充库存」增加',
} satisfies Record<PointsError, string>

/** Messages that name when: the time is China time, `YYYY-MM-DD HH:mm`. */
export const POINTS_AT_MESSAGES: Partial<Record<PointsError, (time: string) => string>> = {
  VOUCHER_USED: (time) => `该券已于 ${time}（北京时间）核销，不能重复核销`,
}
