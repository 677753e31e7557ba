import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useCallback } from 'react'
import { campaignApi } from '@/api/campaign'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import { CAMPAIGN_KIND_LABELS } from '@/domain/campaign/model'
import './index.css'

/** 活动报表 (4.2.2.5): counts only; cells under 5 are shown as "<5"; short answers are never listed. */
export default function CampaignReportPage() {
  const campaignId = useRouter().params.id ?? ''
  const load = useCallback(() => campaignApi.campaignReport({ campaignId }), [campaignId])
  const [remote, reload] = useRemote(load)

  const content = () => {
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    const { report } = remote.data
    return (
      <>
        <View className="card report__summary">
          <Text className="card__title">
            {report.title}（{CAMPAIGN_KIND_LABELS[report.kind]}）
          </Text>
          <View className="report__numbers">
            <View className="report__number">
              <Text className="report__value report__value--claimed">{report.claimed}</Text>
              <Text className="report__label">已领取</Text>
            </View>
            <View className="report__number">
              <Text className="report__value report__value--verified">{report.verified}</Text>
              <Text className="report__label">已核销</Text>
            </View>
            <View className="report__number">
              <Text className="report__value">{report.stock}</Text>
              <Text className="report__label">剩余</Text>
            </View>
          </View>
        </View>
        {report.questions.map((q, i) => (
          <View key={q.id} className={`card report__question report__question--${q.id}`}>
            <Text className="report__title">
              {i + 1}. {q.title}
            </Text>
            <Text className="report__answered">作答 {q.answered} 人</Text>
            {q.kind === 'text' ? (
              <Text className="report__note">简答题只统计作答人数，不显示具体内容。</Text>
            ) : (
              q.options.map((o) => (
                <View key={o.label} className="report__row">
                  <Text>{o.label}</Text>
                  <Text className="report__count">{o.count}</Text>
                </View>
              ))
            )}
          </View>
        ))}
        {report.questions.length > 0 && (
          <Text className="report__footnote">
            为保护个人信息，少于 5 人的数字显示为“&lt;5”，不提供个人答卷。
          </Text>
        )}
      </>
    )
  }

  return (
    <PageShell name="campaign-report" title="活动报表">
      {content()}
    </PageShell>
  )
}
