import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { RequirementTag } from '@/components/RequirementTag'
import './index.css'

export interface FormFieldProps {
  /** Element id (`field-<name>`) so a failed submit can scroll to it. */
  name: string
  label: string
  required: boolean
  error?: string
  children: ReactNode
  /** Something beside the control, such as the SMS code button. */
  extra?: ReactNode
}

/** One row of a form: label with 必填/选填, the control, and the zh-CN message for this field. */
export function FormField({ name, label, required, error, children, extra }: FormFieldProps) {
  return (
    <View id={`field-${name}`} className={`form-field${error ? ' form-field--error' : ''}`}>
      <View className="form-field__row">
        <View className="form-field__label">
          <Text className="form-field__label-text">{label}</Text>
          <RequirementTag required={required} />
        </View>
        <View className="form-field__control">{children}</View>
        {extra}
      </View>
      {error && <Text className={`form-field__error form-field__error--${name}`}>{error}</Text>}
    </View>
  )
}
