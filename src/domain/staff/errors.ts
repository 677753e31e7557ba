/** Staff accounts and their invitations. */
export type StaffError =
  | 'INVITE_INVALID'
  | 'ALREADY_STAFF'
  | 'STAFF_STORES_INVALID'
  | 'STAFF_UNKNOWN'
  | 'COUNTER_UNKNOWN'
  | 'STAFF_SELF'

export const STAFF_MESSAGES = {
  INVITE_INVALID: '邀请码无效或已过期，请联系店长或商场管理员重新邀请',
  ALREADY_STAFF: '您已是员工，无需再次加入；如账号被停用请联系管理员',
  STAFF_STORES_INVALID: '请选择门店：导购/服务台选择一个门店，店长至少选择一个门店',
  STAFF_UNKNOWN: '未找到该员工',
  COUNTER_UNKNOWN: '所选专柜不存在或不属于该门店，请重新选择',
  STAFF_SELF: '不能停用或启用自己的账号，请由其他管理员操作',
} satisfies Record<StaffError, string>
