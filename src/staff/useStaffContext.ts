import { useCallback } from 'react'
import { memberApi } from '@/api'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import type { StaffMember } from '@/domain/contracts/staff'
import type { Result } from '@/domain/errors'
import type { StoreOption } from '@/domain/member/model'

export interface StaffContext {
  staff: StaffMember | null
  /** The mall's open stores, to name the staff's stores and offer them in the invite. */
  stores: StoreOption[]
}

async function loadContext(): Promise<Result<StaffContext>> {
  const [me, form] = await Promise.all([staffApi.me(), memberApi.joinForm()])
  if (!me.ok) return me
  if (!form.ok) return form
  return { ok: true, data: { staff: me.data.staff, stores: form.data.stores } }
}

/** Who the caller is as staff, with the store names; loaded once the privacy guide is agreed. */
export function useStaffContext() {
  const privacy = usePrivacy()
  const load = useCallback(loadContext, [])
  return useRemote(load, privacy.status === 'agreed')
}

/** The names of `storeIds` (全部门店 for the mall-wide roles). */
export function storeNames(storeIds: string[], stores: StoreOption[]): string {
  if (storeIds.length === 0) return '全部门店'
  return storeIds.map((id) => stores.find((s) => s.id === id)?.name ?? id).join('、')
}
