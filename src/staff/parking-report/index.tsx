import { Text, View } from '@tarojs/components'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { ParkingReportDay } from '@/domain/contracts/parkpay'
import { formatYuan } from '@/domain/points/money'
import { ReportRangeChips, reportRangeOf, type ReportRangeId } from '../components/ReportRange'
import './index.css'

type Figures = Omit<ParkingReportDay, 'day'>

/** What a day or the range reads as: money first, then the deductions by kind. */
const LINES: { label: string; value: (f: Figures) => string; shown: (f: Figures) => boolean }[] = [
  { label: '缴费', value: (f) => `${f.payments} 笔 · ¥${formatYuan(f.paidFen)}`, shown: () => true },
  { label: '等级免费', value: (f) => `¥${formatYuan(f.tierFen)}`, shown: (f) => f.tierFen > 0 },
  { label: '消费抵扣', value: (f) => `¥${formatYuan(f.spendFen)}`, shown: (f) => f.spendFen > 0 },
  { label: '停车券', value: (f) => `¥${formatYuan(f.voucherFen)}`, shown: (f) => f.voucherFen > 0 },
  {
    label: '积分抵扣',
    value: (f) => `¥${formatYuan(f.pointsFen)} · ${f.pointsSpent} 积分`,
    shown: (f) => f.pointsFen > 0 || f.pointsSpent !== 0,
  },
  { label: '减免', value: (f) => `${f.waives} 笔 · ¥${formatYuan(f.waivedFen)}`, shown: (f) => f.waives > 0 },
  {
    label: '退款',
    value: (f) => `${f.refunds} 笔 · ¥${formatYuan(f.refundedFen)}`,
    shown: (f) => f.refunds > 0,
  },
]

function FigureLines({ figures }: { figures: Figures }) {
  return (
    <View className="parking-report__lines">
      {LINES.filter((l) => l.shown(figures)).map((l) => (
        <View key={l.label} className="parking-report__line">
          <Text className="parking-report__line-label">{l.label}</Text>
          <Text className="parking-report__line-value">{l.value(figures)}</Text>
        </View>
      ))}
    </View>
  )
}

/** 停车报表 (issue #12): parking revenue, deductions by kind, points spent, waives and refunds per day. */
export default function ParkingReportPage() {
  const privacy = usePrivacy()
  const [range, setRange] = useState<ReportRangeId>('week')
  const fetch = useCallback(() => staffApi.parkingReport(reportRangeOf(range)), [range])
  const [remote, reload] = useRemote(fetch, privacy.status === 'agreed')

  return (
    <PageShell name="parking-report" title="停车报表">
      <ReportRangeChips name="parking-report" value={range} onChange={setRange} />
      {remote.state === 'loading' && <StatusView state="loading" />}
      {remote.state === 'failed' && <StatusView state="failed" failure={remote.failure} onRetry={reload} />}
      {remote.state === 'ready' && (
        <>
          <View className="card parking-report__total">
            <Text className="parking-report__total-number">
              ¥{formatYuan(remote.data.totals.paidFen - remote.data.totals.refundedFen)}
            </Text>
            <Text className="parking-report__total-label">停车净收入（已扣退款）</Text>
            <FigureLines figures={remote.data.totals} />
          </View>
          {[...remote.data.days].reverse().map((day) => (
            <View key={day.day} className="card parking-report__day">
              <Text className="card__title">{day.day}</Text>
              <FigureLines figures={day} />
            </View>
          ))}
          {remote.data.days.length === 0 && (
            <Text className="parking-report__note">所选期间没有停车缴费。</Text>
          )}
          <Text className="parking-report__note">按停车场、日汇总，不含车牌和会员信息。</Text>
        </>
      )}
    </PageShell>
  )
}
