import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useState } from 'react'
import { campaignApi } from '@/api/campaign'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { PageShell } from '@/components/PageShell'
import { BIRTH_DATE_RANGE, PickerField } from '@/components/PickerField'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { TextField } from '@/components/TextField'
import { TickField } from '@/components/TickField'
import {
  CAMPAIGN_KIND_LABELS,
  type CampaignFieldKey,
  type ClaimView,
  type Question,
} from '@/domain/campaign/model'
import { campaignIdOfQuery, isOptionalField } from '@/domain/campaign/rules'
import { FIELD_VALUE_MAX, type CampaignForm } from '@/domain/contracts/campaign'
import { chinaDate } from '@/domain/dates'
import type { Failure } from '@/domain/errors'
import { inventoryField } from '@/domain/identity/inventory'
import { PROVINCES } from '@/domain/identity/regions'
import { GENDERS } from '@/domain/identity/rules'
import './index.css'

const PROVINCE_OPTIONS = PROVINCES.map((p) => ({ value: p.code, label: p.name }))

/** The code in groups of four, as it is read out at the counter. */
const grouped = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ')

function FieldInput({
  fieldKey,
  value,
  onChange,
}: {
  fieldKey: CampaignFieldKey
  value: string
  onChange: (v: string) => void
}) {
  const { label } = inventoryField(fieldKey)
  const required = !isOptionalField(fieldKey)
  if (fieldKey === 'gender')
    return (
      <FormField name="gender" label={label} required>
        <ChoiceChips
          name="gender"
          options={GENDERS}
          value={value as '' | 'male' | 'female'}
          onChange={onChange}
        />
      </FormField>
    )
  if (fieldKey === 'province')
    return (
      <FormField name="province" label={label} required>
        <PickerField
          mode="selector"
          name="province"
          options={PROVINCE_OPTIONS}
          value={value}
          placeholder="请选择"
          onChange={onChange}
        />
      </FormField>
    )
  if (fieldKey === 'birthDate')
    return (
      <FormField name="birthDate" label={label} required>
        <PickerField
          mode="date"
          name="birthDate"
          {...BIRTH_DATE_RANGE}
          end={chinaDate(Date.now())}
          value={value}
          placeholder="请选择"
          onChange={onChange}
        />
      </FormField>
    )
  return (
    <TextField
      block="claim"
      name={fieldKey}
      label={required ? label : `${label}（选填）`}
      required={required}
      type={fieldKey === 'phone' ? 'number' : 'text'}
      value={value}
      maxLength={Math.min(inventoryField(fieldKey).maxLength, FIELD_VALUE_MAX)}
      placeholder={required ? '请填写' : '不填也可以领取'}
      onChange={onChange}
    />
  )
}

function QuestionInput({
  question,
  index,
  value,
  onChange,
}: {
  question: Question
  index: number
  value: number[] | string
  onChange: (v: number[] | string) => void
}) {
  const title = `${index + 1}. ${question.title}`
  if (question.kind === 'text')
    return (
      <TextField
        block="claim"
        name={question.id}
        label={title}
        required
        value={typeof value === 'string' ? value : ''}
        maxLength={question.maxLength ?? 50}
        placeholder="请填写"
        onChange={onChange}
      />
    )
  const chosen = Array.isArray(value) ? value : []
  if (question.kind === 'single')
    return (
      <FormField name={question.id} label={title} required>
        <ChoiceChips
          name={question.id}
          options={question.options.map((label, i) => ({ value: String(i), label }))}
          value={chosen.length ? String(chosen[0]) : ''}
          onChange={(v) => onChange(v === '' ? [] : [Number(v)])}
        />
      </FormField>
    )
  return (
    <FormField name={question.id} label={`${title}（可多选）`} required>
      {question.options.map((label, i) => (
        <TickField
          key={label}
          name={`${question.id}-${i}`}
          className={`claim__option claim__option--${question.id}-${i}`}
          checked={chosen.includes(i)}
          onChange={(on) => onChange(on ? [...chosen, i] : chosen.filter((x) => x !== i))}
          label={label}
        />
      ))}
    </FormField>
  )
}

