import { Text, View } from '@tarojs/components'
import { PLATE_MAX_LENGTH } from './keys'

export interface PlateDisplayProps {
  value: string
  /** The plate being typed: the next cell is highlighted. */
  active: boolean
  onClick?: () => void
}

/** Eight cells, the province and letter apart from the serial; the eighth is for new-energy plates. */
export function PlateDisplay({ value, active, onClick }: PlateDisplayProps) {
  const cells = Array.from({ length: PLATE_MAX_LENGTH }, (_, i) => value[i] ?? '')
  return (
    <View className="plate-display" ariaRole="button" ariaLabel="车牌号码" onClick={onClick}>
      {cells.map((char, index) => (
        <View
          key={index}
          className={[
            'plate-display__cell',
            `plate-display__cell--${index}`,
            index === 2 ? 'plate-display__cell--gap' : '',
            index === PLATE_MAX_LENGTH - 1 ? 'plate-display__cell--energy' : '',
            active && index === value.length ? 'plate-display__cell--cursor' : '',
          ].join(' ')}
        >
          {char ? (
            <Text className="plate-display__char">{char}</Text>
          ) : (
            index === PLATE_MAX_LENGTH - 1 && <Text className="plate-display__placeholder">新能源</Text>
          )}
        </View>
      ))}
    </View>
  )
}
