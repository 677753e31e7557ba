import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { landStaffOnce, setStaffTab, TAB_PAGES } from '@/components/TabBar/shell'
import type { Failure } from '@/domain/errors'
import { STAFF_ROLE_TITLES } from '@/domain/staff/model'

const openWorkbench = () => {
  Taro.switchTab({ url: TAB_PAGES.staff })
}

/** 加入员工: the colleague scanned an invite's mini-program code; the role is known once taken. */
function JoinStaff({
  code,
  onJoined,
  onDismiss,
}: {
  code: string
  onJoined: () => void
  onDismiss: () => void
}) {
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const join = async () => {
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.redeemInvite({ code })
    setBusy(false)
    if (!result.ok) {
      setFailure(result)
      return
    }
    onJoined()
    openWorkbench()
  }

  return (
    <View className="card home__join-staff">
      <Text className="card__title">加入员工</Text>
      <Text className="home__staff-text">您正在使用员工邀请码加入商场员工，确认后即可使用员工工作台。</Text>
      {failure && <FormAlert message={failure.message} />}
      <Button type="primary" block className="home__join-staff-go" loading={busy} onClick={join}>
        确认加入
      </Button>
      <Text className="home__join-staff-skip" onClick={onDismiss}>
        暂不加入
      </Text>
    </View>
  )
}

/**
 * Whether the caller is staff (the 员工 tab shows for staff only; staff land on it once per launch,
 * see `landStaffOnce`), and joining the staff from an invite's scene. Loads only once `enabled`
 * (L-1).
 */
export function StaffCorner({ enabled, inviteCode }: { enabled: boolean; inviteCode: string | null }) {
  const [me, reload] = useRemote(staffApi.me, enabled)
  const [pending, setPending] = useState(inviteCode)
  const staff = me.state === 'ready' ? me.data.staff : null

  useEffect(() => {
    if (me.state !== 'ready') return
    setStaffTab(me.data.staff !== null)
    landStaffOnce()
  }, [me])

  if (!enabled) return null
  if (staff) {
    // The member centre names the way to the staff side too, not only the tab bar.
    return (
      <View className="card home__staff" ariaRole="button" onClick={openWorkbench}>
        <View className="home__staff-main">
          <Text className="home__staff-title">员工工作台</Text>
          <Text className="home__staff-text">
            {staff.displayName ? `${staff.displayName} · ` : ''}
            {STAFF_ROLE_TITLES[staff.role]}
          </Text>
        </View>
        <Text className="home__staff-chevron">›</Text>
      </View>
    )
  }
  if (!pending) return null
  return (
    <JoinStaff
      code={pending}
      onJoined={() => {
        setPending(null)
        reload()
      }}
      onDismiss={() => setPending(null)}
    />
  )
}
