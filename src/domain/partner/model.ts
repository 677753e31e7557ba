/**
 * The partners register (4.1.4): partners and suppliers with access to our systems or data, with
 * their confidentiality agreement and their systems' 等保 (MLPS) certification.
 */

export const PARTNER_KINDS = ['partner', 'supplier'] as const
export type PartnerKind = (typeof PARTNER_KINDS)[number]

export const PARTNER_KIND_TITLES: Record<PartnerKind, string> = {
  partner: '合作方',
  supplier: '供应商',
}

/** What a partner can reach: our systems and the categories of data in them. */
export const PARTNER_REACH = [
  'cloudEnvironment',
  'memberProfile',
  'contact',
  'points',
  'plates',
  'cards',
  'sms',
  'auditLog',
] as const
export type PartnerReach = (typeof PARTNER_REACH)[number]

export const PARTNER_REACH_TITLES: Record<PartnerReach, string> = {
  cloudEnvironment: '云开发环境（运维）',
  memberProfile: '会员资料',
  contact: '联系方式（手机号）',
  points: '积分与消费记录',
  plates: '车牌',
  cards: '实体会员卡',
  sms: '短信发送',
  auditLog: '审计日志',
}

/** 等保 levels; `none` for no certification. Level 2 or higher is what 4.1.4 asks for. */
export const CERT_LEVELS = ['none', '1', '2', '3', '4'] as const
export type CertLevel = (typeof CERT_LEVELS)[number]

export const CERT_LEVEL_TITLES: Record<CertLevel, string> = {
  none: '无',
  '1': '一级',
  '2': '二级',
  '3': '三级',
  '4': '四级',
}

/** The lowest 等保 level a partner's systems must hold. */
export const CERT_LEVEL_REQUIRED = 2

/** What needs a look: an agreement or certification expired, expiring, or too low. */
export type PartnerFlag =
  'agreementExpired' | 'agreementExpiring' | 'certExpired' | 'certExpiring' | 'certMissing'

export const PARTNER_FLAG_TITLES: Record<PartnerFlag, string> = {
  agreementExpired: '保密协议已过期',
  agreementExpiring: '保密协议 30 天内到期',
  certExpired: '等保认证已过期',
  certExpiring: '等保认证 30 天内到期',
  certMissing: '未达等保二级',
}

export interface Partner {
  partnerId: string
  name: string
  kind: PartnerKind
  reach: PartnerReach[]
  agreement: { ref: string; signedOn: string; expiresOn: string }
  cert: { level: CertLevel; ref?: string; expiresOn?: string }
  status: 'active' | 'ended'
  /** The China date the relationship ended. */
  endedOn?: string
  /** The staff id of who approved the entry (its creator or last editor). */
  approvedBy: string
  /** Flags as of today, China time (ended partners have none). */
  flags: PartnerFlag[]
}
