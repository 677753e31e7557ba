/** Device pushes (the `ingest` function): what a device or its integrator reads when a push is refused. */
export type IngestError =
  | 'DEVICE_UNKNOWN'
  | 'DEVICE_SIGNATURE_INVALID'
  | 'DEVICE_CLOCK_SKEW'
  | 'DEVICE_NONCE_REPLAYED'
  | 'DEVICE_KIND_MISMATCH'
  | 'INGEST_PATH_UNKNOWN'
  | 'INGEST_BODY_INVALID'
  | 'INGEST_BODY_TOO_LARGE'
  | 'INGEST_TIME_INVALID'
  | 'MEMBER_ID_REQUIRED'

export const INGEST_MESSAGES = {
  DEVICE_UNKNOWN: '设备未登记或已停用，请联系商场管理员',
  DEVICE_SIGNATURE_INVALID: '请求签名无效：请检查设备编号、密钥和签名内容',
  DEVICE_CLOCK_SKEW: '设备时间与服务器相差超过 5 分钟，请校准设备时间后重试',
  DEVICE_NONCE_REPLAYED: '该请求已处理过（随机串重复），请使用新的随机串重新签名',
  DEVICE_KIND_MISMATCH: '该设备不能向此地址推送数据',
  INGEST_PATH_UNKNOWN: '推送地址有误，请检查设备配置',
  INGEST_BODY_INVALID: '推送内容不是有效的 JSON 对象',
  INGEST_BODY_TOO_LARGE: '推送内容超过 64 KB',
  INGEST_TIME_INVALID: '交易时间有误：不能晚于当前时间，也不能早于 30 天前',
  MEMBER_ID_REQUIRED: '请提供会员码或手机号索引（二选一）',
} satisfies Record<IngestError, string>
