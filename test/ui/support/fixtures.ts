/** Realistic answers of the `member` function, built from the same domain code the server uses. */
import { buildNotice } from '@/domain/consent/notice'
import type { MemberHome, StoreOption } from '@/domain/member/model'
import { PURPOSE_IDS, PURPOSES, isSubscribeTopic, type PurposeId } from '@/domain/consent/purposes'
import type { ConsentReceiptView, ConsentsData } from '@/domain/consent/model'
import type { DataExport, Profile } from '@/domain/member/model'
import type { PlateView } from '@/domain/plate/model'
import type { StaffMember } from '@/domain/contracts/staff'

export const CONTROLLER = {
  name: '和平百货',
  contactName: '个人信息保护负责人 李女士',
  contactPhone: '400-800-1234',
  contactEmail: 'privacy@heping.example',
}

export const NOTICE = buildNotice(CONTROLLER)

export const STORES: StoreOption[] = [
  { id: 'store-sh-nanjing', name: '南京路店', city: '上海' },
  { id: 'store-bj-wangfujing', name: '王府井店', city: '北京' },
]

/** The manager of the first store, as `staff.me` answers them. */
export const STORE_MANAGER: StaffMember = {
  staffId: 'staff-m',
  role: 'manager',
  storeIds: [STORES[0].id],
  displayName: '南京路店店长',
}

export const MEMBER: MemberHome = {
  memberNo: '800000000011',
  tier: 'normal',
  tierLabel: '普通会员',
  points: 0,
  available: 0,
  pending: 0,
  name: '张*',
  phone: '138****1234',
  store: STORES[0],
  joinedAt: '2026-11-29T08:00:00.000Z',
  status: 'active',
  hasCard: false,
}

export const ok = <T>(data: T) => ({ ok: true, data })

/** The `consents` answer: every purpose from the catalogue, `granted` as listed. */
export function consentsData(
  granted: Partial<Record<PurposeId, boolean>> = {},
  options: {
    reconsent?: PurposeId[]
    receipts?: ConsentReceiptView[]
    pending?: Partial<Record<PurposeId, number>>
    /** Topics the mall has no subscribe template for. */
    unconfigured?: PurposeId[]
  } = {},
): ConsentsData {
  return {
    consents: PURPOSE_IDS.map((purpose) => ({
      purpose,
      title: PURPOSES[purpose].title,
      description: PURPOSES[purpose].description,
      basic: PURPOSES[purpose].basic,
      sensitive: PURPOSES[purpose].sensitive,
      granted: PURPOSES[purpose].basic || granted[purpose] === true,
      needsReconsent: options.reconsent?.includes(purpose) ?? false,
      refused: granted[purpose] === false,
      changedAt: null,
      requires: PURPOSES[purpose].requires ?? null,
      subscription: isSubscribeTopic(purpose)
        ? {
            templateId: options.unconfigured?.includes(purpose) ? null : `tmpl-${purpose}`,
            pending: options.pending?.[purpose] ?? 0,
          }
        : null,
    })),
    receipts: options.receipts ?? [
      {
        id: 'r1',
        purpose: 'membership',
        noticeVersion: 1,
        granted: true,
        at: '2026-11-29T08:00:00.000Z',
        channel: 'weapp',
      },
    ],
  }
}

export const plateView = (plate: string, id = `plate-${plate}`): PlateView => ({
  id,
  plate,
  masked: `${plate.slice(0, 2)}·***${plate.slice(-2)}`,
  boundAt: '2026-11-29T08:00:00.000Z',
})

export const PROFILE: Profile = {
  memberNo: MEMBER.memberNo,
  status: 'active',
  name: '张三',
  phone: '13800001234',
  gender: 'female',
  province: null,
  birthDate: null,
  address: null,
  email: null,
  idNumber: null,
  idNumberConsent: false,
  store: STORES[0],
  card: null,
  joinedAt: MEMBER.joinedAt,
  source: null,
  channel: 'weapp',
}

export const exportOf = (profile: Profile = PROFILE): DataExport => ({
  exportedAt: '2026-11-29T09:00:00.000Z',
  format: 'mall-membership/export/v1',
  profile,
  plates: [plateView('京A12345')],
  parkingSessions: [],
  card: null,
  consents: consentsData().consents,
  consentReceipts: consentsData().receipts,
  pointsLedger: [],
  campaignClaims: [],
  guardian: null,
  accessLog: [
    {
      day: '2026-11-29',
      by: 'self',
      action: 'read',
      purpose: 'membership',
      fields: ['name', 'phone'],
      success: true,
      count: 3,
    },
  ],
  other: {},
})
