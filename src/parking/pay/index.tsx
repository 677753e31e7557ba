import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { ParkingFee } from '../components/ParkingFee'
import { ParkingPay } from '../components/ParkingPay'
import '../components/parking.css'

const goPlates = () => Taro.navigateTo({ url: '/account/plates/index' })
const goTemp = () => Taro.navigateTo({ url: '/parking/temp/index' })

/**
 * 停车缴费 (issue #12): the member's bound plates parked now — the session, time parked, the fee
 * with each deduction, the amount — and one tap to pay; once paid, the exit window counting
 * down; staying longer shows the extra fee. One cloud call on load.
 */
export default function ParkingPayPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(memberApi.parkingSession, privacy.status === 'agreed')

  const content = () => {
    if (remote.state === 'failed') {
      if (remote.failure.code === 'PURPOSE_CONSENT_REQUIRED')
        return (
          <View className="card parking-empty">
            <Text className="card__title">绑定车牌后即可在线缴费</Text>
            <Text className="parking-empty__text">
              开启“停车服务”授权并绑定车牌，入场后这里会显示停车费和可用的抵扣。
            </Text>
            <Button type="primary" block className="parking-empty__plates" onClick={goPlates}>
              去绑定车牌
            </Button>
          </View>
        )
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    }
    if (remote.state === 'loading') return <StatusView state="loading" />
    const { sessions } = remote.data
    if (sessions.length === 0)
      return (
        <View className="card parking-empty">
          <Text className="card__title">当前没有在场车辆</Text>
          <Text className="parking-empty__text">
            您绑定的车牌目前不在商场停车场内。为其他车辆缴费可使用临时车缴费。
          </Text>
          <Button block className="parking-empty__temp" onClick={goTemp}>
            临时车缴费
          </Button>
        </View>
      )
    return sessions.map((quote) => (
      <View key={quote.sessionId} className="parking-session">
        <ParkingFee quote={quote} />
        {quote.phase !== 'window' && <ParkingPay quote={quote} onPaid={reload} />}
      </View>
    ))
  }

  return (
    <PageShell
      name="parking-pay"
      title="停车缴费"
      intro="会员按消费、停车券和积分自动抵扣，缴费后请在离场时间内出场。"
    >
      {content()}
    </PageShell>
  )
}
