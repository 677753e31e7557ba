import { Text, View } from '@tarojs/components'
import './index.css'

interface ChipOption<V extends string> {
  value: V
  label: string
}

/** The chips themselves: each option a large tap target, marked when selected. */
function Chips<V extends string>(props: {
  options: readonly ChipOption<V>[]
  name: string
  role: 'radio' | 'checkbox'
  isSelected: (value: V) => boolean
  onTap: (value: V, selected: boolean) => void
}) {
  const { options, name, role, isSelected, onTap } = props
  return (
    <View className="chips">
      {options.map((option) => {
        const selected = isSelected(option.value)
        return (
          <View
            key={option.value}
            className={`chips__chip chips__chip--${name}-${option.value}${selected ? ' chips__chip--selected' : ''}`}
            ariaRole={role}
            ariaLabel={selected ? `${option.label}，已选择` : option.label}
            onClick={() => onTap(option.value, selected)}
          >
            <Text>{option.label}</Text>
          </View>
        )
      })}
    </View>
  )
}

export interface ChoiceChipsProps<V extends string> {
  options: readonly ChipOption<V>[]
  value: V | ''
  /** Tapping the chosen chip again clears an optional choice. */
  onChange: (value: V | '') => void
  name: string
}

/** A small single choice with large tap targets (gender). */
export function ChoiceChips<V extends string>({ options, value, onChange, name }: ChoiceChipsProps<V>) {
  return (
    <Chips
      options={options}
      name={name}
      role="radio"
      isSelected={(v) => v === value}
      onTap={(v, selected) => onChange(selected ? '' : v)}
    />
  )
}

export interface ManyChipsProps<V extends string> {
  options: readonly ChipOption<V>[]
  value: readonly V[]
  onChange: (value: V[]) => void
  name: string
}

/** Several choices with large tap targets: each chip toggles its value in or out. */
export function ManyChips<V extends string>({ options, value, onChange, name }: ManyChipsProps<V>) {
  return (
    <Chips
      options={options}
      name={name}
      role="checkbox"
      isSelected={(v) => value.includes(v)}
      onTap={(v, selected) => onChange(selected ? value.filter((x) => x !== v) : [...value, v])}
    />
  )
}
