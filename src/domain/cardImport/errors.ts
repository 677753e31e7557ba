/** Importing pre-issued service-desk cards from a CSV file: file and row problems. */
export type CardImportError =
  | 'CARD_IMPORT_FILE_INVALID'
  | 'CARD_IMPORT_HEADER_INVALID'
  | 'CARD_IMPORT_EMPTY'
  | 'CARD_IMPORT_COLUMNS'
  | 'CARD_IMPORT_TIER_INVALID'
  | 'CARD_IMPORT_POINTS_INVALID'
  | 'CARD_IMPORT_DUPLICATE'
  | 'CARD_IMPORT_EXISTS'

export const CARD_IMPORT_MESSAGES = {
  CARD_IMPORT_FILE_INVALID: '文件格式有误：引号未正确闭合，请用表格软件另存为 CSV 后重试',
  CARD_IMPORT_HEADER_INVALID: '表头应为：卡号,手机号,姓名,等级,期初积分',
  CARD_IMPORT_EMPTY: '文件中没有可导入的数据行',
  CARD_IMPORT_COLUMNS: '该行的列数与表头不一致',
  CARD_IMPORT_TIER_INVALID: '等级应为 普通、VIP 或 VVIP',
  CARD_IMPORT_POINTS_INVALID: '期初积分应为不小于 0 的整数',
  CARD_IMPORT_DUPLICATE: '该卡号在文件中重复出现',
  CARD_IMPORT_EXISTS: '该卡号已存在，不能重复发卡',
} satisfies Record<CardImportError, string>
