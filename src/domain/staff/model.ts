/** Staff of the mall as the server knows them on every call (5.3 role permissions). */

/**
 * - `counter`: 专柜导购 / 服务台, one store (optionally one counter);
 * - `manager`: 店长, one or more stores;
 * - `privacyOfficer`: 个人信息保护负责人, every store, no marketing;
 * - `admin`: 商场管理员, every store;
 * - `finance`: 财务, every store, reads the points figures only (no member, no rules, no writes).
 */
export type StaffRole = 'counter' | 'manager' | 'privacyOfficer' | 'admin' | 'finance'

export const STAFF_ROLES: readonly StaffRole[] = ['counter', 'manager', 'privacyOfficer', 'admin', 'finance']

/** How the staff screens name each role. */
export const STAFF_ROLE_TITLES = {
  counter: '导购 / 服务台',
  manager: '店长',
  privacyOfficer: '个人信息保护负责人',
  admin: '商场管理员',
  finance: '财务',
} satisfies Record<StaffRole, string>

/** Roles whose scope is every store of the mall. */
export const ALL_STORE_ROLES: readonly StaffRole[] = ['privacyOfficer', 'admin', 'finance']

/** A staff member as a call sees them: found by the blind index of their OPENID, active. */
export interface StaffIdentity {
  id: string
  role: StaffRole
  /** The stores they act for; every store for the roles in ALL_STORE_ROLES. */
  storeIds: readonly string[] | 'all'
  /** The counter of counter staff who serve at one (their channels come first). */
  counterId?: string
}

/** Whether a staff member may act for `storeId`. */
export function inStoreScope(staff: StaffIdentity, storeId: string): boolean {
  return staff.storeIds === 'all' || staff.storeIds.includes(storeId)
}
