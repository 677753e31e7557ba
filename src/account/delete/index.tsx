import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { callChecked, useCodeForm } from '@/components/forms/useCodeForm'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { SmsCodeField } from '@/components/TextField'
import { WechatPhoneButton } from '@/components/WechatPhoneButton'
import { deleteAccountSchema } from '@/domain/contracts/member'
import { fail } from '@/domain/errors'
import type { MemberHome } from '@/domain/member/model'
import './index.css'

const CONSEQUENCES = [
  '全部积分作废，无法恢复或转让',
  '已绑定的会员卡解除绑定并作废',
  '姓名、手机号、车牌、身份证号等个人信息立即删除，加密密钥同时销毁',
  '授权记录与积分流水仅以匿名形式留存，不再与您关联',
  '之后仍可随时重新申请，成为一位新会员',
]

const { smsCode } = deleteAccountSchema.fields
const WITH_CODE: readonly 'smsCode'[] = ['smsCode']
const WITHOUT_CODE: readonly 'smsCode'[] = []

/**
 * 注销账户 (7.2, L-9): one clear button, a confirmation saying what happens — the points that
 * will be lost among it — and proof that the member holds the phone on file (a code sent to it,
 * or WeChat's number for it); a member without a phone on file confirms only.
 */
export default function DeleteAccountPage() {
  const privacy = usePrivacy()
  const agreed = privacy.status === 'agreed'
  const [home] = useRemote(memberApi.home, agreed)
  const member: MemberHome | null = home.state === 'ready' ? home.data.member : null
  const [confirming, setConfirming] = useState(false)
  const [noPhone, setNoPhone] = useState(false)
  const withoutCode = noPhone || member?.phone === ''

  const form = useCodeForm({
    schema: deleteAccountSchema,
    // Without a phone on file there is no code to check.
    fields: withoutCode ? WITHOUT_CODE : WITH_CODE,
    codeFields: [],
    sendCode: async () => {
      const sent = await memberApi.sendDeleteCode()
      if (!sent.ok && sent.code === 'PHONE_NOT_ON_FILE') setNoPhone(true)
      return sent
    },
    submit: (values, { today, phoneCode }) =>
      callChecked(
        deleteAccountSchema,
        withoutCode
          ? { confirm: true }
          : phoneCode
            ? { confirm: true, phoneCode }
            : { confirm: true, smsCode: values.smsCode },
        today,
        memberApi.deleteAccount,
      ),
    onDone: () => {
      Taro.reLaunch({ url: '/pages/index/index?deleted=1' })
    },
  })

  return (
    <PageShell name="delete" title="注销账户" intro="注销后立即生效，无需等待人工审核。">
      <View className="card delete__card">
        <Text className="card__title">注销后：</Text>
        {member && <Text className="delete__points">您的积分 {member.points} 分将被清零</Text>}
        {CONSEQUENCES.map((line, index) => (
          <Text key={line} className={`delete__item delete__item--${index}`}>
            {line}
          </Text>
        ))}
      </View>
      {form.alert && (
        <View className="page-shell__alert">
          <FormAlert message={form.alert.message} />
        </View>
      )}
      <View className="delete__actions">
        {confirming ? (
          <View className="delete__confirm">
            <Text className="delete__question">确定注销吗？此操作无法撤销。</Text>
            {!withoutCode && (
              <View className="delete__proof">
                <Text className="delete__proof-text">
                  为确认是您本人操作，验证码将发送至您账户登记的手机号
                  {member?.phone ? ` ${member.phone}` : ''}
                </Text>
                <SmsCodeField
                  block="delete"
                  error={form.messages.smsCode}
                  value={form.values.smsCode}
                  maxLength={smsCode.maxLength}
                  onChange={(v) => form.change('smsCode', v)}
                  resendIn={form.resendIn}
                  sending={form.sending}
                  onSend={form.sendCode}
                />
                <WechatPhoneButton
                  className="delete__wechat"
                  label="使用微信手机号验证并注销"
                  loading={form.submitting}
                  onCode={form.submitWithPhoneCode}
                  onDenied={() => form.report(fail('PHONE_CODE_INVALID', 'phoneCode'))}
                />
              </View>
            )}
            <Button
              type="danger"
              block
              size="large"
              className="delete__confirm-button"
              loading={form.submitting}
              disabled={!agreed}
              onClick={form.submit}
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
