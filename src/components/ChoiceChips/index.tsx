import { Text, View } from '@tarojs/components'
import './index.css'

export interface ChoiceChipsProps<V extends string> {
  options: readonly { value: V; label: string }[]
  value: V | ''
  /** Tapping the chosen chip again clears an optional choice. */
  onChange: (value: V | '') => void
  name: string
}

/** A small single choice with large tap targets (gender). */
export function ChoiceChips<V extends string>({ options, value, onChange, name }: ChoiceChipsProps<V>) {
  return (
    <View className="chips">
      {options.map((option) => {
        const selected = option.value === value
        return (
          <View
            key={option.value}
            className={`chips__chip chips__chip--${name}-${option.value}${selected ? ' chips__chip--selected' : ''}`}
            ariaRole="radio"
            ariaLabel={selected ? `${option.label}，已选择` : option.label}
            onClick={() => onChange(selected ? '' : option.value)}
          >
            <Text>{option.label}</Text>
          </View>
        )
      })}
    </View>
  )
}

export interface ManyChipsProps<V extends string> {
  options: readonly { value: V; label: string }[]
  value: readonly V[]
  onChange: (value: V[]) => void
  name: string
}

/** Several choices with large tap targets: each chip toggles its value in or out. */
export function ManyChips<V extends string>({ options, value, onChange, name }: ManyChipsProps<V>) {
  return (
    <View className="chips">
      {options.map((option) => {
        const selected = value.includes(option.value)
        return (
          <View
            key={option.value}
            className={`chips__chip chips__chip--${name}-${option.value}${selected ? ' chips__chip--selected' : ''}`}
            ariaRole="checkbox"
            ariaLabel={selected ? `${option.label}，已选择` : option.label}
            onClick={() =>
              onChange(selected ? value.filter((v) => v !== option.value) : [...value, option.value])
            }
          >
            <Text>{option.label}</Text>
          </View>
        )
      })}
    </View>
  )
}
