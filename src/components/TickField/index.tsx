import { Text, View } from '@tarojs/components'
import { Checkbox } from '@nutui/nutui-react-taro'
import type { ReactNode } from 'react'
import './index.css'

export interface TickFieldProps {
  /** `field-<name>`, where a failed submit scrolls to; the message is `tick-field__error--<name>`. */
  name: string
  /** The checkbox's class, for tests and styles. */
  className: string
  checked: boolean
  onChange: (checked: boolean) => void
  label: string
  /** Beside the label and outside it (a tap on it does not tick), e.g. a link to the notice. */
  extra?: ReactNode
  error?: string
}

/** One tick the shopper gives themself (never pre-ticked, L-2), with its zh-CN message. */
export function TickField({ name, className, checked, onChange, label, extra, error }: TickFieldProps) {
  return (
    <View id={`field-${name}`} className={`tick-field${error ? ' tick-field--error' : ''}`}>
      <View className="tick-field__line">
        <Checkbox
          className={`tick-field__box ${className}`}
          checked={checked}
          onChange={onChange}
          label={label}
        />
        {extra}
      </View>
      {error && <Text className={`tick-field__error tick-field__error--${name}`}>{error}</Text>}
    </View>
  )
}
