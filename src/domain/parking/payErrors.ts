/** Paying for parking: the payment, its order, its refund, and the managers' report. */
export type ParkPayError =
  | 'PARKING_PAYMENT_UNKNOWN'
  | 'PARKING_PAYMENT_NOT_DUE'
  | 'PARKING_PAYMENT_KEY_REUSED'
  | 'PARKING_PAYMENT_ORDER_FAILED'
  | 'PARKING_PAYMENT_NOT_PAID'
  | 'PARKING_PAYMENT_SETTLED'
  | 'PARKING_REPORT_RANGE'

export const PARKPAY_MESSAGES = {
  PARKING_PAYMENT_UNKNOWN: '未找到该停车缴费记录',
  PARKING_PAYMENT_NOT_DUE: '当前无需缴费，请在离场时间内离场',
  PARKING_PAYMENT_KEY_REUSED: '缴费请求有误，请返回后重新发起缴费',
  PARKING_PAYMENT_ORDER_FAILED: '微信支付下单失败，请稍后重试，积分和停车券未被扣除',
  PARKING_PAYMENT_NOT_PAID: '该笔停车费尚未支付成功，无法退款',
  PARKING_PAYMENT_SETTLED: '该笔缴费已完成或已关闭，请刷新后查看',
  PARKING_REPORT_RANGE: '报表日期范围有误：开始日期不晚于结束日期，且最多 31 天',
} satisfies Record<ParkPayError, string>
