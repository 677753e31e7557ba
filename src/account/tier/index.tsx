import { Text, View } from '@tarojs/components'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { TIER_CHANGE_LABELS, type TierBenefitsView, type TierView } from '@/domain/points/tierModel'
import { TIER_LABELS } from '@/domain/member/model'
import './index.css'

const load = () => memberApi.tier()

/** Fen as whole yuan with thousands separators: 2000000 → 20,000. */
const yuan = (fen: number) => Math.ceil(fen / 100).toLocaleString('en-US')

/** `2026-12-31` → `12 月 31 日`. */
const monthDay = (day: string) => `${Number(day.slice(5, 7))} 月 ${Number(day.slice(8, 10))} 日`

function Benefits({ tier, current }: { tier: TierBenefitsView; current: boolean }) {
  return (
    <View
      className={`tier__benefits tier__benefits--${tier.tier}${current ? ' tier__benefits--current' : ''}`}
    >
      <View className="tier__benefits-top">
        <Text className="tier__benefits-name">{tier.label}</Text>
        {current && <Text className="tier__benefits-mine">当前等级</Text>}
      </View>
      <Text className="tier__benefits-need">
        {tier.thresholdFen === 0 ? '注册即享' : `近 12 个月消费满 ¥${yuan(tier.thresholdFen)}`}
      </Text>
      <Text className="tier__benefit">消费积分 {tier.pointsPerYuan} 分/元</Text>
      <Text className="tier__benefit">停车每次免费 {tier.parkingFreeHours} 小时</Text>
      {tier.lounge && <Text className="tier__benefit">会员休息室</Text>}
      {tier.events.map((event) => (
        <Text key={event} className="tier__benefit">
          专属活动：{event}
        </Text>
      ))}
    </View>
  )
}

function Summary({ view }: { view: TierView }) {
  return (
    <View className={`card tier__summary tier__summary--${view.tier}`}>
      <Text className="tier__name">{view.label}</Text>
      <Text className="tier__spend">近 12 个月消费 ¥{yuan(view.spendFen)}（已扣除退货）</Text>
      {view.next ? (
        <Text className="tier__next">
          再消费 ¥{yuan(view.next.missingFen)} 可升级为{view.next.label}
        </Text>
      ) : (
        <Text className="tier__next">您已是最高等级</Text>
      )}
      <Text className="tier__note">
        消费达标即时升级；每年 {monthDay(view.reviewOn)} 按近 12 个月消费重新评定等级。
      </Text>
    </View>
  )
}

/** 会员等级 (6.6.1, 6.3.2): the tier, what the next one needs and each tier's benefits. */
export default function TierPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(load, privacy.status === 'agreed')

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    const view = remote.data
    return (
      <>
        <Summary view={view} />
        <Text className="page-shell__section">各等级权益</Text>
        <View className="tier__list">
          {view.benefits.map((tier) => (
            <Benefits key={tier.tier} tier={tier} current={tier.tier === view.tier} />
          ))}
        </View>
        <Text className="tier__fair">
          会员等级只带来额外的服务和积分，同一商品或服务对不同等级的会员价格相同，等级不会让您多付钱。
        </Text>
        {view.history.length > 0 && (
          <>
            <Text className="page-shell__section">等级变动</Text>
            <View className="card tier__history">
              {view.history.map((change) => (
                <View key={`${change.reason}-${change.at}`} className="tier__change">
                  <Text className="tier__change-what">
                    {TIER_LABELS[change.from]} → {TIER_LABELS[change.to]}
                  </Text>
                  <Text className="tier__change-meta">
                    {change.at.slice(0, 10)} · {TIER_CHANGE_LABELS[change.reason]} · 近 12 个月消费 ¥
                    {yuan(change.spendFen)}
                  </Text>
                </View>
              ))}
            </View>
          </>
        )}
      </>
    )
  }

  return (
    <PageShell name="tier" title="会员等级" intro="等级按近 12 个月的消费金额评定，与积分余额无关。">
      {content()}
    </PageShell>
  )
}
