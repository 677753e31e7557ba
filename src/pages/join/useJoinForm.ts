import Taro from '@tarojs/taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import { useCountdown } from '@/components/SmsCodeButton/useCountdown'
import { ERROR_MESSAGES, type ErrorCode, type Failure } from '@/domain/errors'
import { joinSchema } from '@/domain/contracts/member'
import { checkJoinField, JOIN_FORM_FIELDS, type JoinFormField } from '@/domain/member/joinForm'
import { chinaDate } from '@/domain/dates'
import type { Notice } from '@/domain/consent/notice'

export type JoinValues = Record<JoinFormField, string>

/** Where a message is shown: a form field, or the consent checkbox. */
export type MessageSlot = JoinFormField | 'consent'

const EMPTY: JoinValues = {
  name: '',
  gender: '',
  province: '',
  storeId: '',
  birthDate: '',
  phone: '',
  smsCode: '',
}

const FORM_KEYS = JOIN_FORM_FIELDS.map((f) => f.key)

const today = () => chinaDate(Date.now())

/** The field a server failure points at, if the form has it (`noticeVersion` is the consent box). */
function slotOf(field: string | undefined): MessageSlot | undefined {
  if (field === 'noticeVersion') return 'consent'
  return FORM_KEYS.find((key) => key === field)
}

function scrollTo(slot: MessageSlot) {
  Taro.pageScrollTo({ selector: `#field-${slot}`, duration: 200 }).catch(() => undefined)
}

export interface JoinFormOptions {
  notice: Notice
  onJoined: () => void
  /** The notice changed on the server: read it again and agree again. */
  onNoticeOutdated: () => void
}

/** State and actions of the join form; every rule comes from src/domain. */
export function useJoinForm({ notice, onJoined, onNoticeOutdated }: JoinFormOptions) {
  const [values, setValues] = useState<JoinValues>(EMPTY)
  const [agreed, setAgreed] = useState(false)
  const [messages, setMessages] = useState<Partial<Record<MessageSlot, string>>>({})
  const [alert, setAlert] = useState<Failure>()
  const [sending, setSending] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const countdown = useCountdown()

  const show = (slot: MessageSlot, code: ErrorCode | undefined) =>
    setMessages((current) => ({ ...current, [slot]: code ? ERROR_MESSAGES[code] : undefined }))

  const showFailure = (failure: Failure, fallback?: MessageSlot) => {
    if (failure.code === 'NOTICE_OUTDATED') {
      setAgreed(false)
      onNoticeOutdated()
    }
    const slot = slotOf(failure.field) ?? fallback
    if (slot) {
      show(slot, failure.code)
      scrollTo(slot)
    } else {
      setAlert(failure)
    }
  }

  const change = (key: JoinFormField, value: string) => {
    setValues((current) => ({ ...current, [key]: value }))
    setAlert(undefined)
    // A shown message follows the value, so it disappears as soon as the input is right.
    if (messages[key]) show(key, checkJoinField(key, value, today()))
  }

  /** Checks a field when the shopper leaves it (pickers and chips: on change). */
  const check = (key: JoinFormField, value = values[key]) => show(key, checkJoinField(key, value, today()))

  const choose = (key: JoinFormField, value: string) => {
    change(key, value)
    check(key, value)
  }

  const agree = (checked: boolean) => {
    setAgreed(checked)
    if (checked) show('consent', undefined)
  }

  const sendCode = async () => {
    const phoneError = checkJoinField('phone', values.phone, today())
    if (phoneError) {
      show('phone', phoneError)
      return
    }
    // The phone number is personal information: it leaves the device only after consent.
    if (!agreed) {
      show('consent', 'CONSENT_REQUIRED')
      scrollTo('consent')
      return
    }
    setSending(true)
    const result = await memberApi.sendJoinCode({ phone: values.phone.trim() })
    setSending(false)
    if (!result.ok) {
      showFailure(result, 'smsCode')
      return
    }
    show('smsCode', undefined)
    countdown.start(result.data.resendAfter)
    Taro.showToast({ title: '验证码已发送', icon: 'none' }).catch(() => undefined)
  }

  /**
   * Joins with phone + SMS code, or with `phoneCode` from WeChat's getPhoneNumber button (L-11),
   * which replaces both.
   */
  const submitWith = async (phoneCode?: string) => {
    if (submitting) return
    const day = today()
    const found: Partial<Record<MessageSlot, string>> = {}
    const keys = phoneCode ? FORM_KEYS.filter((key) => key !== 'phone' && key !== 'smsCode') : FORM_KEYS
    for (const key of keys) {
      const code = checkJoinField(key, values[key], day)
      if (code) found[key] = ERROR_MESSAGES[code]
    }
    if (!agreed) found.consent = ERROR_MESSAGES.CONSENT_REQUIRED
    const first = (['consent', ...FORM_KEYS] as MessageSlot[]).find((slot) => found[slot])
    setMessages(found)
    setAlert(undefined)
    if (first) {
      scrollTo(first)
      return
    }

    const { phone: _phone, smsCode: _smsCode, ...rest } = values
    const request = phoneCode ? { ...rest, phoneCode } : values
    const checked = joinSchema.parse({ ...request, noticeVersion: notice.version }, { today: day })
    if (!checked.ok) {
      showFailure(checked)
      return
    }
    setSubmitting(true)
    const result = await memberApi.join(checked.data)
    setSubmitting(false)
    if (result.ok) onJoined()
    else showFailure(result)
  }

  return {
    values,
    agreed,
    messages,
    alert,
    sending,
    submitting,
    resendIn: countdown.remaining,
    change,
    check,
    choose,
    agree,
    sendCode,
    submit: () => submitWith(),
    submitWithPhoneCode: (phoneCode: string) => submitWith(phoneCode),
  }
}
