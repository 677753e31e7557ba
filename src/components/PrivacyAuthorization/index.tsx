import { Text, View } from '@tarojs/components'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useEffect } from 'react'
import {
  AGREE_BUTTON_ID,
  agreePrivacy,
  checkPrivacy,
  closePrivacy,
  promptPrivacy,
  refusePrivacy,
  showPrivacyGuide,
  usesWechatAgreement,
  type PrivacyStatus,
} from './privacy'
import { PrivacySummary } from './PrivacySummary'
import { usePrivacy } from './usePrivacy'
import './index.css'

export interface PrivacyAuthorizationProps {
  /**
   * launch: ask on first launch; after a refusal, only when the shopper asks (L-2).
   * required: the page cannot work without the agreement; the shopper came here on purpose,
   * so ask whenever it is missing.
   */
  mode?: 'launch' | 'required'
}

function shouldAsk(mode: 'launch' | 'required', status: PrivacyStatus): boolean {
  return status === 'needed' || (mode === 'required' && status === 'refused')
}

/** The privacy-authorisation step (L-1): shown before anything personal is asked or processed. */
export function PrivacyAuthorization({ mode = 'launch' }: PrivacyAuthorizationProps) {
  const { open, status, contractName } = usePrivacy()
  // WeChat shows its own guide page; elsewhere the summary is part of the popup.
  const wechat = usesWechatAgreement()

  useEffect(() => {
    let active = true
    checkPrivacy().then((checked) => {
      if (active && shouldAsk(mode, checked)) promptPrivacy()
    })
    return () => {
      active = false
    }
  }, [mode])

  const agreeProps = wechat
    ? {
        id: AGREE_BUTTON_ID,
        openType: 'agreePrivacyAuthorization' as const,
        onAgreePrivacyAuthorization: agreePrivacy,
      }
    : { onClick: agreePrivacy }

  return (
    <Popup visible={open} position="bottom" round closeOnOverlayClick={false} className="privacy-popup">
      <View className="privacy-auth">
        <Text className="privacy-auth__title">隐私保护提示</Text>
        <View className="privacy-auth__body">
          <Text>在使用会员服务前，请阅读</Text>
          <Text className="privacy-auth__link" onClick={showPrivacyGuide}>
            {contractName}
          </Text>
          <Text>
            。我们只在您同意后处理您的个人信息；不同意也可以继续浏览不涉及个人信息的内容，但无法申请会员。
          </Text>
        </View>
        {!wechat && <PrivacySummary />}
        {status === 'agreed' ? (
          <Button block type="primary" className="privacy-auth__single" onClick={closePrivacy}>
            我知道了
          </Button>
        ) : (
          <View className="privacy-auth__actions">
            <Button className="privacy-auth__refuse" onClick={refusePrivacy}>
              不同意
            </Button>
            <Button type="primary" className="privacy-auth__agree" {...agreeProps}>
              同意并继续
            </Button>
          </View>
        )}
      </View>
    </Popup>
  )
}

export { promptPrivacy, showPrivacyGuide } from './privacy'
export { usePrivacy } from './usePrivacy'
