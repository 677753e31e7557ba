import { Text, View } from '@tarojs/components'
import { Button, Popup } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { ChoiceChips } from '@/components/ChoiceChips'
import { ConsentNotice } from '@/components/ConsentNotice'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { BIRTH_DATE_RANGE, PickerField } from '@/components/PickerField'
import { SmsCodeField, TextField } from '@/components/TextField'
import { TickField } from '@/components/TickField'
import { hasWechatPhone, WechatPhoneButton } from '@/components/WechatPhoneButton'
import { joinSchema } from '@/domain/contracts/member'
import { joinFormField, type JoinFormField } from '@/domain/member/joinForm'
import type { StoreOption } from '@/domain/member/model'
import type { Notice } from '@/domain/consent/notice'
import { PROVINCES } from '@/domain/identity/regions'
import { GENDERS } from '@/domain/identity/rules'
import { useJoinForm } from './useJoinForm'

const PROVINCE_OPTIONS = PROVINCES.map((p) => ({ value: p.code, label: p.name }))

const placeholder = (key: JoinFormField, text: string) =>
  joinFormField(key).required ? text : `${text}（选填）`

export interface JoinFormProps {
  notice: Notice
  stores: readonly StoreOption[]
  today: string
  onJoined: () => void
  onNoticeOutdated: () => void
  onGoHome: () => void
  /** The scene of the channel's code that opened the page, sent with the sign-up. */
  scene?: string
  /** The channel's store, chosen to begin with when it is one of `stores`. */
  channelStoreId?: string
}

/**
 * The sign-up fields first, then the ticks beside 提交申请: the age declaration (only without a
 * birth date, L-5) and the consent box (never pre-ticked, L-2). The notice is one tap away, from
 * the line above the fields and from the consent box, and must be agreed to before a code is
 * sent (4.1.2, 4.2.1.1).
 */
export function JoinForm(props: JoinFormProps) {
  const { notice, stores, today, onJoined, onNoticeOutdated, onGoHome, scene, channelStoreId } = props
  const storeId = stores.some((s) => s.id === channelStoreId) ? channelStoreId : undefined
  const form = useJoinForm({ notice, onJoined, onNoticeOutdated, scene, storeId })
  const { values, messages } = form
  const [reading, setReading] = useState(false)
  const noticeLink = (
    <Text className="join-form__notice-link" onClick={() => setReading(true)}>
      《{notice.title}》
    </Text>
  )
  const storeOptions = stores.map((s) => ({ value: s.id, label: `${s.city} · ${s.name}` }))

  const field = (key: JoinFormField) => ({
    name: key,
    label: joinFormField(key).label,
    required: joinFormField(key).required,
    error: messages[key],
  })

  return (
    <View className="join-form">
      <Text className="join-form__lead">
        我们收集哪些信息、用于什么、保存多久，请见{noticeLink}，提交前请阅读并勾选同意。
      </Text>

      <View className="card join-form__fields">
        <TextField
          {...field('name')}
          block="join-form"
          type="text"
          value={values.name}
          maxLength={joinSchema.fields.name.maxLength}
          placeholder={placeholder('name', '与证件一致的姓名')}
          onChange={(v) => form.change('name', v)}
          onBlur={(v) => form.check('name', v)}
        />
        <FormField {...field('gender')}>
          <ChoiceChips
            name="gender"
            options={GENDERS}
            value={values.gender as '' | 'male' | 'female'}
            onChange={(v) => form.choose('gender', v)}
          />
        </FormField>
        <FormField {...field('province')}>
          <PickerField
            mode="selector"
            name="province"
            options={PROVINCE_OPTIONS}
            value={values.province}
            placeholder={placeholder('province', '请选择')}
            onChange={(v) => form.choose('province', v)}
            onClear={() => form.choose('province', '')}
          />
        </FormField>
        <FormField {...field('storeId')}>
          <PickerField
            mode="selector"
            name="storeId"
            options={storeOptions}
            value={values.storeId}
            placeholder={placeholder('storeId', '请选择常去的门店')}
            onChange={(v) => form.choose('storeId', v)}
          />
        </FormField>
        <FormField {...field('birthDate')}>
          <PickerField
            mode="date"
            name="birthDate"
            {...BIRTH_DATE_RANGE}
            end={today}
            value={values.birthDate}
            placeholder={placeholder('birthDate', '请选择')}
            onChange={(v) => form.choose('birthDate', v)}
            onClear={() => form.choose('birthDate', '')}
          />
        </FormField>
        <TextField
          {...field('phone')}
          block="join-form"
          type="number"
          value={values.phone}
          maxLength={joinSchema.fields.phone.maxLength}
          placeholder={placeholder('phone', '11位手机号')}
          onChange={(v) => form.change('phone', v)}
          onBlur={(v) => form.check('phone', v)}
        />
        <SmsCodeField
          {...field('smsCode')}
          block="join-form"
          value={values.smsCode}
          maxLength={joinSchema.fields.smsCode.maxLength}
          placeholder={placeholder('smsCode', '6位数字')}
          onChange={(v) => form.change('smsCode', v)}
          onBlur={(v) => form.check('smsCode', v)}
          resendIn={form.resendIn}
          sent={form.codeSent}
          sending={form.sending}
          onSend={form.sendCode}
        />
      </View>

      {hasWechatPhone && (
        <View className="join-form__wechat">
          <WechatPhoneButton
            className="join-form__wechat-phone"
            label="不填手机号，使用微信手机号申请"
            loading={form.submitting}
            onCode={form.submitWithPhoneCode}
          />
        </View>
      )}

      <View className="card join-form__ticks">
        {form.asksAge && (
          <TickField
            name="ageDeclared"
            className="join-form__age"
            checked={form.ticked.ageDeclared}
            onChange={(checked) => form.tick('ageDeclared', checked)}
            label="我已年满 15 周岁，或已取得监护人同意"
            error={messages.ageDeclared}
          />
        )}
        <TickField
          name="consent"
          className="join-form__agree"
          checked={form.agreed}
          onChange={form.agree}
          label="我已阅读并同意"
          extra={noticeLink}
          error={messages.consent}
        />
      </View>

      <View className="join-form__actions">
        {form.alert && (
          <FormAlert
            message={form.alert.message}
            action={
              form.alert.code === 'ALREADY_MEMBER' ? (
                <Text className="join-form__alert-action" onClick={onGoHome}>
                  查看会员卡
                </Text>
              ) : undefined
            }
          />
        )}
        <Button
          type="primary"
          size="large"
          block
          loading={form.submitting}
          className="join-form__submit"
          onClick={form.submit}
        >
          提交申请
        </Button>
      </View>

      <Text className="join-form__footnote">标注“选填”的信息可以不填，不影响成为会员。</Text>

      <Popup
        visible={reading}
        position="bottom"
        round
        className="join-notice"
        onClose={() => setReading(false)}
      >
        <View className="join-notice__body">
          <ConsentNotice notice={notice} />
        </View>
        <View className="join-notice__actions">
          <Button block type="primary" className="join-notice__close" onClick={() => setReading(false)}>
            我知道了
          </Button>
        </View>
      </Popup>
    </View>
  )
}
