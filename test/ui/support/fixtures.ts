/** Realistic answers of the `member` function, built from the same domain code the server uses. */
import { buildNotice } from '@/domain/notice'
import type { MemberHome, StoreOption } from '@/domain/member'

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

export const MEMBER: MemberHome = {
  memberNo: '800000000011',
  tier: 'normal',
  tierLabel: '普通会员',
  points: 0,
  name: '张*',
  phone: '138****1234',
  store: STORES[0],
  joinedAt: '2026-11-29T08:00:00.000Z',
}

export const ok = <T>(data: T) => ({ ok: true, data })
