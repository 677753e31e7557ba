/** Points: the ledger's refusals as the member and the counter read them. */
export type PointsError = 'POINTS_INSUFFICIENT' | 'POINTS_SOURCE_UNKNOWN'

export const POINTS_MESSAGES = {
  POINTS_INSUFFICIENT: '可用积分不足（新获得的积分需在退货期满后才能使用）',
  POINTS_SOURCE_UNKNOWN: '未找到对应的积分记录，请核对小票号',
} satisfies Record<PointsError, string>
