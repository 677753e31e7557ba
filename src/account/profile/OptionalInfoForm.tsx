import { Text, View } from '@tarojs/components'
import { Button, Checkbox } from '@nutui/nutui-react-taro'
import { FormAlert } from '@/components/FormAlert'
import { TextField } from '@/components/TextField'
import { inventoryField } from '@/domain/identity/inventory'
import { PURPOSES } from '@/domain/consent/purposes'
import type { useOptionalInfo } from './useOptionalInfo'

/** The optional fields, in form order; label and length come from the data inventory. */
const OPTIONAL_FIELDS = ['address', 'email', 'idNumber'] as const

/** 选填信息: address, email, ID number — each may be left empty, and a stored one deleted (7.2). */
export function OptionalInfoForm({ form }: { form: ReturnType<typeof useOptionalInfo> }) {
  const { values, messages } = form
  const askIdConsent = !form.idConsent && values.idNumber.trim() !== ''
  return (
    <View className="optional-info">
      <View className="card optional-info__fields">
        {OPTIONAL_FIELDS.map((key) => (
          <View key={key} className={`optional-info__item optional-info__item--${key}`}>
            <TextField
              block="optional-info"
              name={key}
              label={inventoryField(key).label}
              required={false}
              error={messages[key]}
              value={values[key]}
              maxLength={inventoryField(key).maxLength}
              placeholder="可不填"
              onChange={(v) => form.change(key, v)}
            />
            {form.base[key] !== null &&
              (form.removing === key ? (
                <View className={`profile-facts__confirm optional-info__confirm--${key}`}>
                  <Text className="profile-facts__question">
                    确定删除{inventoryField(key).label}吗？删除后立即生效。
                  </Text>
                  <View className="profile-facts__buttons">
                    <Text className="profile-facts__confirm-delete" onClick={() => void form.remove()}>
                      删除
                    </Text>
                    <Text className="profile-facts__cancel" onClick={() => form.setRemoving(undefined)}>
                      取消
                    </Text>
                  </View>
                </View>
              ) : (
                <Text
                  className={`optional-info__remove optional-info__remove--${key}`}
                  onClick={() => form.setRemoving(key)}
                >
                  删除
                </Text>
              ))}
          </View>
        ))}
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
