/** The member code at the till: what the counter reads when a scanned code is refused. */
export type MemberCodeError = 'MEMBER_CODE_INVALID' | 'MEMBER_CODE_EXPIRED' | 'MEMBER_CODE_USED'

export const MEMBER_CODE_MESSAGES = {
  MEMBER_CODE_INVALID: '会员码无效，请让顾客打开小程序的会员码后重新扫描',
  MEMBER_CODE_EXPIRED: '会员码已过期（截图或旧码无效），请让顾客出示实时刷新的会员码',
  MEMBER_CODE_USED: '该会员码已使用过，请等待会员码刷新（30秒）后重新扫描',
} satisfies Record<MemberCodeError, string>
