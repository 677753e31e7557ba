import { Button } from '@nutui/nutui-react-taro'
import type { BaseEventOrig, ButtonProps } from '@tarojs/components'
import './index.css'

/** Only the weapp build has WeChat's phone-number button (L-11); elsewhere nothing is shown. */
export const hasWechatPhone = process.env.TARO_ENV === 'weapp'

export interface WechatPhoneButtonProps {
  label: string
  className?: string
  loading?: boolean
  /** WeChat's one-time code (valid 5 minutes), exchanged by the cloud function; never the number. */
  onCode: (code: string) => void
  /** The shopper declined or WeChat failed. */
  onDenied?: () => void
}

/**
 * `button open-type="getPhoneNumber"`: WeChat shows the shopper's number and asks them; a privacy
 * API, so WeChat runs the privacy authorisation first when it is missing.
 */
export function WechatPhoneButton({
  label,
  className = '',
  loading,
  onCode,
  onDenied,
}: WechatPhoneButtonProps) {
  if (!hasWechatPhone) return null
  const handle = (event: BaseEventOrig<ButtonProps.onGetPhoneNumberEventDetail>) => {
    const code = (event.detail as { code?: string }).code
    if (code) onCode(code)
    else onDenied?.()
  }
  return (
    <Button
      block
      size="large"
      className={`wechat-phone ${className}`}
      loading={loading}
      openType="getPhoneNumber"
      onGetPhoneNumber={handle}
    >
      {label}
    </Button>
  )
}
