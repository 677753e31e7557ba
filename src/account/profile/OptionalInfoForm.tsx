import { Text, View } from '@tarojs/components'
import { Button, Checkbox, Input } from '@nutui/nutui-react-taro'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { PURPOSES } from '@/domain/purposes'
import type { useOptionalInfo } from './useOptionalInfo'

/** 选填信息: address, email, ID number — each may be left empty or removed at any time. */
export function OptionalInfoForm({ form }: { form: ReturnType<typeof useOptionalInfo> }) {
  const { values, messages } = form
  const askIdConsent = !form.idConsent && values.idNumber.trim() !== ''
  return (
    <View className="optional-info">
      <View className="card optional-info__fields">
        <FormField name="address" label="联系地址" required={false} error={messages.address}>
          <Input
            className="optional-info__input optional-info__input--address"
            value={values.address}
            maxLength={120}
            placeholder="可不填"
            onChange={(v) => form.change('address', v)}
          />
        </FormField>
        <FormField name="email" label="电子邮箱" required={false} error={messages.email}>
          <Input
            className="optional-info__input optional-info__input--email"
            value={values.email}
            maxLength={100}
            placeholder="可不填"
            onChange={(v) => form.change('email', v)}
          />
        </FormField>
        <FormField name="idNumber" label="身份证号" required={false} error={messages.idNumber}>
          <Input
            className="optional-info__input optional-info__input--idNumber"
            value={values.idNumber}
            maxLength={18}
            placeholder="可不填"
            onChange={(v) => form.change('idNumber', v)}
          />
        </FormField>
        {askIdConsent && (
          <View className="optional-info__id-consent">
            <Text className="optional-info__id-text">
              身份证号属于敏感个人信息，需要您单独同意：{PURPOSES.idNumber.description}
            </Text>
            <Checkbox
              className="optional-info__id-agree"
              checked={form.idAgreed}
              onChange={form.setIdAgreed}
              label={`我同意“${PURPOSES.idNumber.title}”的处理`}
            />
            {messages.idConsent && <Text className="optional-info__id-error">{messages.idConsent}</Text>}
          </View>
        )}
      </View>
      {form.alert && (
        <View className="page-shell__alert">
          <FormAlert message={form.alert.message} />
        </View>
      )}
      <View className="optional-info__actions">
        <Button
          type="primary"
          block
          size="large"
          className="optional-info__save"
          loading={form.saving}
          onClick={form.save}
        >
          保存
        </Button>
        {form.saved && <Text className="optional-info__saved">已保存</Text>}
      </View>
    </View>
  )
}
