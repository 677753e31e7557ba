import { Text, View } from '@tarojs/components'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { Button } from '@nutui/nutui-react-taro'
import { canDownload, canShareFile, downloadText, shareTextFile } from '@/api/platform'
import { FormAlert } from '@/components/FormAlert'
import type { PointsReport } from '@/domain/contracts/points'
import { pointsReportCsv, REPORT_COLUMNS, reportFileName } from '@/domain/points/reportCsv'
import { ReportRangeChips, reportRangeOf, type ReportRangeId } from '../components/ReportRange'
import { storeNames, useStaffContext } from '../useStaffContext'
import './index.css'

/** The report as a CSV file: downloaded in the browser, sent to a chat in WeChat. */
function CsvButton({ report }: { report: PointsReport }) {
  const [context] = useStaffContext()
  const [failed, setFailed] = useState(false)
  if (!canDownload && !canShareFile) return null
  const save = async () => {
    const stores = context.state === 'ready' ? context.data.stores : []
    const text = pointsReportCsv(report, storeNames(report.storeIds, stores))
    const done = canDownload
      ? downloadText(reportFileName(report), text, 'text/csv')
      : await shareTextFile(reportFileName(report), text)
    setFailed(!done)
  }
  return (
    <View className="points-report__csv">
      <Button block className="points-report__csv-button" onClick={save}>
        {canDownload ? '下载 CSV' : '发送 CSV 到聊天'}
      </Button>
      {failed && <FormAlert message="文件未能保存，请稍后再试" />}
    </View>
  )
}

function Report({ report }: { report: PointsReport }) {
  const rows = [...report.rows].reverse()
  const last = report.rows[report.rows.length - 1]
  const totals = REPORT_COLUMNS.map(({ key, label }) => ({
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
            {REPORT_COLUMNS.filter(({ key }) => row[key] !== 0)
              .map(({ key, label }) => `${label} ${row[key]}`)
              .join(' · ') || '无积分变动'}
          </Text>
        </View>
      ))}
      <CsvButton report={report} />
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
