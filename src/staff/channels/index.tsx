import { Text, View } from '@tarojs/components'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { ChannelReport, ReportChannel } from '@/domain/contracts/lookup'
import { chinaDate } from '@/domain/dates'
import './index.css'

const RANGES = [
  { value: 'today', label: '今日', days: 1 },
  { value: 'week', label: '7天', days: 7 },
  { value: 'month', label: '30天', days: 30 },
] as const
type RangeId = (typeof RANGES)[number]['value']

const DAY_MS = 86_400_000

function rangeOf(id: RangeId) {
  const days = RANGES.find((r) => r.value === id)?.days ?? 1
  const now = Date.now()
  return { from: chinaDate(now - (days - 1) * DAY_MS), to: chinaDate(now) }
}

const channelLabel = (channel: ReportChannel | undefined, id: string) =>
  channel
    ? `${channel.name}${channel.counterName && channel.counterName !== channel.name ? ` · ${channel.counterName}` : ''}`
    : id

function Report({ report }: { report: ChannelReport }) {
  const byId = new Map(report.channels.map((c) => [c.channelId, c]))
  const totals = new Map<string, number>()
  for (const row of report.rows) totals.set(row.channelId, (totals.get(row.channelId) ?? 0) + row.count)
  const ranked = report.channels
    .map((c) => ({ channel: c, count: totals.get(c.channelId) ?? 0 }))
    .sort((a, b) => b.count - a.count)
  const days = [...new Set(report.rows.filter((r) => r.count > 0 || r.movedOut > 0).map((r) => r.day))]
    .sort()
    .reverse()

  return (
    <>
      <View className="card channels__total">
        <Text className="channels__total-number">{report.total}</Text>
        <Text className="channels__total-label">
          位新会员（{report.from === report.to ? report.from : `${report.from} 至 ${report.to}`}）
        </Text>
      </View>
      <View className="card channels__table">
        <Text className="card__title">按渠道</Text>
        {ranked.map(({ channel, count }) => (
          <View key={channel.channelId} className="channels__row">
            <Text className="channels__name">{channelLabel(channel, channel.channelId)}</Text>
            <Text className="channels__count">{count}</Text>
          </View>
        ))}
      </View>
      {days.map((day) => (
        <View key={day} className="card channels__table channels__day">
          <Text className="card__title">{day}</Text>
          {report.rows
            .filter((r) => r.day === day && (r.count > 0 || r.movedOut > 0))
            .map((r) => (
              <View key={r.channelId} className="channels__row">
                <Text className="channels__name">
                  {channelLabel(byId.get(r.channelId), r.channelId)}
                  {r.movedIn || r.movedOut ? (
                    <Text className="channels__moved">
                      {r.movedIn ? ` 转入${r.movedIn}` : ''}
                      {r.movedOut ? ` 转出${r.movedOut}` : ''}
                    </Text>
                  ) : null}
                </Text>
                <Text className="channels__count">{r.count}</Text>
              </View>
            ))}
        </View>
      ))}
      <Text className="channels__note">仅统计入会人数，不含会员个人信息；调整归属后计入新渠道。</Text>
    </>
  )
}

/** 渠道报表: sign-ups per channel and counter per day in the manager's stores. */
export default function ChannelsPage() {
  const privacy = usePrivacy()
  const [range, setRange] = useState<RangeId>('today')
  const fetch = useCallback(() => staffApi.channelReport(rangeOf(range)), [range])
  const [remote, reload] = useRemote(fetch, privacy.status === 'agreed')

  return (
    <PageShell name="channels" title="渠道报表">
      <View className="channels__ranges">
        <ChoiceChips
          name="range"
          options={RANGES.map(({ value, label }) => ({ value, label }))}
          value={range}
          onChange={(value) => value && setRange(value)}
        />
      </View>
      {remote.state === 'loading' && <StatusView state="loading" />}
      {remote.state === 'failed' && <StatusView state="failed" failure={remote.failure} onRetry={reload} />}
      {remote.state === 'ready' && <Report report={remote.data} />}
    </PageShell>
  )
}
