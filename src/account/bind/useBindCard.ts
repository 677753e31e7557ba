import { useState } from 'react'
import { memberApi } from '@/api'
import { useCountdown } from '@/components/SmsCodeButton/useCountdown'
import { ERROR_MESSAGES, type ErrorCode, type Failure } from '@/domain/errors'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { isValidCardNo, normaliseCardNo, type BindCardData } from '@/domain/card/model'
import { checkPhone, checkSmsCode } from '@/domain/identity/rules'

export type BindField = 'cardNo' | 'phone' | 'smsCode' | 'consent'

/** Which input a failure of `sendCardCode` / `bindCard` belongs to. */
const FIELD_OF: Partial<Record<ErrorCode, BindField>> = {
  CARD_NO_INVALID: 'cardNo',
  CARD_UNKNOWN: 'cardNo',
  CARD_ALREADY_BOUND: 'cardNo',
  CARD_CANCELLED: 'cardNo',
  CARD_PHONE_MISMATCH: 'phone',
  PHONE_REQUIRED: 'phone',
  PHONE_INVALID: 'phone',
  SMS_CODE_REQUIRED: 'smsCode',
  SMS_CODE_INVALID: 'smsCode',
  SMS_CODE_WRONG: 'smsCode',
  SMS_CODE_EXPIRED: 'smsCode',
  SMS_CODE_LOCKED: 'smsCode',
  CONSENT_REQUIRED: 'consent',
}

/** The bind-card form: card number, the phone on the card, its SMS code, consent for a non-member. */
export function useBindCard(needsConsent: boolean) {
  const [values, setValues] = useState({ cardNo: '', phone: '', smsCode: '' })
  const [agreed, setAgreed] = useState(false)
  const [messages, setMessages] = useState<Partial<Record<BindField, string>>>({})
  const [alert, setAlert] = useState<Failure>()
  const [sending, setSending] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [bound, setBound] = useState<BindCardData>()
  const countdown = useCountdown()

  const change = (field: Exclude<BindField, 'consent'>, value: string) => {
    setValues((v) => ({ ...v, [field]: value }))
    setMessages((m) => ({ ...m, [field]: undefined }))
  }

  const showFailure = (failure: Failure) => {
    const field = FIELD_OF[failure.code]
    if (field) setMessages((m) => ({ ...m, [field]: failure.message }))
    else setAlert(failure)
  }

  /** Checks on the device first: the same rules as the function. */
  const localErrors = (withCode: boolean) => {
    const cardNo = normaliseCardNo(values.cardNo)
    const errors: Partial<Record<BindField, string>> = {}
    if (!isValidCardNo(cardNo)) errors.cardNo = ERROR_MESSAGES.CARD_NO_INVALID
    const phoneError = checkPhone(values.phone.trim())
    if (phoneError) errors.phone = ERROR_MESSAGES[phoneError]
    const codeError = withCode ? checkSmsCode(values.smsCode.trim()) : undefined
    if (codeError) errors.smsCode = ERROR_MESSAGES[codeError]
    if (needsConsent && !agreed) errors.consent = ERROR_MESSAGES.CONSENT_REQUIRED
    return errors
  }

  const run = async <T>(call: () => Promise<{ ok: true; data: T } | Failure>) => {
    setAlert(undefined)
    const result = await call()
    if (!result.ok) showFailure(result)
    return result.ok ? result.data : undefined
  }

  const sendCode = async () => {
    const errors = localErrors(false)
    setMessages(errors)
    if (Object.keys(errors).length > 0) return
    setSending(true)
    const sent = await run(() =>
      memberApi.sendCardCode({ cardNo: normaliseCardNo(values.cardNo), phone: values.phone.trim() }),
    )
    setSending(false)
    if (sent) countdown.start(sent.resendAfter)
  }

  const submit = async () => {
    const errors = localErrors(true)
    setMessages(errors)
    if (Object.keys(errors).length > 0) return
    setSubmitting(true)
    const data = await run(() =>
      memberApi.bindCard({
        cardNo: normaliseCardNo(values.cardNo),
        phone: values.phone.trim(),
        smsCode: values.smsCode.trim(),
        ...(needsConsent ? { noticeVersion: NOTICE_VERSION } : {}),
      }),
    )
    setSubmitting(false)
    if (data) setBound(data)
  }

  return {
    values,
    agreed,
    messages,
    alert,
    sending,
    submitting,
    bound,
    resendIn: countdown.remaining,
    change,
    agree: (next: boolean) => {
      setAgreed(next)
      setMessages((m) => ({ ...m, consent: undefined }))
    },
    sendCode,
    submit,
  }
}
