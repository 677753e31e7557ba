/**
 * Staff accounts (5.3): `staff/<blind index of the OPENID>` → { staffId, role, storeIds,
 * counterId?, displayName, status }. Looked up on every call of an action that admits a staff
 * role, so disabling a staff member takes effect on their next call. The OPENID itself is never
 * stored; the audit log names staff by `staffId`.
 */
import type { Caller } from '../../src/domain/access'
import {
  ALL_STORE_ROLES,
  STAFF_ROLES,
  type StaffIdentity,
  type StaffRole,
} from '../../src/domain/staff/model'
import { COLLECTIONS, getDoc, type Db, type Doc } from './db'
import type { Vault } from './vault'

export interface StaffDoc extends Doc {
  _id: string
  staffId: string
  role: StaffRole
  storeIds: string[]
  counterId?: string
  displayName: string
  status: 'active' | 'disabled'
  createdAt: Date
}

/** The id of a staff member's document: the OPENID's blind index, as for members' claims. */
export const staffDocId = (vault: Vault, openid: string): string => vault.blindIndex('openid', openid)

export interface StaffDirectory {
  /** The caller as active staff, or null. */
  find(caller: Caller): Promise<StaffIdentity | null>
}

export function createStaffDirectory({ db, vault }: { db: Db; vault: Vault }): StaffDirectory {
  return {
    async find(caller) {
      const doc = (await getDoc(db, COLLECTIONS.staff, staffDocId(vault, caller.openid))) as StaffDoc | null
      if (!doc || doc.status !== 'active' || !STAFF_ROLES.includes(doc.role)) return null
      return {
        id: doc.staffId,
        role: doc.role,
        storeIds: ALL_STORE_ROLES.includes(doc.role) ? 'all' : [...(doc.storeIds ?? [])],
        ...(doc.role === 'counter' && doc.counterId ? { counterId: doc.counterId } : {}),
      }
    },
  }
}

/** The staff member a staff action acts as: the router let only staff through (access table). */
export function actingStaff(caller: Caller): StaffIdentity {
  if (!caller.staff) throw new Error('staff action without a staff caller')
  return caller.staff
}
