import { Text, View } from '@tarojs/components'
import { Button, Checkbox } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { useCountdown } from '@/components/SmsCodeButton/useCountdown'
import { SmsCodeField, TextField } from '@/components/TextField'
import { ERROR_MESSAGES, type Failure } from '@/domain/errors'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { GUARDIAN_RELATIONS, type GuardianRelation } from '@/domain/member/model'
import { checkName, checkPhone, checkSmsCode } from '@/domain/identity/rules'

/**
 * A member under 14 is held until a guardian consents (L-5): the guardian's name, relation and
 * phone, proven by an SMS code to that phone.
 */
export function GuardianStep({ onDone }: { onDone: () => void }) {
  const [values, setValues] = useState({ guardianName: '', phone: '', smsCode: '' })
  const [relation, setRelation] = useState<GuardianRelation | ''>('')
  const [agreed, setAgreed] = useState(false)
  const [alert, setAlert] = useState<Failure | { message: string }>()
  const [sending, setSending] = useState(false)
  const [saving, setSaving] = useState(false)
  const countdown = useCountdown()

  const change = (field: keyof typeof values, value: string) => setValues((v) => ({ ...v, [field]: value }))

  const sendCode = async () => {
    const phoneError = checkPhone(values.phone.trim())
    if (phoneError) return setAlert({ message: ERROR_MESSAGES[phoneError] })
    setSending(true)
    const result = await memberApi.sendGuardianCode({ phone: values.phone.trim() })
    setSending(false)
    if (result.ok) countdown.start(result.data.resendAfter)
    else setAlert(result)
  }

  const submit = async () => {
    const problem =
      checkName(values.guardianName.trim()) ??
      (relation === '' ? 'GUARDIAN_RELATION_INVALID' : undefined) ??
      checkPhone(values.phone.trim()) ??
      checkSmsCode(values.smsCode.trim()) ??
      (agreed ? undefined : 'CONSENT_REQUIRED')
    if (problem) return setAlert({ message: ERROR_MESSAGES[problem] })
    setAlert(undefined)
    setSaving(true)
    const result = await memberApi.recordGuardianConsent({
      guardianName: values.guardianName.trim(),
      relation: relation as GuardianRelation,
      phone: values.phone.trim(),
      smsCode: values.smsCode.trim(),
      noticeVersion: NOTICE_VERSION,
    })
    setSaving(false)
    if (result.ok) onDone()
    else setAlert(result)
  }

  return (
    <View className="card guardian">
      <Text className="card__title">需要监护人同意</Text>
      <Text className="guardian__text">
        会员未满14周岁。根据法律规定，需由监护人阅读会员规则并同意后，才能使用会员服务。请监护人填写以下信息。
      </Text>
      <TextField
        block="guardian"
        name="guardianName"
        input="name"
        label="监护人姓名"
        required
        value={values.guardianName}
        maxLength={40}
        onChange={(v) => change('guardianName', v)}
      />
      <FormField name="relation" label="与会员关系" required>
        <ChoiceChips name="relation" options={GUARDIAN_RELATIONS} value={relation} onChange={setRelation} />
      </FormField>
      <TextField
        block="guardian"
        name="guardianPhone"
        input="phone"
        label="监护人手机号"
        required
        type="number"
        value={values.phone}
        maxLength={11}
        onChange={(v) => change('phone', v)}
      />
      <SmsCodeField
        block="guardian"
        name="guardianCode"
        input="code"
        value={values.smsCode}
        onChange={(v) => change('smsCode', v)}
        resendIn={countdown.remaining}
        sending={sending}
        onSend={sendCode}
      />
      <Checkbox
        className="guardian__agree"
        checked={agreed}
        onChange={setAgreed}
        label="我是该会员的监护人，已阅读并同意《会员个人信息处理规则》"
      />
      {alert && <FormAlert message={alert.message} />}
      <Button
        type="primary"
        block
        size="large"
        className="guardian__submit"
        loading={saving}
        onClick={submit}
      >
        监护人同意
      </Button>
    </View>
  )
}