function ClaimCode({ claim }: { claim: ClaimView }) {
  return (
    <View className="card claim__done">
      <Text className="card__title">{claim.status === 'verified' ? '已核销，感谢参与' : '领取成功'}</Text>
      <Text className="claim__code">{grouped(claim.code)}</Text>
      <Text className="claim__hint">
        {claim.status === 'verified'
          ? '该领取码已使用。'
          : '请到活动门店柜台出示此领取码，由工作人员核销后领取。'}
      </Text>
    </View>
  )
}

function ClaimForm({ form, onClaimed }: { form: CampaignForm; onClaimed: (claim: ClaimView) => void }) {
  const { campaign, notice } = form
  const [values, setValues] = useState<Partial<Record<CampaignFieldKey, string>>>({})
  const [answers, setAnswers] = useState<Record<string, number[] | string>>({})
  const [agreed, setAgreed] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const submit = async () => {
    if (!agreed) return
    setBusy(true)
    setFailure(undefined)
    const result = await campaignApi.claim({
      campaignId: campaign.id,
      agreed: true,
      values: campaign.fields.map(({ key }) => ({ key, value: values[key] ?? '' })),
      answers: campaign.questions.map((q) => {
        const a = answers[q.id]
        return typeof a === 'string' ? { id: q.id, choices: [], text: a } : { id: q.id, choices: a ?? [] }
      }),
    })
    setBusy(false)
    if (result.ok) onClaimed(result.data.claim)
    else setFailure(result)
  }

  return (
    <>
      <View className="card claim__notice">
        <Text className="card__title">领取前请阅读</Text>
        {notice.map((line) => (
          <Text key={line} className="claim__line">
            {line}
          </Text>
        ))}
      </View>
      {(campaign.fields.length > 0 || campaign.questions.length > 0) && (
        <View className="card claim__form">
          {campaign.fields.map(({ key }) => (
            <FieldInput
              key={key}
              fieldKey={key}
              value={values[key] ?? ''}
              onChange={(v) => setValues({ ...values, [key]: v })}
            />
          ))}
          {campaign.questions.map((q, i) => (
            <QuestionInput
              key={q.id}
              question={q}
              index={i}
              value={answers[q.id] ?? []}
              onChange={(v) => setAnswers({ ...answers, [q.id]: v })}
            />
          ))}
        </View>
      )}
      <View className="claim__agree">
        <TickField
          name="agreed"
          className="claim__agreed"
          checked={agreed}
          onChange={setAgreed}
          label="我已阅读上述说明，同意按说明处理我填写的信息"
        />
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="claim__actions">
        <Button
          type="primary"
          size="xlarge"
          block
          className="claim__submit"
          loading={busy}
          disabled={!agreed || campaign.soldOut}
          onClick={submit}
        >
          {campaign.soldOut ? '已领完' : '同意并领取'}
        </Button>
      </View>
    </>
  )
}

/** 活动领取 (4.2.2.3–4.2.2.5): what the campaign asks and why, then one claim and its code. */
export default function ClaimPage() {
  const { params } = useRouter()
  const campaignId = params.id ?? campaignIdOfQuery(params.scene) ?? ''
  const privacy = usePrivacy()
  const load = useCallback(() => campaignApi.campaignForm({ campaignId }), [campaignId])
  const [remote, reload] = useRemote(load, privacy.status === 'agreed')
  const [claimed, setClaimed] = useState<ClaimView>()

  const content = () => {
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.state === 'failed') {
      if (remote.failure.code === 'NOT_A_MEMBER')
        return (
          <View className="card claim__join">
            <Text className="card__title">成为会员后即可领取</Text>
            <Button
              type="primary"
              block
              className="claim__go-join"
              onClick={() => Taro.navigateTo({ url: '/pages/join/index' })}
            >
              申请成为会员
            </Button>
          </View>
        )
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    }
    const { campaign } = remote.data
    const claim = claimed ?? remote.data.claim
    return (
      <>
        <View className="card claim__head">
          <Text className="claim__title">{campaign.title}</Text>
          <Text className="claim__meta">
            {CAMPAIGN_KIND_LABELS[campaign.kind]} · {campaign.startsOn} 至 {campaign.endsOn}
          </Text>
        </View>
        {claim ? <ClaimCode claim={claim} /> : <ClaimForm form={remote.data} onClaimed={setClaimed} />}
      </>
    )
  }

  return (
    <PageShell name="claim" title="活动领取">
      {content()}
    </PageShell>
  )
}
