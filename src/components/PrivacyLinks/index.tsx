import { Text, View } from '@tarojs/components'
import { showPrivacyGuide, usePrivacy } from '@/components/PrivacyAuthorization'
import './index.css'

/** The privacy guide, one tap from the member centre (L-2). */
export function PrivacyLinks() {
  const { status, contractName } = usePrivacy()
  return (
    <View className="privacy-links">
      {status === 'refused' && (
        <Text className="privacy-links__note">您未同意隐私保护指引，可继续浏览；申请会员前需要同意。</Text>
      )}
      <Text className="privacy-links__link" onClick={showPrivacyGuide}>
        {contractName}
      </Text>
    </View>
  )
}
