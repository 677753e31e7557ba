import { useState } from 'react'
import { memberApi } from '@/api'
import { ERROR_MESSAGES, type Failure } from '@/domain/errors'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import type { Profile } from '@/domain/member/model'
import { updateProfileSchema, type ProfileChanges } from '@/domain/contracts/member'
import { chinaDate } from '@/domain/dates'
import { fieldProblem } from '@/domain/input'
import type { ProfilePageData } from './load'

export type OptionalField = 'address' | 'email' | 'idNumber'

const text = (value: string | null) => value ?? ''

/** Editing the optional address, email and ID number; the ID number only with its own consent (L-4). */
export function useOptionalInfo(initial: ProfilePageData, onSaved: (profile: Profile) => void) {
  const [values, setValues] = useState({
    address: text(initial.profile.address),
    email: text(initial.profile.email),
    idNumber: text(initial.profile.idNumber),
  })
  // What is stored now: the changes are computed against it.
  const [base, setBase] = useState<Profile>(initial.profile)
  const [idConsent, setIdConsent] = useState(initial.idConsent)
  const [idAgreed, setIdAgreed] = useState(false)
  const [messages, setMessages] = useState<Partial<Record<OptionalField | 'idConsent', string>>>({})
  const [alert, setAlert] = useState<Failure>()
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)
  /** An item whose deletion waits for the member's confirmation (7.2). */
  const [removing, setRemoving] = useState<OptionalField>()

  const change = (field: OptionalField, value: string) => {
    setValues((v) => ({ ...v, [field]: field === 'idNumber' ? value.toUpperCase() : value }))
    setMessages((m) => ({ ...m, [field]: undefined }))
    setSaved(false)
  }

  const changes = (): ProfileChanges => {
    const result: ProfileChanges = {}
    for (const field of ['address', 'email', 'idNumber'] as const) {
      const value = values[field].trim()
      if (value !== text(base[field])) result[field] = value === '' ? null : value
    }
    return result
  }

  const save = async () => {
    const pending = changes()
    const errors: typeof messages = {}
    const today = chinaDate(Date.now())
    for (const field of ['address', 'email', 'idNumber'] as const) {
      const value = pending[field]
      const problem = value ? fieldProblem(updateProfileSchema, field, value, today) : undefined
      if (problem) errors[field] = ERROR_MESSAGES[problem]
    }
    if (pending.idNumber && !idConsent && !idAgreed) errors.idConsent = '填写身份证号需要您单独同意'
    setMessages(errors)
    setAlert(undefined)
    if (Object.keys(errors).length > 0 || Object.keys(pending).length === 0) return

    setSaving(true)
    if (pending.idNumber && !idConsent) {
      const granted = await memberApi.setConsent({
        purpose: 'idNumber',
        granted: true,
        noticeVersion: NOTICE_VERSION,
      })
      if (!granted.ok) {
        setSaving(false)
        setAlert(granted)
        return
      }
      setIdConsent(true)
    }
    const result = await memberApi.updateProfile(pending)
    setSaving(false)
    if (!result.ok) {
      const field = result.field as OptionalField | undefined
      if (field === 'address' || field === 'email' || field === 'idNumber') {
        setMessages({ [field]: result.message })
      } else setAlert(result)
      return
    }
    setSaved(true)
    setBase(result.data.profile)
    onSaved(result.data.profile)
  }

  /** Deletes one stored item at once, once confirmed. */
  const remove = async () => {
    if (!removing || saving) return
    setSaving(true)
    setAlert(undefined)
    const result = await memberApi.updateProfile({ [removing]: null })
    setSaving(false)
    if (!result.ok) {
      setAlert(result)
      return
    }
    setValues((v) => ({ ...v, [removing]: '' }))
    setRemoving(undefined)
    setBase(result.data.profile)
    onSaved(result.data.profile)
  }

  return {
    values,
    base,
    idConsent,
    idAgreed,
    messages,
    alert,
    saving,
    saved,
    removing,
    change,
    setIdAgreed,
    setRemoving,
    remove,
    save,
  }
}
