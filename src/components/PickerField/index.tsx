import { Picker, Text, View } from '@tarojs/components'
import './index.css'

interface Common {
  name: string
  value: string
  placeholder: string
  onChange: (value: string) => void
  /** Optional fields can be emptied again. */
  onClear?: () => void
}

export type PickerFieldProps =
  | (Common & { mode: 'selector'; options: readonly { value: string; label: string }[] })
  | (Common & { mode: 'date'; start: string; end: string; initial: string })

/** The range of a birth-date picker, which opens on an adult's year (its end is today). */
export const BIRTH_DATE_RANGE = { start: '1900-01-01', initial: '1990-01-01' } as const

/** The platform's own picker (native sheet on weapp), shown as a form value with a chevron. */
export function PickerField(props: PickerFieldProps) {
  const { name, value, placeholder, onChange, onClear } = props
  const display = props.mode === 'selector' ? props.options.find((o) => o.value === value)?.label : value
  const shown = (
    <View className="picker-field__value">
      <Text className={display ? 'picker-field__text' : 'picker-field__placeholder'}>
        {display || placeholder}
      </Text>
      <Text className="picker-field__chevron">›</Text>
    </View>
  )
  return (
    <View className="picker-field">
      {props.mode === 'selector' ? (
        <Picker
          className={`picker-field__picker picker-field__picker--${name}`}
          mode="selector"
          range={props.options.map((o) => o.label)}
          value={Math.max(
            props.options.findIndex((o) => o.value === value),
            0,
          )}
          onChange={(e) => {
            const option = props.options[Number(e.detail.value)]
            if (option) onChange(option.value)
          }}
        >
          {shown}
        </Picker>
      ) : (
        <Picker
          className={`picker-field__picker picker-field__picker--${name}`}
          mode="date"
          start={props.start}
          end={props.end}
          value={value || props.initial}
          onChange={(e) => onChange(String(e.detail.value))}
        >
          {shown}
        </Picker>
      )}
      {onClear && value && (
        <Text className={`picker-field__clear picker-field__clear--${name}`} onClick={onClear}>
          清除
        </Text>
      )}
    </View>
  )
}
