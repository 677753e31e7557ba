import { View } from '@tarojs/components'
import { ChoiceChips } from '@/components/ChoiceChips'
import { chinaDate } from '@/domain/dates'

/** The ranges a daily report offers: the last 7 or 31 China days, today included. */
export const REPORT_RANGES = [
  { value: 'week', label: '7天', days: 7 },
  { value: 'month', label: '31天', days: 31 },
] as const
export type ReportRangeId = (typeof REPORT_RANGES)[number]['value']

const DAY_MS = 86_400_000

/** `{ from, to }` (China dates) of a range ending today. */
export function reportRangeOf(id: ReportRangeId): { from: string; to: string } {
  const days = REPORT_RANGES.find((r) => r.value === id)?.days ?? 7
  const now = Date.now()
  return { from: chinaDate(now - (days - 1) * DAY_MS), to: chinaDate(now) }
}

/** The range chips above a daily report (`<name>__ranges`). */
export function ReportRangeChips(props: {
  name: string
  value: ReportRangeId
  onChange: (value: ReportRangeId) => void
}) {
  return (
    <View className={`${props.name}__ranges`}>
      <ChoiceChips
        name="range"
        options={REPORT_RANGES.map(({ value, label }) => ({ value, label }))}
        value={props.value}
        onChange={(value) => value && props.onChange(value)}
      />
    </View>
  )
}
