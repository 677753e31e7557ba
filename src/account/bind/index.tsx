import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { BindCardForm } from './BindCardForm'
import { useBindCard } from './useBindCard'
import './index.css'

const goHome = () => {
  Taro.reLaunch({ url: '/pages/index/index' })
}

/** 绑定会员卡 (4.2.1.1, L-11): a service-desk card, proven by an SMS code to the phone on the card. */
export default function BindCardPage() {
  const privacy = usePrivacy()
  const [home, reload] = useRemote(memberApi.home, privacy.status === 'agreed')
  const needsConsent = home.state === 'ready' && home.data.member === null
  const form = useBindCard(needsConsent)

  const content = () => {
    if (form.bound) {
      return (
        <View className="card bind__done">
          <Text className="card__title">绑定成功</Text>
          <Text className="bind__done-text">
            {form.bound.pointsMoved > 0
              ? `会员卡上的 ${form.bound.pointsMoved} 积分已转入您的账户。`
              : '会员卡已与您的微信绑定。'}
          </Text>
          <Button type="primary" block size="large" className="bind__home" onClick={goHome}>
            返回会员中心
          </Button>
        </View>
      )
    }
    if (home.state === 'failed') return <StatusView state="failed" failure={home.failure} onRetry={reload} />
    if (home.state === 'loading') return <StatusView state="loading" />
    return <BindCardForm form={form} needsConsent={needsConsent} />
  }

  return (
    <PageShell
      name="bind"
      title="绑定会员卡"
      intro="已在服务台办理实体会员卡？输入卡号，并用办卡时登记的手机号接收验证码。"
    >
      {content()}
    </PageShell>
  )
}
