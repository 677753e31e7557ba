import Taro from '@tarojs/taro'
import { useState } from 'react'
import { useCountdown } from '@/components/SmsCodeButton/useCountdown'
import { chinaDate } from '@/domain/dates'
import { ERROR_MESSAGES, type Failure, type Result } from '@/domain/errors'
import { fieldProblem, type Schema, type Shape } from '@/domain/input'
import type { CodeSent } from '@/domain/member/model'

/** Where a message is shown: one of the form's fields or ticks, or its consent box. */
export type Slot<K extends string> = K | 'consent'

export type FormValues<K extends string> = Record<K, string>

export type FormMessages<K extends string> = Partial<Record<Slot<K>, string>>

/** A consent box after the fields: unticked at first (L-2), and ticked before the form is sent. */
export interface ConsentBox {
  /** It must be ticked before a code is sent too: the phone number leaves the device only after consent. */
  beforeCode: boolean
}

export interface CodeFormContext<B extends string = never> {
  /** The date in China, `YYYY-MM-DD`, for rules such as "not in the future". */
  today: string
  /** WeChat's one-time code from getPhoneNumber, sent instead of phone and SMS code (L-11). */
  phoneCode?: string
  /** Which of the form's ticks are ticked. */
  ticked: Record<B, boolean>
}

export interface CodeFormOptions<
  S extends Shape,
  K extends keyof S & string,
  T,
  B extends keyof S & string = never,
> {
  /** The schema of the request the form sends: each field is checked by its parser. */
  schema: Schema<unknown, S>
  /** The form's fields, in screen order; each starts empty unless `initial` gives it a value. */
  fields: readonly K[]
  /** Values the form starts with (e.g. the store of the channel's code that opened the page). */
  initial?: Partial<FormValues<K>>
  /** The fields checked on the device before a code is sent. */
  codeFields: readonly K[]
  /** The form's consent box; leave it out where the form has none. */
  consent?: ConsentBox
  /**
   * Declarations the shopper ticks (boolean fields of the request, e.g. `ageDeclared`), shown
   * after the fields, never pre-ticked: a failure on one lands beside its tick.
   */
  ticks?: readonly B[]
  /** Scroll to the first faulty field (`#field-<key>`, `#field-consent`), for forms longer than a screen. */
  scroll?: boolean
  /** Asks the function for an SMS code to the typed phone. */
  sendCode: (values: FormValues<K>, context: CodeFormContext<B>) => Promise<Result<CodeSent>>
  /** Sends the form, once every field passed its check. */
  submit: (values: FormValues<K>, context: CodeFormContext<B>) => Promise<Result<T>>
  onDone: (data: T) => void
  /** The notice changed on the server: read it again. The box is unticked so it is agreed again. */
  onNoticeOutdated?: () => void
}

export interface CodeForm<K extends string, B extends string = never> {
  values: FormValues<K>
  agreed: boolean
  ticked: Record<B, boolean>
  /** The message of each faulty field and tick, and of the consent box. */
  messages: FormMessages<K | B>
  /** A failure that belongs to no field the form shows. */
  alert?: Failure
  sending: boolean
  submitting: boolean
  /** Seconds until another code may be sent, 0 when one may. */
  resendIn: number
  /** A code was sent in this form (the button offers 重新获取 once it may send again). */
  codeSent: boolean
  /** A typed value; a message already shown follows it, so it goes as soon as the value is right. */
  change: (key: K, value: string) => void
  /** Checks a field when the user leaves it. */
  check: (key: K, value?: string) => void
  /** A choice (chips, pickers): changed and checked at once. */
  choose: (key: K, value: string) => void
  agree: (checked: boolean) => void
  tick: (key: B, checked: boolean) => void
  sendCode: () => Promise<void>
  submit: () => Promise<void>
  /** Sends the form with WeChat's phone code: phone and SMS code are neither checked nor sent. */
  submitWithPhoneCode: (phoneCode: string) => Promise<void>
  /** Shows a failure where it belongs: its field, the consent box, or the alert. */
  report: (failure: Failure) => void
}

/** The fields of a phone proof as the contracts name them (a phone with its SMS code). */
const PHONE_PROOF: readonly string[] = ['phone', 'smsCode']
const SMS_CODE = 'smsCode'

const today = () => chinaDate(Date.now())

const emptyValues = <K extends string>(fields: readonly K[]) =>
  Object.fromEntries(fields.map((key) => [key, ''])) as FormValues<K>

function scrollTo(slot: string) {
  Taro.pageScrollTo({ selector: `#field-${slot}`, duration: 200 }).catch(() => undefined)
}

/** Checks a whole request with its schema on the device, then sends it; a local failure is answered like the function's. */
export async function callChecked<I, O>(
  schema: Schema<I>,
  request: unknown,
  day: string,
  call: (input: I) => Promise<Result<O>>,
): Promise<Result<O>> {
  const checked = schema.parse(request, { today: day })
  return checked.ok ? call(checked.data) : checked
}

/**
 * A form of fields, an SMS code and (maybe) a consent box: its values and messages, the resend
 * countdown, sending and submitting, and one routing of failures. Every field is checked by the
 * schema's own parser; a failure with a `field` the form shows lands on that field,
 * `noticeVersion` on the consent box, anything else on the form's alert.
 */
export function useCodeForm<
  S extends Shape,
  K extends keyof S & string,
  T,
  B extends keyof S & string = never,
