import { Text, View } from '@tarojs/components'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { ParkingReportDay } from '@/domain/contracts/parkpay'
import { chinaDate } from '@/domain/dates'
import { formatYuan } from '@/domain/points/money'
import './index.css'

const RANGES = [
  { value: 'week', label: '7天', days: 7 },
  { value: 'month', label: '31天', days: 31 },
] as const
type RangeId = (typeof RANGES)[number]['value']

const DAY_MS = 86_400_000

function rangeOf(id: RangeId) {
  const days = RANGES.find((r) => r.value === id)?.days ?? 7
  const now = Date.now()
  return { from: chinaDate(now - (days - 1) * DAY_MS), to: chinaDate(now) }
}

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
  const [range, setRange] = useState<RangeId>('week')
  const fetch = useCallback(() => staffApi.parkingReport(rangeOf(range)), [range])
  const [remote, reload] = useRemote(fetch, privacy.status === 'agreed')

  return (
    <PageShell name="parking-report" title="停车报表">
      <View className="parking-report__ranges">
        <ChoiceChips
          name="range"
          options={RANGES.map(({ value, label }) => ({ value, label }))}
          value={range}
          onChange={(value) => value && setRange(value)}
        />
      </View>
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
