import { View } from '@tarojs/components'
import './index.css'

export interface ToggleProps {
  checked: boolean
  /** A change is on its way to the server: the toggle ignores taps meanwhile. */
  busy?: boolean
  label: string
  className?: string
  onChange: (next: boolean) => void
}

/** A switch that reports its state (aria-checked) and ignores taps while busy. */
export function Toggle({ checked, busy = false, label, className = '', onChange }: ToggleProps) {
  return (
    <View
      className={`toggle${checked ? ' toggle--on' : ''}${busy ? ' toggle--busy' : ''} ${className}`}
      ariaRole="switch"
      aria-checked={checked}
      ariaLabel={label}
      onClick={() => {
        if (!busy) onChange(!checked)
      }}
    >
      <View className="toggle__knob" />
    </View>
  )
}
