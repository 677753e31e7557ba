import { Text, View } from '@tarojs/components'
import { Button, Checkbox } from '@nutui/nutui-react-taro'
import { memberApi } from '@/api'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { callChecked, useCodeForm } from '@/components/forms/useCodeForm'
import { SmsCodeField, TextField } from '@/components/TextField'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { guardianCodeSchema, guardianConsentSchema } from '@/domain/contracts/member'
import { GUARDIAN_RELATIONS, type GuardianRelation } from '@/domain/member/model'
import { GUARDIAN_PENDING_DAYS } from '@/domain/member/rules'

const { guardianName, phone, smsCode } = guardianConsentSchema.fields

/**
 * A member aged 14 or under is held until a guardian consents, for GUARDIAN_PENDING_DAYS at most (L-5): the guardian's name, relation and
 * phone, proven by an SMS code to that phone.
 */
export function GuardianStep({ onDone }: { onDone: () => void }) {
  const form = useCodeForm({
    schema: guardianConsentSchema,
    fields: ['guardianName', 'relation', 'phone', 'smsCode'],
    codeFields: ['phone'],
    consent: { beforeCode: false },
    sendCode: (values, { today }) =>
      callChecked(guardianCodeSchema, { phone: values.phone }, today, memberApi.sendGuardianCode),
    submit: (values, { today }) =>
      callChecked(
        guardianConsentSchema,
        { ...values, noticeVersion: NOTICE_VERSION },
        today,
        memberApi.recordGuardianConsent,
      ),
    onDone,
  })
  const { values, messages } = form

  return (
    <View className="card guardian">
      <Text className="card__title">需要监护人同意</Text>
      <Text className="guardian__text">
        会员为14周岁及以下的未成年人。根据法律规定，需由监护人阅读会员规则并同意后，才能使用会员服务。请监护人在注册后
        {GUARDIAN_PENDING_DAYS}
        日内填写以下信息并同意；逾期未同意的，已登记的信息将被删除。
      </Text>
      <TextField
        block="guardian"
        name="guardianName"
        input="name"
        label="监护人姓名"
        required
        error={messages.guardianName}
        value={values.guardianName}
        maxLength={guardianName.maxLength}
        placeholder="与证件一致的姓名"
        onChange={(v) => form.change('guardianName', v)}
      />
      <FormField name="relation" label="与会员关系" required error={messages.relation}>
        <ChoiceChips
          name="relation"
          options={GUARDIAN_RELATIONS}
          value={values.relation as GuardianRelation | ''}
          onChange={(v) => form.change('relation', v)}
        />
      </FormField>
      <TextField
        block="guardian"
        name="phone"
        input="phone"
        label="监护人手机号"
        required
        error={messages.phone}
        type="number"
        value={values.phone}
        maxLength={phone.maxLength}
        placeholder="11位手机号"
        onChange={(v) => form.change('phone', v)}
      />
      <SmsCodeField
        block="guardian"
        input="code"
        error={messages.smsCode}
        value={values.smsCode}
        maxLength={smsCode.maxLength}
        onChange={(v) => form.change('smsCode', v)}
        resendIn={form.resendIn}
        sent={form.codeSent}
        sending={form.sending}
        onSend={form.sendCode}
      />
      <View className={`guardian__consent${messages.consent ? ' guardian__consent--error' : ''}`}>
        <Checkbox
          className="guardian__agree"
          checked={form.agreed}
          onChange={form.agree}
          label="我是该会员的监护人，已阅读并同意《会员个人信息处理规则》"
        />
        {messages.consent && <Text className="guardian__consent-error">{messages.consent}</Text>}
      </View>
      {form.alert && <FormAlert message={form.alert.message} />}
      <Button
        type="primary"
        block
        size="large"
        className="guardian__submit"
        loading={form.submitting}
        onClick={form.submit}
      >
        监护人同意
      </Button>
    </View>
  )
}
