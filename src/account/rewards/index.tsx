import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useRef, useState } from 'react'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { Failure } from '@/domain/errors'
import type { RewardView, VoucherView } from '@/domain/points/rewards'
import { PointsBalance } from '../points/PointsBalance'
import { VoucherCard } from '../vouchers/VoucherCard'
import { newRequestKey } from '@/api/requestKey'
import './index.css'

const load = () => memberApi.rewards()

/** 积分兑换 (6.4.2): the catalogue, redeeming for a voucher, the voucher shown at once. */
export default function RewardsPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(load, privacy.status === 'agreed')
  const [busy, setBusy] = useState<string>()
  const [failure, setFailure] = useState<Failure>()
  const [voucher, setVoucher] = useState<VoucherView>()
  const pending = useRef<{ rewardId: string; key: string }>()

  const redeem = async (reward: RewardView) => {
    const { confirm } = await Taro.showModal({
      title: '确认兑换',
      content: `使用 ${reward.points} 积分兑换「${reward.name}」？兑换后积分不退回。`,
      confirmText: '兑换',
    })
    if (!confirm) return
    // The same reward tapped again after a network failure reuses its key (no double redemption).
    if (pending.current?.rewardId !== reward.id)
      pending.current = { rewardId: reward.id, key: newRequestKey() }
    setBusy(reward.id)
    setFailure(undefined)
    const result = await memberApi.redeem(pending.current)
    setBusy(undefined)
    if (!result.ok) {
      if (result.code !== 'NETWORK') pending.current = undefined
      return setFailure(result)
    }
    pending.current = undefined
    setVoucher(result.data.voucher)
    reload()
  }

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    return (
      <>
        <PointsBalance summary={remote.data.summary} />
        {voucher && (
          <View className="rewards__done">
            <Text className="page-shell__section">兑换成功，到店出示券码使用</Text>
            <VoucherCard voucher={voucher} />
            <View className="rewards__mine-row">
              <Button
                block
                className="rewards__mine"
                onClick={() => Taro.navigateTo({ url: '/account/vouchers/index' })}
              >
                查看我的券
              </Button>
            </View>
          </View>
        )}
        {failure && (
          <View className="page-shell__alert rewards__failure">
            <FormAlert message={failure.message} />
          </View>
        )}
        <Text className="page-shell__section">可兑换礼品</Text>
        {remote.data.rewards.map((reward) => {
          const short = remote.data.summary.available < reward.points
          return (
            <View key={reward.id} className={`card reward reward--${reward.id}`}>
              <View className="reward__top">
                <Text className="reward__name">{reward.name}</Text>
                <Text className="reward__points">{reward.points} 积分</Text>
              </View>
              <Text className="reward__meta">
                {reward.kindLabel} · 每人限兑 {reward.limit} 次（已兑 {reward.held}） · 适用：{reward.stores}
              </Text>
              <Button
                type="primary"
                size="small"
                className="reward__redeem"
                disabled={reward.blocked !== null || short}
                loading={busy === reward.id}
                onClick={() => redeem(reward)}
              >
                {reward.blocked ?? (short ? '积分不足' : '兑换')}
              </Button>
            </View>
          )
        })}
      </>
    )
  }

  return (
    <PageShell
      name="rewards"
      title="积分兑换"
      intro="用可用积分兑换礼品和服务，兑换后在「我的券」中查看券码。"
    >
      {content()}
    </PageShell>
  )
}
