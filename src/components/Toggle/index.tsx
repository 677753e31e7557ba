import { View } from '@tarojs/components'
import './index.css'

export interface ToggleProps {
  checked: boolean
  /** A change is on its way to the server: the toggle ignores taps meanwhile. */
  busy?: boolean
  /** Cannot be switched now (what it depends on is off). */
  disabled?: boolean
  label: string
  className?: string
  onChange: (next: boolean) => void
}

/** A switch that reports its state (aria-checked) and ignores taps while busy or disabled. */
export function Toggle({
  checked,
  busy = false,
  disabled = false,
  label,
  className = '',
  onChange,
}: ToggleProps) {
  return (
    <View
      className={`toggle${checked ? ' toggle--on' : ''}${busy ? ' toggle--busy' : ''}${disabled ? ' toggle--disabled' : ''} ${className}`}
      ariaRole="switch"
      aria-checked={checked}
      aria-disabled={disabled}
      ariaLabel={label}
      onClick={() => {
        if (!busy && !disabled) onChange(!checked)
      }}
    >
      <View className="toggle__knob" />
    </View>
  )
}
