import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { CHANNEL_KIND_LABELS } from '@/domain/channel/model'
import type { ChannelCard } from '@/domain/contracts/channels'
import type { Failure } from '@/domain/errors'
import { FormAlert } from '@/components/FormAlert'
import { PrintableCode } from '../components/PrintableCode'
import { useStaffContext } from '../useStaffContext'
import './index.css'

/** 停用: a manager closes the channel; its code no longer attributes sign-ups. */
function CloseChannel({ code }: { code: string }) {
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const close = async () => {
    const { confirm } = await Taro.showModal({
      title: '停用渠道',
      content: '停用后，顾客扫这个二维码仍可注册，但不再计入本渠道。停用后不能恢复。',
      confirmText: '停用',
      confirmColor: '#c42b1c',
    })
    if (!confirm) return
    setBusy(true)
    setFailure(undefined)
    const closed = await staffApi.closeChannel({ code })
    setBusy(false)
    if (!closed.ok) {
      setFailure(closed)
      return
    }
    Taro.showToast({ title: '渠道已停用', icon: 'none' })
    Taro.navigateBack()
  }
  return (
    <>
      {failure && <FormAlert message={failure.message} />}
      <Button type="danger" fill="outline" block className="channel__close" loading={busy} onClick={close}>
        停用渠道
      </Button>
    </>
  )
}

/**
 * The A6 card a counter puts on its stand: the store, the counter, the code, how points work;
 * then its print and save, and a manager's 停用.
 */
function Card({ card }: { card: ChannelCard }) {
  const [context] = useStaffContext()
  const role = context.state === 'ready' ? context.data.staff?.role : undefined
  const { channel } = card
  const place = channel.counterName ?? channel.name
  return (
    <PrintableCode
      className="channel-card"
      png={card.png}
      fileName={`channel-${channel.code}`}
      printLabel="打印台卡"
      head={
        <>
          <Text className="channel-card__store">{card.storeName}</Text>
          <Text className="channel-card__counter">{place}</Text>
          {channel.name !== place && <Text className="channel-card__channel">{channel.name}</Text>}
        </>
      }
      foot={
        <>
          <Text className="channel-card__call">微信扫码加入会员</Text>
          {card.earning.length > 0 && (
            <View className="channel-card__earning">
              {card.earning.map((line) => (
                <Text key={line} className="channel-card__line">
                  {line}
                </Text>
              ))}
            </View>
          )}
        </>
      }
    >
      <Text className="channel__note">
        {CHANNEL_KIND_LABELS[channel.kind]}渠道 · 顾客扫码注册后计入本渠道
      </Text>
      {(role === 'manager' || role === 'admin') && <CloseChannel code={channel.code} />}
    </PrintableCode>
  )
}

/** One channel's mini-program code, large, as the printable card of its counter (4.2.1.2). */
export default function ChannelPage() {
  const privacy = usePrivacy()
  const code = useRouter().params.code ?? ''
  const load = useCallback(() => staffApi.channelCode({ code }), [code])
  const [remote, reload] = useRemote(load, privacy.status === 'agreed')

  const content = () => {
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    return <Card card={remote.data} />
  }

  return (
    <PageShell name="channel" title="渠道二维码">
      {content()}
    </PageShell>
  )
}
