import { Text, View } from '@tarojs/components'
import './index.css'

export interface SmsCodeButtonProps {
  /** Seconds until another code may be requested; 0 when it may. */
  remaining: number
  sending: boolean
  /** A code was sent before: the button offers 重新获取. */
  sent?: boolean
  onClick: () => void
}

/** 获取验证码, then a countdown until a new code may be sent, then 重新获取. */
export function SmsCodeButton({ remaining, sending, sent = false, onClick }: SmsCodeButtonProps) {
  const waiting = remaining > 0 || sending
  const handleClick = () => {
    if (!waiting) onClick()
  }
  return (
    <View
      className={`sms-button${waiting ? ' sms-button--waiting' : ''}`}
      ariaRole="button"
      onClick={handleClick}
    >
      <Text>
        {sending ? '发送中…' : remaining > 0 ? `${remaining}秒后重发` : sent ? '重新获取' : '获取验证码'}
      </Text>
    </View>
  )
}
