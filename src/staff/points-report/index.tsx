import { Text, View } from '@tarojs/components'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { PointsDayRow, PointsReport } from '@/domain/contracts/points'
import { ReportRangeChips, reportRangeOf, type ReportRangeId } from '../components/ReportRange'
import './index.css'

const COLUMNS: { key: keyof Omit<PointsDayRow, 'day' | 'liability'>; label: string }[] = [
  { key: 'issued', label: '发放' },
  { key: 'spent', label: '使用' },
  { key: 'expired', label: '过期' },
  { key: 'reversed', label: '退货扣回' },
  { key: 'adjusted', label: '调整' },
  { key: 'absorbed', label: '商场承担' },
]

function Report({ report }: { report: PointsReport }) {
  const rows = [...report.rows].reverse()
  const last = report.rows[report.rows.length - 1]
  const totals = COLUMNS.map(({ key, label }) => ({
    key,
    label,
    value: report.rows.reduce((sum, row) => sum + row[key], 0),
  }))
  return (
    <>
      <View className="card points-report__total">
        <Text className="points-report__total-number">{last?.liability ?? 0}</Text>
        <Text className="points-report__total-label">分未兑付积分（{last?.day} 日终）</Text>
      </View>
      <View className="card points-report__sums">
        {totals.map((t) => (
          <View key={t.key} className="points-report__sum">
            <Text className="points-report__sum-value">{t.value}</Text>
            <Text className="points-report__sum-label">{t.label}</Text>
          </View>
        ))}
      </View>
      {rows.map((row) => (
        <View key={row.day} className="card points-report__day">
          <View className="points-report__day-head">
            <Text className="card__title">{row.day}</Text>
            <Text className="points-report__liability">日终 {row.liability}</Text>
          </View>
          <Text className="points-report__counts">
            {COLUMNS.filter(({ key }) => row[key] !== 0)
              .map(({ key, label }) => `${label} ${row[key]}`)
              .join(' · ') || '无积分变动'}
          </Text>
        </View>
      ))}
      <Text className="points-report__note">
        按门店、日汇总，不含会员信息。未兑付积分为各日终全部会员在本店产生的积分余额（含负积分）。
      </Text>
    </>
  )
}

/** 积分报表: points issued, spent, expired, refunded and adjusted per day, and the liability. */
export default function PointsReportPage() {
  const privacy = usePrivacy()
  const [range, setRange] = useState<ReportRangeId>('week')
  const fetch = useCallback(() => staffApi.pointsReport(reportRangeOf(range)), [range])
  const [remote, reload] = useRemote(fetch, privacy.status === 'agreed')

  return (
    <PageShell name="points-report" title="积分报表">
      <ReportRangeChips name="points-report" value={range} onChange={setRange} />
      {remote.state === 'loading' && <StatusView state="loading" />}
      {remote.state === 'failed' && <StatusView state="failed" failure={remote.failure} onRetry={reload} />}
      {remote.state === 'ready' && <Report report={remote.data} />}
    </PageShell>
  )
}
