import { Text, View } from '@tarojs/components'
import { INVENTORY } from '@/domain/identity/inventory'
import { PURPOSES } from '@/domain/consent/purposes'

/** What the mini-program processes before and at sign-up, read from the data inventory (H5 guide). */
const ITEMS = INVENTORY.filter((f) => f.collectedAt === 'launch' || f.collectedAt === 'join').map((f) => ({
  key: f.key,
  label: f.label,
  purposes: f.purposes.map((p) => PURPOSES[p].title).join('、'),
  required: f.required,
}))

export function PrivacySummary() {
  return (
    <View className="privacy-summary">
      <Text className="privacy-summary__title">我们会处理的个人信息</Text>
      {ITEMS.map((item) => (
        <View key={item.key} className="privacy-summary__row">
          <Text className="privacy-summary__label">{item.label}</Text>
          <Text className="privacy-summary__purpose">
            {item.purposes}
            {item.required ? '' : '（选填）'}
          </Text>
        </View>
      ))}
      <Text className="privacy-summary__note">
        停车、身份证件、营销推送等其他信息，只在您使用相应功能并单独同意后才会处理。
      </Text>
    </View>
  )
}
