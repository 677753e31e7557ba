import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import type { PhoneProof } from '@/domain/contracts/member'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { useCountdown } from '@/components/SmsCodeButton/useCountdown'
import { SmsCodeField, TextField } from '@/components/TextField'
import { WechatPhoneButton } from '@/components/WechatPhoneButton'
import { ERROR_MESSAGES, type Failure } from '@/domain/errors'
import { maskPhone } from '@/domain/identity/mask'
import { checkPhone, checkSmsCode } from '@/domain/identity/rules'
import './index.css'

/** 更换手机号 (L-11): a new phone proven by an SMS code, or (weapp) the number WeChat holds. */
export default function PhonePage() {
  const [phone, setPhone] = useState('')
  const [smsCode, setSmsCode] = useState('')
  const [failure, setFailure] = useState<Failure | { message: string }>()
  const [sending, setSending] = useState(false)
  const [saving, setSaving] = useState(false)
  const [changed, setChanged] = useState<string>()
  const countdown = useCountdown()

  const sendCode = async () => {
    const problem = checkPhone(phone.trim())
    if (problem) return setFailure({ message: ERROR_MESSAGES[problem] })
    setFailure(undefined)
    setSending(true)
    const result = await memberApi.sendPhoneCode({ phone: phone.trim() })
    setSending(false)
    if (result.ok) countdown.start(result.data.resendAfter)
    else setFailure(result)
  }

  const change = async (input: PhoneProof) => {
    setFailure(undefined)
    setSaving(true)
    const result = await memberApi.changePhone(input)
    setSaving(false)
    if (result.ok) setChanged(result.data.profile.phone)
    else setFailure(result)
  }

  const submit = () => {
    const problem = checkPhone(phone.trim()) ?? checkSmsCode(smsCode.trim())
    if (problem) return setFailure({ message: ERROR_MESSAGES[problem] })
    return change({ phone: phone.trim(), smsCode: smsCode.trim() })
  }

  if (changed) {
    return (
      <PageShell name="phone" title="更换手机号">
        <View className="card phone__done">
          <Text className="card__title">手机号已更换</Text>
          <Text className="phone__done-text">新手机号：{maskPhone(changed)}</Text>
        </View>
      </PageShell>
    )
  }

  return (
    <PageShell name="phone" title="更换手机号" intro="新手机号将用于接收验证码与会员服务通知。">
      <WechatPhoneButton
        className="phone__wechat"
        label="使用微信绑定的手机号"
        loading={saving}
        onCode={(phoneCode) => change({ phoneCode })}
        onDenied={() => setFailure({ message: ERROR_MESSAGES.PHONE_CODE_INVALID })}
      />
      <View className="card phone__form">
        <TextField
          block="phone"
          name="phone"
          label="新手机号"
          required
          type="number"
          value={phone}
          maxLength={11}
          placeholder="11位手机号"
          onChange={setPhone}
        />
        <SmsCodeField
          block="phone"
          value={smsCode}
          onChange={setSmsCode}
          resendIn={countdown.remaining}
          sending={sending}
          onSend={sendCode}
        />
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="phone__actions">
        <Button type="primary" block size="large" className="phone__submit" loading={saving} onClick={submit}>
          确认更换
        </Button>
      </View>
    </PageShell>
  )
}
