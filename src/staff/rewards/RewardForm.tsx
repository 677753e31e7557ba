import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { staffApi } from '@/api/staff'
import { newRequestKey } from '@/api/requestKey'
import { ChoiceChips, ManyChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { TextField } from '@/components/TextField'
import type { CatalogueAnswer, CatalogueEntry } from '@/domain/contracts/rewards'
import type { Failure } from '@/domain/errors'
import { TIER_LABELS, type Tier } from '@/domain/member/model'
import {
  REWARD_KINDS,
  REWARD_NAME_MAX,
  REWARD_STATUSES,
  REWARD_STATUS_LABELS,
  REWARD_TIERS,
  type RewardStatus,
} from '@/domain/points/rewardForm'
import { REWARD_KIND_LABELS, type RewardKind } from '@/domain/points/rewards'
import '../components/chips-field.css'

interface Draft {
  name: string
  kind: RewardKind
  points: string
  stock: string
  perMemberLimit: string
  perDayLimit: string
  validDays: string
  parkingMinutes: string
  tiers: Tier[]
  storeIds: string[]
  status: RewardStatus
  startsOn: string
  endsOn: string
}

const shown = (value: number | undefined) => (value === undefined ? '' : String(value))

function draftOf(entry: CatalogueEntry | undefined, stores: CatalogueAnswer['stores']): Draft {
  return {
    name: entry?.name ?? '',
    kind: entry?.kind ?? 'coupon',
    points: shown(entry?.points),
    stock: '',
    perMemberLimit: shown(entry?.perMemberLimit ?? 1),
    perDayLimit: shown(entry?.perDayLimit),
    validDays: shown(entry?.validDays ?? 30),
    parkingMinutes: shown(entry?.parkingMinutes),
    tiers: [...(entry?.tiers ?? [])],
    // A manager of one store limits a new reward to it without a tap.
    storeIds: entry ? [...entry.storeIds] : stores.length === 1 ? [stores[0].id] : [],
    status: entry?.status ?? 'active',
    startsOn: entry?.startsOn ?? '',
    endsOn: entry?.endsOn ?? '',
  }
}

/** Digits as a number; anything else as -1, out of every field's range: the server names the field. */
function numberOf(value: string): number {
  const trimmed = value.trim()
  return /^\d+$/.test(trimmed) ? Number(trimmed) : -1
}

/** The form of a new reward (`entry` absent) or of one the caller keeps. */
export function RewardForm(props: {
  entry?: CatalogueEntry
  stores: CatalogueAnswer['stores']
  mallWide: boolean
  onDone: (saved: CatalogueEntry | null) => void
}) {
  const { entry, stores, mallWide } = props
  const [draft, setDraft] = useState(() => draftOf(entry, stores))
  // One key per new reward: a retried save finds the reward it made.
  const [key] = useState(newRequestKey)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const set =
    <K extends keyof Draft>(name: K) =>
    (value: Draft[K]) =>
      setDraft((current) => ({ ...current, [name]: value }))
  const errorOf = (field: string) => (failure?.field === field ? failure.message : undefined)

  const save = async () => {
    setBusy(true)
    setFailure(undefined)
    const { stock, perDayLimit, parkingMinutes, startsOn, endsOn, ...rest } = draft
    const settings = {
      ...rest,
      points: numberOf(draft.points),
      perMemberLimit: numberOf(draft.perMemberLimit),
      validDays: numberOf(draft.validDays),
      ...(perDayLimit.trim() ? { perDayLimit: numberOf(perDayLimit) } : {}),
      ...(draft.kind === 'parking' ? { parkingMinutes: numberOf(parkingMinutes) } : {}),
      ...(startsOn ? { startsOn } : {}),
      ...(endsOn ? { endsOn } : {}),
    }
    const target = entry ? { rewardId: entry.id } : { key, stock: numberOf(stock) }
    const result = await staffApi.saveReward({ ...target, ...settings })
    setBusy(false)
    if (!result.ok) setFailure(result)
    else props.onDone(result.data.reward)
  }

  const field = (
    name: keyof Draft,
    label: string,
    options: { required?: boolean; max?: number; placeholder?: string; digits?: boolean } = {},
  ) => (
    <TextField
      block="catalogue-form"
      name={name}
      label={label}
      required={options.required ?? true}
      error={errorOf(name)}
      value={draft[name] as string}
      maxLength={options.max ?? 7}
      type={options.digits === false ? 'text' : 'number'}
      placeholder={options.placeholder}
      onChange={set(name) as (value: string) => void}
    />
  )

  return (
    <View className="card catalogue-form">
      {field('name', '礼品名称', { max: REWARD_NAME_MAX, digits: false, placeholder: '如 咖啡兑换券' })}
      <View className="chips-field">
        <FormField name="kind" label="类型" required error={errorOf('kind')}>
          <ChoiceChips
            name="kind"
            options={REWARD_KINDS.map((k) => ({ value: k, label: REWARD_KIND_LABELS[k] }))}
            value={draft.kind}
            onChange={(value) => value && set('kind')(value)}
          />
        </FormField>
      </View>
      {field('points', '所需积分', { placeholder: '如 300' })}
      {!entry && field('stock', '初始库存', { placeholder: '上架后通过「补充库存」增加' })}
      {field('perMemberLimit', '每人限兑', { placeholder: '次数' })}
      {field('perDayLimit', '每日限兑', { required: false, placeholder: '每人每天的次数，不填为不限' })}
      {field('validDays', '有效天数', { max: 3, placeholder: '券自兑换日起可用的天数' })}
      {draft.kind === 'parking' && field('parkingMinutes', '抵扣分钟', { max: 4, placeholder: '如 120' })}
      <View className="chips-field">
        <FormField name="tiers" label="兑换等级" required={false} error={errorOf('tiers')}>
          <ManyChips
            name="tiers"
            options={REWARD_TIERS.map((t) => ({ value: t, label: TIER_LABELS[t] }))}
            value={draft.tiers}
            onChange={set('tiers')}
          />
          <Text className="catalogue-form__hint">不选为所有等级</Text>
        </FormField>
        <FormField name="storeIds" label="适用门店" required={!mallWide} error={errorOf('storeIds')}>
          <ManyChips
            name="store"
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
            value={draft.storeIds}
            onChange={set('storeIds')}
          />
          {mallWide && <Text className="catalogue-form__hint">不选为全部门店</Text>}
        </FormField>
        <FormField name="status" label="状态" required>
          <ChoiceChips
            name="status"
            options={REWARD_STATUSES.map((s) => ({ value: s, label: REWARD_STATUS_LABELS[s] }))}
            value={draft.status}
            onChange={(value) => value && set('status')(value)}
          />
        </FormField>
      </View>
      {field('startsOn', '兑换开始日', {
        required: false,
        max: 10,
        digits: false,
        placeholder: 'YYYY-MM-DD，不填为即日起',
      })}
      {field('endsOn', '兑换结束日', {
        required: false,
        max: 10,
        digits: false,
        placeholder: 'YYYY-MM-DD，不填为长期',
      })}
      {failure && !failure.field && <FormAlert message={failure.message} />}
      <View className="catalogue-form__actions">
        <Button type="primary" block className="catalogue-form__save" loading={busy} onClick={save}>
          {entry ? '保存修改' : '上架'}
        </Button>
        <Button block className="catalogue-form__cancel" disabled={busy} onClick={() => props.onDone(null)}>
          取消
        </Button>
      </View>
    </View>
  )
}
