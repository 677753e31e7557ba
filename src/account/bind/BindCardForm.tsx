import { Text, View } from '@tarojs/components'
import { Button, Checkbox } from '@nutui/nutui-react-taro'
import { FormAlert } from '@/components/FormAlert'
import { showPrivacyGuide } from '@/components/PrivacyAuthorization'
import { SmsCodeField, TextField } from '@/components/TextField'
import { bindCardSchema } from '@/domain/contracts/member'
import type { useBindCard } from './useBindCard'

export interface BindCardFormProps {
  form: ReturnType<typeof useBindCard>
  /** A shopper who is not a member yet agrees to the notice here (unticked, L-2). */
  needsConsent: boolean
}

const { cardNo, phone, smsCode } = bindCardSchema.fields

export function BindCardForm({ form, needsConsent }: BindCardFormProps) {
  const { values, messages } = form
  return (
    <View className="bind-form">
      <View className="card bind-form__fields">
        <TextField
          block="bind-form"
          name="cardNo"
          label="会员卡号"
          required
          error={messages.cardNo}
          type="number"
          value={values.cardNo}
          maxLength={cardNo.maxLength}
          placeholder="卡背面的10至16位数字"
          onChange={(v) => form.change('cardNo', v)}
        />
        <TextField
          block="bind-form"
          name="phone"
          label="手机号"
          required
          error={messages.phone}
          type="number"
          value={values.phone}
          maxLength={phone.maxLength}
          placeholder="办卡时登记的手机号"
          onChange={(v) => form.change('phone', v)}
        />
        <SmsCodeField
          block="bind-form"
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
      {needsConsent && (
        <View className={`card bind-form__consent${messages.consent ? ' bind-form__consent--error' : ''}`}>
          <Checkbox
            className="bind-form__agree"
            checked={form.agreed}
            onChange={form.agree}
            label="我已阅读并同意《会员个人信息处理规则》"
          />
          <Checkbox
            className="bind-form__age"
            checked={form.ageDeclared}
            onChange={form.declareAge}
            label="我已年满15周岁，或已取得监护人同意"
          />
          <Text className="bind-form__notice" onClick={showPrivacyGuide}>
            查看隐私保护指引
          </Text>
          {messages.consent && <Text className="bind-form__consent-error">{messages.consent}</Text>}
        </View>
      )}
      {form.alert && (
        <View className="page-shell__alert">
          <FormAlert message={form.alert.message} />
        </View>
      )}
      <View className="bind-form__actions">
        <Button
          type="primary"
          block
          size="large"
          className="bind-form__submit"
          loading={form.submitting}
          onClick={form.submit}
        >
          绑定
        </Button>
      </View>
    </View>
  )
}
