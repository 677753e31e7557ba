import { Text, View } from '@tarojs/components'
import { isValidPlate } from '@/domain/plate/model'
import { CHAR_ROWS, canType, PROVINCE_KEYS } from './keys'
import './index.css'

export interface PlateKeyboardProps {
  value: string
  onChange: (value: string) => void
  /** 完成: offered once the plate is valid. */
  onDone: () => void
}

interface KeyProps {
  label: string
  /** Modifier class: `plate-keyboard__key--<name>`. */
  name: string
  enabled: boolean
  onPress: () => void
}

function Key({ label, name, enabled, onPress }: KeyProps) {
  return (
    <View
      className={`plate-keyboard__key plate-keyboard__key--${name}${enabled ? '' : ' plate-keyboard__key--disabled'}`}
      ariaRole="button"
      ariaLabel={label}
      onClick={() => {
        if (enabled) onPress()
      }}
    >
      <Text>{label}</Text>
    </View>
  )
}

/**
 * A keyboard for licence plates: the province grid first, then digits and letters (I and O
 * disabled, no digit as the second character), a delete key, and 完成 once `isValidPlate` agrees.
 */
export function PlateKeyboard({ value, onChange, onDone }: PlateKeyboardProps) {
  const provinces = value.length === 0
  const type = (key: string) => onChange(value + key)
  const remove = () => onChange(value.slice(0, -1))
  const valid = isValidPlate(value)

  return (
    <View className={`plate-keyboard plate-keyboard--${provinces ? 'provinces' : 'chars'}`}>
      <View className="plate-keyboard__bar">
        <Text className="plate-keyboard__prompt">
          {provinces ? '请选择省份简称' : value.length === 1 ? '请输入发牌机关字母' : '请输入号码'}
        </Text>
        <View
          className={`plate-keyboard__done${valid ? '' : ' plate-keyboard__done--disabled'}`}
          ariaRole="button"
          onClick={() => {
            if (valid) onDone()
          }}
        >
          <Text>完成</Text>
        </View>
      </View>
      {provinces ? (
        <View className="plate-keyboard__grid plate-keyboard__grid--provinces">
          {PROVINCE_KEYS.map((key, index) => (
            <Key key={key} label={key} name={`p${index}`} enabled onPress={() => type(key)} />
          ))}
        </View>
      ) : (
        CHAR_ROWS.map((row) => (
          <View key={row[0]} className="plate-keyboard__row">
            {row.map((key) => (
              <Key key={key} label={key} name={key} enabled={canType(value, key)} onPress={() => type(key)} />
            ))}
          </View>
        ))
      )}
      <View className="plate-keyboard__row plate-keyboard__row--actions">
        <View
          className={`plate-keyboard__delete${value ? '' : ' plate-keyboard__delete--disabled'}`}
          ariaRole="button"
          ariaLabel="删除"
          onClick={() => {
            if (value) remove()
          }}
        >
          <Text>删除</Text>
        </View>
      </View>
    </View>
  )
}

export { PlateDisplay } from './PlateDisplay'
export { PLATE_MAX_LENGTH } from './keys'
