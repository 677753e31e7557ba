import { Text, View } from '@tarojs/components'
import { expiryText, OWED_TEXT, type PointsSummary } from '@/domain/points/model'
import './index.css'

/** The balance: available, held, the next expiry, and why it is negative when it is. */
export function PointsBalance({ summary }: { summary: PointsSummary }) {
  return (
    <View className="card points__balance">
      <View className="points__balance-row">
        <Text className={`points__available${summary.available < 0 ? ' points__available--owed' : ''}`}>
          {summary.available}
        </Text>
        <Text className="points__available-label">可用积分</Text>
      </View>
      {summary.pending > 0 && (
        <Text className="points__note points__pending">
          另有 {summary.pending} 分待生效（退货期满后可用）
        </Text>
      )}
      {summary.expiry && <Text className="points__note points__expiry">{expiryText(summary.expiry)}</Text>}
      {summary.available < 0 && <Text className="points__note points__owed">{OWED_TEXT}</Text>}
    </View>
  )
}
