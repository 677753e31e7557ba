import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useRef, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import { CHANNEL_KIND_LABELS } from '@/domain/channel/model'
import type { StaffChannel } from '@/domain/contracts/channels'
import type { StaffMember } from '@/domain/contracts/staff'
import type { StoreOption } from '@/domain/member/model'
import { useStaffContext } from '../useStaffContext'
import { NewChannel } from './NewChannel'
import './index.css'

const openChannel = (code: string) => () => {
  Taro.navigateTo({ url: `/staff/channel/index?code=${code}` })
}

function ChannelRow({ channel }: { channel: StaffChannel }) {
  const open = channel.status === 'open'
  return (
    <View
      className={`codes__item codes__item--${channel.status}`}
      ariaRole={open ? 'button' : undefined}
      onClick={open ? openChannel(channel.code) : undefined}
    >
      <View className="codes__main">
        <Text className="codes__name">{channel.name}</Text>
        <Text className="codes__hint">
          {CHANNEL_KIND_LABELS[channel.kind]}
          {channel.counterName && channel.counterName !== channel.name ? ` · ${channel.counterName}` : ''}
          {open ? '' : ' · 已停用'}
        </Text>
      </View>
      {open && <Text className="codes__chevron">›</Text>}
    </View>
  )
}

function StoreChannels({ storeId, manages }: { storeId: string; manages: boolean }) {
  const load = useCallback(() => staffApi.listChannels({ storeId }), [storeId])
  const [remote, reload] = useRemote(load)
  const [adding, setAdding] = useState(false)
  // Coming back from a channel shows its change (停用).
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) reload()
    shown.current = true
  })
  if (remote.state === 'loading') return <StatusView state="loading" />
  if (remote.state === 'failed')
    return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
  if (adding)
    return (
      <NewChannel
        storeId={storeId}
        onCancel={() => setAdding(false)}
        onCreated={(channel) => {
          setAdding(false)
          reload()
          openChannel(channel.code)()
        }}
      />
    )
  return (
    <>
      {remote.data.channels.length === 0 ? (
        <Text className="codes__empty">本店还没有渠道</Text>
      ) : (
        <View className="card codes__items">
          {remote.data.channels.map((channel) => (
            <ChannelRow key={channel.code} channel={channel} />
          ))}
        </View>
      )}
      {manages && (
        <View className="codes__actions">
          <Button type="primary" fill="outline" block className="codes__add" onClick={() => setAdding(true)}>
            新建渠道
          </Button>
        </View>
      )}
    </>
  )
}

const storesOf = (staff: StaffMember, stores: StoreOption[]) =>
  staff.storeIds.length === 0 ? stores : stores.filter((s) => staff.storeIds.includes(s.id))

/** 渠道二维码: the channels of the caller's store, each opening its mini-program code to show or print. */
export default function ChannelsPage() {
  const [context, reload] = useStaffContext()
  const [chosen, setChosen] = useState('')

  const content = () => {
    if (context.state === 'loading') return <StatusView state="loading" />
    if (context.state === 'failed')
      return <StatusView state="failed" failure={context.failure} onRetry={reload} />
    const { staff, stores } = context.data
    if (!staff) return <Text className="codes__empty">您还不是员工</Text>
    const options = storesOf(staff, stores)
    const storeId = chosen || options[0]?.id || ''
    return (
      <>
        {options.length > 1 && (
          <View className="codes__stores">
            <ChoiceChips
              name="store"
              options={options.map((s) => ({ value: s.id, label: s.name }))}
              value={storeId}
              onChange={(value) => value && setChosen(value)}
            />
          </View>
        )}
        {storeId && (
          <StoreChannels
            key={storeId}
            storeId={storeId}
            manages={staff.role === 'manager' || staff.role === 'admin'}
          />
        )}
      </>
    )
  }

  return (
    <PageShell name="codes" title="渠道二维码" intro="顾客扫码加入会员，注册归属到对应专柜或服务台">
      {content()}
    </PageShell>
  )
}
