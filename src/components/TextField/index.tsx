import { Input } from '@nutui/nutui-react-taro'
import type { ReactNode } from 'react'
import { FormField } from '@/components/FormField'
import { SmsCodeButton } from '@/components/SmsCodeButton'

export interface TextFieldProps {
  /** The form's class block: the input is `<block>__input <block>__input--<input>`. */
  block: string
  /** The field's name (`field-<name>`, where a failed submit scrolls to). */
  name: string
  /** The input's modifier, when it differs from `name`. */
  input?: string
  label: string
  required: boolean
  error?: string
  value: string
  onChange: (value: string) => void
  onBlur?: (value: string) => void
  type?: 'text' | 'number' | 'digit'
  /** The longest text the user may type: the schema field's or the inventory's limit. */
  maxLength: number
  placeholder?: string
  /** Something beside the input, such as the SMS code button. */
  extra?: ReactNode
}

/** A labelled text input with 必填/选填 and its message: the row every form is made of. */
export function TextField({
  block,
  name,
  input = name,
  label,
  required,
  error,
  extra,
  ...control
}: TextFieldProps) {
  return (
    <FormField name={name} label={label} required={required} error={error} extra={extra}>
      <Input className={`${block}__input ${block}__input--${input}`} {...control} />
    </FormField>
  )
}

export interface SmsCodeFieldProps extends Omit<
  TextFieldProps,
  'name' | 'label' | 'required' | 'type' | 'extra'
> {
  name?: string
  label?: string
  /** Seconds until another code may be sent, 0 when one may. */
  resendIn: number
  sending: boolean
  /** A code was sent before (the button then offers 重新获取). */
  sent?: boolean
  onSend: () => void
}

/** 验证码: the code's digits beside 获取验证码 and its countdown. */
export function SmsCodeField({
  name = 'smsCode',
  label = '验证码',
  placeholder = '6位数字',
  resendIn,
  sending,
  sent,
  onSend,
  ...rest
}: SmsCodeFieldProps) {
  return (
    <TextField
      {...rest}
      name={name}
      label={label}
      required
      type="number"
      placeholder={placeholder}
      extra={<SmsCodeButton remaining={resendIn} sending={sending} sent={sent} onClick={onSend} />}
    />
  )
}
