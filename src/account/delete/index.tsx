import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import type { Failure } from '@/domain/errors'
import './index.css'

const CONSEQUENCES = [
  '全部积分作废，无法恢复或转让',
  '已绑定的会员卡解除绑定并作废',
  '姓名、手机号、车牌、身份证号等个人信息立即删除，加密密钥同时销毁',
  '授权记录与积分流水仅以匿名形式留存，不再与您关联',
  '之后仍可随时重新申请，成为一位新会员',
]

/** 注销账户 (7.2, L-9): one clear button, a confirmation saying what happens, then the deletion. */
export default function DeleteAccountPage() {
  const privacy = usePrivacy()
  const [confirming, setConfirming] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const handleDelete = async () => {
    setDeleting(true)
    setFailure(undefined)
    const result = await memberApi.deleteAccount({ confirm: true })
    setDeleting(false)
    if (!result.ok) {
      setFailure(result)
      return
    }
    Taro.reLaunch({ url: '/pages/index/index?deleted=1' })
  }

  return (
    <PageShell name="delete" title="注销账户" intro="注销后立即生效，无需等待人工审核。">
      <View className="card delete__card">
        <Text className="card__title">注销后：</Text>
        {CONSEQUENCES.map((line, index) => (
          <Text key={line} className={`delete__item delete__item--${index}`}>
            {line}
          </Text>
        ))}
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="delete__actions">
        {confirming ? (
          <View className="delete__confirm">
            <Text className="delete__question">确定注销吗？此操作无法撤销。</Text>
            <Button
              type="danger"
              block
              size="large"
              className="delete__confirm-button"
              loading={deleting}
              disabled={privacy.status !== 'agreed'}
              onClick={handleDelete}
            >
              确认注销
            </Button>
            <Button block size="large" className="delete__keep" onClick={() => setConfirming(false)}>
              再想想
            </Button>
          </View>
        ) : (
          <Button
            type="danger"
            fill="outline"
            block
            size="large"
            className="delete__start"
            onClick={() => setConfirming(true)}
          >
            注销账户
          </Button>
        )}
      </View>
    </PageShell>
  )
}
