import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback } from 'react'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { BackControl } from '@/components/BackControl'
import { PrivacyAuthorization, promptPrivacy, usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { DevToolsSlot } from '@/components/DevTools/DevToolsSlot'
import type { ChannelLanding } from '@/domain/channel/model'
import { sceneOfQuery } from '@/domain/channel/scene'
import { chinaDate } from '@/domain/dates'
import { ROUTES } from '@/routes'
import { JoinForm } from './JoinForm'
import './index.css'

const goHome = (joined: boolean) => {
  Taro.reLaunch({ url: joined ? `${ROUTES.home}?joined=1` : ROUTES.home })
}

/** Shown instead of the form while the privacy guide is not agreed to (L-1). */
function PrivacyRequired() {
  return (
    <View className="card join__privacy">
      <Text className="card__title">需要您同意隐私保护指引</Text>
      <Text className="join__privacy-text">
        申请会员需要处理您的姓名、手机号等个人信息，请先阅读并同意隐私保护指引。
      </Text>
      <Button type="primary" block className="join__privacy-open" onClick={promptPrivacy}>
        查看并同意
      </Button>
    </View>
  )
}

/** Opened by a channel's code (4.2.2.2): where the shopper joins, and how points are earned. */
function ChannelWelcome({ channel }: { channel: ChannelLanding }) {
  return (
    <View className="card join__channel">
      <Text className="card__title">您正在通过「{channel.name}」申请会员</Text>
      {channel.earning.map((line) => (
        <Text key={line} className="join__channel-line">
          {line}
        </Text>
      ))}
    </View>
  )
}

/** 申请成为会员: the sign-up form, the notice one tap away, the ticks beside 提交申请. */
export default function JoinPage() {
  const privacy = usePrivacy()
  // A channel's mini-program code opens this page with its scene (4.2.2.2), URL-encoded.
  const scene = sceneOfQuery(useRouter().params.scene)
  const load = useCallback(() => memberApi.joinForm(scene ? { scene } : undefined), [scene])
  const [form, reload] = useRemote(load)

  const content = () => {
    if (privacy.status === 'refused') return <PrivacyRequired />
    if (privacy.status !== 'agreed' || form.state === 'loading') return <StatusView state="loading" />
    if (form.state === 'failed') return <StatusView state="failed" failure={form.failure} onRetry={reload} />
    const { channel } = form.data
    return (
      <>
        {channel && <ChannelWelcome channel={channel} />}
        <JoinForm
          notice={form.data.notice}
          stores={form.data.stores}
          today={chinaDate(Date.now())}
          onJoined={() => goHome(true)}
          onNoticeOutdated={reload}
          onGoHome={() => goHome(false)}
          scene={scene}
          channelStoreId={channel?.storeId}
        />
      </>
    )
  }

  return (
    <View className="join">
      <View className="join__intro">
        <BackControl />
        <Text className="join__title">申请成为会员</Text>
        <Text className="join__subtitle">标注“必填”的信息为会员服务所必需，其余可以跳过。</Text>
      </View>
      {content()}
      <PrivacyAuthorization mode="required" />
      <DevToolsSlot />
    </View>
  )
}
