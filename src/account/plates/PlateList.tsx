import { Text, View } from '@tarojs/components'
import type { PlateView } from '@/domain/plate/model'
import { chinaTime } from '@/domain/dates'

export interface PlateListProps {
  plates: PlateView[]
  /** The plate whose unbinding is on its way. */
  busy?: string
  onUnbind: (plate: PlateView) => void
}

/** The member's own plates, in clear (their own data), each with 解绑. */
export function PlateList({ plates, busy, onUnbind }: PlateListProps) {
  if (plates.length === 0) {
    return <Text className="plates__empty">还没有绑定车牌</Text>
  }
  return (
    <View className="plates__list">
      {plates.map((plate) => (
        <View key={plate.id} className="plates__item">
          <View className="plates__info">
            <Text className={`plates__plate${plate.plate.length === 8 ? ' plates__plate--energy' : ''}`}>
              {plate.plate.slice(0, 2)}·{plate.plate.slice(2)}
            </Text>
            <Text className="plates__bound">绑定于 {chinaTime(plate.boundAt).slice(0, 10)}</Text>
          </View>
          <Text
            className={`plates__unbind${busy === plate.id ? ' plates__unbind--busy' : ''}`}
            onClick={() => {
              if (!busy) onUnbind(plate)
            }}
          >
            {busy === plate.id ? '解绑中…' : '解绑'}
          </Text>
        </View>
      ))}
    </View>
  )
}
