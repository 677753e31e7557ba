import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips, ManyChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { TextField } from '@/components/TextField'
import { PARTNER_NAME_MAX, PARTNER_REF_MAX } from '@/domain/contracts/partners'
import type { Failure } from '@/domain/errors'
import {
  CERT_LEVELS,
  CERT_LEVEL_TITLES,
  PARTNER_KINDS,
  PARTNER_KIND_TITLES,
  PARTNER_REACH,
  PARTNER_REACH_TITLES,
  type CertLevel,
  type Partner,
  type PartnerKind,
  type PartnerReach,
} from '@/domain/partner/model'
import '../components/chips-field.css'
import './index.css'

interface Draft {
  name: string
  kind: PartnerKind
  reach: PartnerReach[]
  agreementRef: string
  agreementSignedOn: string
  agreementExpiresOn: string
  certLevel: CertLevel
  certRef: string
  certExpiresOn: string
}

const draftOf = (partner?: Partner): Draft => ({
  name: partner?.name ?? '',
  kind: partner?.kind ?? 'supplier',
  reach: partner ? [...partner.reach] : [],
  agreementRef: partner?.agreement.ref ?? '',
  agreementSignedOn: partner?.agreement.signedOn ?? '',
  agreementExpiresOn: partner?.agreement.expiresOn ?? '',
  certLevel: partner?.cert.level ?? '2',
  certRef: partner?.cert.ref ?? '',
  certExpiresOn: partner?.cert.expiresOn ?? '',
})

function PartnerForm({ partner }: { partner?: Partner }) {
  const [draft, setDraft] = useState(() => draftOf(partner))
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const readOnly = partner?.status === 'ended'
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((current) => ({ ...current, [key]: value }))
  const errorOf = (field: string) => (failure?.field === field ? failure.message : undefined)

  const done = (result: { ok: true } | Failure) => {
    setBusy(false)
    if (!result.ok) setFailure(result)
    else Taro.navigateBack()
  }

  const save = async () => {
    setBusy(true)
    setFailure(undefined)
    const entry = draft.certLevel === 'none' ? { ...draft, certRef: '', certExpiresOn: '' } : draft
    done(
      partner
        ? await staffApi.updatePartner({ partnerId: partner.partnerId, ...entry })
        : await staffApi.createPartner(entry),
    )
  }

  const end = async () => {
    if (!partner) return
    const { confirm } = await Taro.showModal({
      title: '终止合作',
      content: `终止后「${partner.name}」的记录只读保留三年。`,
      confirmText: '终止',
      confirmColor: '#c42b1c',
    })
    if (!confirm) return
    setBusy(true)
    done(await staffApi.endPartner({ partnerId: partner.partnerId }))
  }

  const text = (name: keyof Draft, label: string, max: number, placeholder: string, required = true) => (
    <TextField
      block="partner"
      name={name}
      label={label}
      required={required}
      error={errorOf(name)}
      value={draft[name] as string}
      maxLength={max}
      placeholder={placeholder}
      onChange={set(name) as (value: string) => void}
    />
  )

  return (
    <>
      <View className="card partner__form">
        {readOnly && <Text className="partner__ended">合作已于 {partner?.endedOn} 终止，记录只读保留。</Text>}
        {text('name', '名称', PARTNER_NAME_MAX, '如 某某云短信服务有限公司')}
        <View className="chips-field">
          <FormField name="kind" label="类型" required>
            <ChoiceChips
              name="kind"
              options={PARTNER_KINDS.map((k) => ({ value: k, label: PARTNER_KIND_TITLES[k] }))}
              value={draft.kind}
              onChange={(value) => value && set('kind')(value)}
            />
          </FormField>
          <FormField name="reach" label="可访问的系统或数据" required error={errorOf('reach')}>
            <ManyChips
              name="reach"
              options={PARTNER_REACH.map((r) => ({ value: r, label: PARTNER_REACH_TITLES[r] }))}
              value={draft.reach}
              onChange={set('reach')}
            />
          </FormField>
        </View>
        {text('agreementRef', '保密协议编号', PARTNER_REF_MAX, '如 NDA-2026-001')}
        {text('agreementSignedOn', '签订日', 10, 'YYYY-MM-DD')}
        {text('agreementExpiresOn', '到期日', 10, 'YYYY-MM-DD')}
        <View className="chips-field">
          <FormField name="certLevel" label="等保认证" required>
            <ChoiceChips
              name="certLevel"
              options={CERT_LEVELS.map((l) => ({ value: l, label: CERT_LEVEL_TITLES[l] }))}
              value={draft.certLevel}
              onChange={(value) => value && set('certLevel')(value)}
            />
          </FormField>
        </View>
        {draft.certLevel !== 'none' && (
          <>
            {text('certRef', '等保证书编号', PARTNER_REF_MAX, '备案证明或测评报告编号')}
            {text('certExpiresOn', '等保到期日', 10, 'YYYY-MM-DD')}
          </>
        )}
      </View>
      {failure && !failure.field && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      {!readOnly && (
        <View className="partner__actions">
          <Button type="primary" block className="partner__save" loading={busy} onClick={save}>
            {partner ? '保存修改' : '登记'}
          </Button>
          {partner && (
            <Button block className="partner__end" disabled={busy} onClick={end}>
              终止合作
            </Button>
          )}
        </View>
      )}
    </>
  )
}

/** One partner's entry: a new one, or the one the list opened (`id`); ended entries are read-only. */
export default function PartnerPage() {
  const privacy = usePrivacy()
  const { params } = useRouter()
  const id = params.id
  const [remote, reload] = useRemote(staffApi.listPartners, privacy.status === 'agreed' && Boolean(id))

  const content = () => {
    if (!id) return <PartnerForm />
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    const partner = remote.data.partners.find((p) => p.partnerId === id)
    if (!partner) return <Text className="partner__missing">未找到该合作方</Text>
    return <PartnerForm partner={partner} />
  }

  return (
    <PageShell name="partner" title={id ? '合作方' : '登记合作方'}>
      {content()}
    </PageShell>
  )
}
