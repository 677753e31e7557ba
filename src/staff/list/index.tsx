import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { StaffListEntry } from '@/domain/contracts/staff'
import type { Failure } from '@/domain/errors'
import { STAFF_ROLE_TITLES } from '@/domain/staff/model'
import { storeNames, useStaffContext } from '../useStaffContext'
import './index.css'

/** 员工列表: the staff the caller may see; managers and admins disable or enable accounts. */
export default function StaffListPage() {
  const privacy = usePrivacy()
  const [context] = useStaffContext()
  const [remote, reload] = useRemote(staffApi.listStaff, privacy.status === 'agreed')
  const [changed, setChanged] = useState<Record<string, StaffListEntry>>({})
  const [busy, setBusy] = useState<string>()
  const [failure, setFailure] = useState<Failure>()

  const stores = context.state === 'ready' ? context.data.stores : []
  const me = context.state === 'ready' ? context.data.staff : null
  const mayChange = me?.role === 'manager' || me?.role === 'admin'

  const toggle = async (entry: StaffListEntry) => {
    const disabling = entry.status === 'active'
    const name = entry.displayName || STAFF_ROLE_TITLES[entry.role]
    const { confirm } = await Taro.showModal({
      title: disabling ? '停用账号' : '启用账号',
      content: disabling
        ? `停用后「${name}」不能再使用员工功能。`
        : `启用后「${name}」可以再次使用员工功能。`,
      confirmText: disabling ? '停用' : '启用',
      ...(disabling ? { confirmColor: '#c42b1c' } : {}),
    })
    if (!confirm) return
    setBusy(entry.staffId)
    setFailure(undefined)
    const call = disabling ? staffApi.disableStaff : staffApi.enableStaff
    const result = await call({ staffId: entry.staffId })
    setBusy(undefined)
    if (result.ok) setChanged((current) => ({ ...current, [entry.staffId]: result.data.staff }))
    else setFailure(result)
  }

  const content = () => {
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    const staff = remote.data.staff.map((entry) => changed[entry.staffId] ?? entry)
    if (staff.length === 0) return <Text className="staff-list__empty">还没有员工</Text>
    return (
      <View className="staff-list__items">
        {staff.map((entry) => (
          <View key={entry.staffId} className={`staff-list__item staff-list__item--${entry.status}`}>
            <View className="staff-list__info">
              <Text className="staff-list__name">{entry.displayName || STAFF_ROLE_TITLES[entry.role]}</Text>
              <Text className="staff-list__meta">
                {STAFF_ROLE_TITLES[entry.role]} · {storeNames(entry.storeIds, stores)}
                {entry.status === 'disabled' ? ' · 已停用' : ''}
              </Text>
            </View>
            {mayChange && entry.staffId !== me?.staffId && (
              <Text
                className={`staff-list__toggle staff-list__toggle--${entry.status === 'active' ? 'disable' : 'enable'}`}
                onClick={() => {
                  if (!busy) toggle(entry)
                }}
              >
                {busy === entry.staffId ? '处理中…' : entry.status === 'active' ? '停用' : '启用'}
              </Text>
            )}
          </View>
        ))}
      </View>
    )
  }

  return (
    <PageShell name="staff-list" title="员工列表">
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      {content()}
    </PageShell>
  )
}
