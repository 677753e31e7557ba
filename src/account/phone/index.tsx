import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import { FormAlert } from '@/components/FormAlert'
import { callChecked, useCodeForm } from '@/components/forms/useCodeForm'
import { PageShell } from '@/components/PageShell'
import { SmsCodeField, TextField } from '@/components/TextField'
import { WechatPhoneButton } from '@/components/WechatPhoneButton'
import { changePhoneSchema, phoneSchema } from '@/domain/contracts/member'
import { fail } from '@/domain/errors'
import { maskPhone } from '@/domain/identity/mask'
import './index.css'

const { phone, smsCode } = changePhoneSchema.fields

/** 更换手机号 (L-11): a new phone proven by an SMS code, or (weapp) the number WeChat holds. */
export default function PhonePage() {
  const [changed, setChanged] = useState<string>()
  const form = useCodeForm({
    schema: changePhoneSchema,
    fields: ['phone', 'smsCode'],
    codeFields: ['phone'],
    sendCode: (values, { today }) =>
      callChecked(phoneSchema, { phone: values.phone }, today, memberApi.sendPhoneCode),
    submit: (values, { today, phoneCode }) =>
      callChecked(changePhoneSchema, phoneCode ? { phoneCode } : values, today, memberApi.changePhone),
    onDone: (data) => setChanged(data.profile.phone),
  })
  const { values, messages } = form

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
        loading={form.submitting}
        onCode={form.submitWithPhoneCode}
        onDenied={() => form.report(fail('PHONE_CODE_INVALID', 'phoneCode'))}
      />
      <View className="card phone__form">
        <TextField
          block="phone"
          name="phone"
          label="新手机号"
          required
          error={messages.phone}
          type="number"
          value={values.phone}
          maxLength={phone.maxLength}
          placeholder="11位手机号"
          onChange={(v) => form.change('phone', v)}
        />
        <SmsCodeField
          block="phone"
          error={messages.smsCode}
          value={values.smsCode}
          maxLength={smsCode.maxLength}
          onChange={(v) => form.change('smsCode', v)}
          resendIn={form.resendIn}
          sent={form.codeSent}
          sending={form.sending}
          onSend={form.sendCode}
        />
      </View>
      {form.alert && (
        <View className="page-shell__alert">
          <FormAlert message={form.alert.message} />
        </View>
      )}
      <View className="phone__actions">
        <Button
          type="primary"
          block
          size="large"
          className="phone__submit"
          loading={form.submitting}
          onClick={form.submit}
        >
          确认更换
        </Button>
      </View>
    </PageShell>
  )
}
