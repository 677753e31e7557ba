import { useState } from 'react'
import { memberApi } from '@/api'
import { callChecked, useCodeForm } from '@/components/forms/useCodeForm'
import { fail } from '@/domain/errors'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { bindCardSchema, cardCodeSchema } from '@/domain/contracts/member'
import type { BindCardData } from '@/domain/card/model'

/**
 * The bind-card form: card number, the phone on the card, its SMS code; a shopper who is not a
 * member yet agrees to the notice before a code is sent (`needsConsent`) and, as a card carries
 * no birth date, declares being 15 or older or having a guardian's consent (L-5).
 */
export function useBindCard(needsConsent: boolean) {
  const [bound, setBound] = useState<BindCardData>()
  const [ageDeclared, setAgeDeclared] = useState(false)
  const form = useCodeForm({
    schema: bindCardSchema,
    fields: ['cardNo', 'phone', 'smsCode'],
    codeFields: ['cardNo', 'phone'],
    consent: needsConsent ? { beforeCode: true } : undefined,
    sendCode: ({ cardNo, phone }, { today }) =>
      callChecked(cardCodeSchema, { cardNo, phone }, today, memberApi.sendCardCode),
    submit: async ({ cardNo, phone, smsCode }, { today }) => {
      if (needsConsent && !ageDeclared) return fail('AGE_DECLARATION_REQUIRED', 'ageDeclared')
      return callChecked(
        bindCardSchema,
        {
          cardNo,
          phone,
          smsCode,
          ...(needsConsent ? { noticeVersion: NOTICE_VERSION, ageDeclared: true } : {}),
        },
        today,
        memberApi.bindCard,
      )
    },
    onDone: setBound,
  })
  return { ...form, bound, ageDeclared, declareAge: setAgeDeclared }
}