>(options: CodeFormOptions<S, K, T, B>): CodeForm<K, B> {
  const {
    schema,
    fields,
    codeFields,
    consent,
    ticks = [],
    scroll = false,
    onDone,
    onNoticeOutdated,
  } = options
  const [values, setValues] = useState(() => ({ ...emptyValues(fields), ...options.initial }))
  const [agreed, setAgreed] = useState(false)
  const [ticked, setTicked] = useState(
    () => Object.fromEntries(ticks.map((key) => [key, false])) as Record<B, boolean>,
  )
  const [messages, setMessages] = useState<FormMessages<K | B>>({})
  const [alert, setAlert] = useState<Failure>()
  const [sending, setSending] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [codeSent, setCodeSent] = useState(false)
  const countdown = useCountdown()

  const screenOrder: Slot<K | B>[] = consent ? [...fields, ...ticks, 'consent'] : [...fields, ...ticks]

  const codeSlot = fields.filter((key) => key === SMS_CODE)

  const problem = (key: K, value: string, day: string) => {
    const code = fieldProblem(schema, key, value, day)
    return code ? ERROR_MESSAGES[code] : undefined
  }

  /** Sets the messages of `slots`; a slot absent from `found` is cleared. */
  const put = (slots: readonly Slot<K | B>[], found: FormMessages<K | B>) =>
    setMessages((current) => {
      const next = { ...current }
      for (const slot of slots) next[slot] = found[slot]
      return next
    })

  /** Whether `found` holds a message; scrolls to the first one on screen (an action's answer, never typing). */
  const reveal = (found: FormMessages<K | B>) => {
    const first = screenOrder.find((slot) => found[slot])
    if (first && scroll) scrollTo(first)
    return first !== undefined
  }

  /** Checks `keys` (and the consent box, when `withConsent`): the messages found. */
  const problems = (keys: readonly K[], withConsent: boolean, day: string) => {
    const found: FormMessages<K | B> = {}
    for (const key of keys) found[key] = problem(key, values[key], day)
    if (withConsent && consent && !agreed) found.consent = ERROR_MESSAGES.CONSENT_REQUIRED
    return found
  }

  const slotOf = (field: string | undefined): Slot<K | B> | undefined => {
    if (field === 'noticeVersion') return consent ? 'consent' : undefined
    return fields.find((key) => key === field) ?? ticks.find((key) => key === field)
  }

  const report = (failure: Failure) => {
    // A locked or spent code can be replaced at once: the button stops counting and offers
    // 重新获取. A refusal that ends later counts down to when it ends.
    if (failure.code === 'SMS_CODE_LOCKED' || failure.code === 'SMS_CODE_EXPIRED') countdown.stop()
    if (failure.code === 'SMS_RESEND_TOO_SOON' && failure.retryAfter !== undefined)
      countdown.start(failure.retryAfter)
    if (failure.code === 'NOTICE_OUTDATED') {
      setAgreed(false)
      onNoticeOutdated?.()
    }
    const slot = slotOf(failure.field)
    if (!slot) {
      setAlert(failure)
      return
    }
    const found = { [slot]: failure.message } as FormMessages<K | B>
    put([slot], found)
    reveal(found)
  }

  const check = (key: K, value = values[key]) => {
    put([key], { [key]: problem(key, value, today()) } as FormMessages<K | B>)
  }

  const change = (key: K, value: string) => {
    setValues((current) => ({ ...current, [key]: value }))
    setAlert(undefined)
    if (messages[key]) check(key, value)
  }

  const choose = (key: K, value: string) => {
    change(key, value)
    check(key, value)
  }

  const agree = (checked: boolean) => {
    setAgreed(checked)
    if (checked) put(['consent'], {})
  }

  const tick = (key: B, checked: boolean) => {
    setTicked((current) => ({ ...current, [key]: checked }))
    if (checked) put([key], {})
  }

  const sendCode = async () => {
    if (sending) return
    const day = today()
    const withConsent = consent?.beforeCode ?? false
    const checked: Slot<K | B>[] = withConsent ? [...codeFields, 'consent'] : [...codeFields]
    const found = problems(codeFields, withConsent, day)
    put(checked, found)
    setAlert(undefined)
    if (reveal(found)) return
    setSending(true)
    const result = await options.sendCode(values, { today: day, ticked })
    setSending(false)
    if (!result.ok) {
      report(result)
      return
    }
    // A new code is on its way: a message about the last one no longer applies.
    put(codeSlot, {})
    setCodeSent(true)
    countdown.start(result.data.resendAfter)
    Taro.showToast({ title: '验证码已发送', icon: 'none' }).catch(() => undefined)
  }

  const submitWith = async (phoneCode?: string) => {
    if (submitting) return
    const day = today()
    const keys = phoneCode ? fields.filter((key) => !PHONE_PROOF.includes(key)) : fields
    const found = problems(keys, true, day)
    put(screenOrder, found)
    setAlert(undefined)
    if (reveal(found)) return
    setSubmitting(true)
    const result = await options.submit(values, { today: day, phoneCode, ticked })
    setSubmitting(false)
    if (result.ok) onDone(result.data)
    else report(result)
  }

  return {
    values,
    agreed,
    ticked,
    messages,
    alert,
    sending,
    submitting,
    resendIn: countdown.remaining,
    codeSent,
    change,
    check,
    choose,
    agree,
    tick,
    sendCode,
    submit: () => submitWith(),
    submitWithPhoneCode: (phoneCode: string) => submitWith(phoneCode),
    report,
  }
}
