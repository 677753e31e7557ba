import { memberApi } from '@/api'
import { callChecked, useCodeForm } from '@/components/forms/useCodeForm'
import { joinSchema, phoneSchema } from '@/domain/contracts/member'
import { JOIN_FORM_FIELDS } from '@/domain/member/joinForm'
import type { Notice } from '@/domain/consent/notice'

const FORM_KEYS = JOIN_FORM_FIELDS.map((f) => f.key)

export interface JoinFormOptions {
  notice: Notice
  onJoined: () => void
  /** The notice changed on the server: read it again and agree again. */
  onNoticeOutdated: () => void
  /** The scene of the channel's code the shopper scanned to open the page (4.2.2.2), if any. */
  scene?: string
  /** The store the form starts with: the channel's, when the shopper scanned one. */
  storeId?: string
}

/** Without a birth date the shopper declares their age instead (L-5); with one, the date says it. */
const asksAge = (values: { birthDate: string }) => values.birthDate === ''

/**
 * The join form: the fields, then the age declaration (without a birth date) and the consent
 * box, which is ticked before a code is sent (the phone leaves the device only after consent);
 * joins with phone + SMS code, or with WeChat's phone code (L-11), which replaces both.
 */
export function useJoinForm({ notice, onJoined, onNoticeOutdated, scene, storeId }: JoinFormOptions) {
  const form = useCodeForm({
    schema: joinSchema,
    fields: FORM_KEYS,
    initial: storeId ? { storeId } : undefined,
    codeFields: ['phone'],
    consent: { beforeCode: true },
    ticks: ['ageDeclared'],
    scroll: true,
    sendCode: (values, { today }) =>
      callChecked(phoneSchema, { phone: values.phone }, today, memberApi.sendJoinCode),
    submit: (values, { today, phoneCode, ticked }) => {
      const { phone: _phone, smsCode: _smsCode, ...rest } = values
      const request = phoneCode ? { ...rest, phoneCode } : values
      const declared = asksAge(values) && ticked.ageDeclared ? { ageDeclared: true } : {}
      return callChecked(
        joinSchema,
        { ...request, ...declared, ...(scene ? { scene } : {}), noticeVersion: notice.version },
        today,
        memberApi.join,
      )
    },
    onDone: onJoined,
    onNoticeOutdated,
  })
  return { ...form, asksAge: asksAge(form.values) }
}
