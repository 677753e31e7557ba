import { Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useState } from 'react'
import { campaignApi } from '@/api/campaign'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import { TextField } from '@/components/TextField'
import { TickField } from '@/components/TickField'
import {
  CAMPAIGN_FIELD_KEYS,
  CAMPAIGN_KIND_LABELS,
  CAMPAIGN_KINDS,
  QUESTION_KINDS,
  type CampaignFieldKey,
  type CampaignKind,
  type CampaignView,
  type QuestionKind,
} from '@/domain/campaign/model'
import {
  CAMPAIGN_PURPOSE_MAX,
  CAMPAIGN_REASON_MAX,
  CAMPAIGN_TITLE_MAX,
  QUESTION_TITLE_MAX,
} from '@/domain/contracts/campaign'
import { chinaDate } from '@/domain/dates'
import type { Failure } from '@/domain/errors'
import { inventoryField } from '@/domain/identity/inventory'
import type { StaffMember } from '@/domain/contracts/staff'
import type { StoreOption } from '@/domain/member/model'
import { storeNames, useStaffContext } from '../useStaffContext'
import './index.css'

const QUESTION_KIND_LABELS = { single: '单选', multi: '多选', text: '简答' } satisfies Record<
  QuestionKind,
  string
>

interface QuestionDraft {
  kind: QuestionKind
  title: string
  /** Options separated by 、 or commas. */
  options: string
  maxLength: string
}

const splitOptions = (text: string) =>
  text
    .split(/[、,，;；\n]/)
    .map((o) => o.trim())
    .filter(Boolean)

/** A sentence or two (a reason, the purpose): wraps instead of scrolling out of sight. */
function LongText(props: {
  name: string
  label: string
  value: string
  maxLength: number
  placeholder: string
  onChange: (value: string) => void
}) {
  return (
    <FormField name={props.name} label={props.label} required>
      <Textarea
        className={`campaigns__textarea campaigns__textarea--${props.name}`}
        value={props.value}
        maxlength={props.maxLength}
        placeholder={props.placeholder}
        autoHeight
        onInput={(e) => props.onChange(e.detail.value)}
      />
    </FormField>
  )
}

const go = (url: string) => () => {
  Taro.navigateTo({ url })
}

function CampaignForm({
  staff,
  stores,
  onCreated,
}: {
  staff: StaffMember
  stores: StoreOption[]
  onCreated: () => void
}) {
  const own = staff.role === 'admin' ? stores : stores.filter((s) => staff.storeIds.includes(s.id))
  const today = chinaDate(Date.now())
  const [kind, setKind] = useState<CampaignKind>('gift')
  const [title, setTitle] = useState('')
  const [storeIds, setStoreIds] = useState<string[]>(own.length === 1 ? [own[0].id] : [])
  const [startsOn, setStartsOn] = useState(today)
  const [endsOn, setEndsOn] = useState(today)
  const [stock, setStock] = useState('')
  const [reasons, setReasons] = useState<Partial<Record<CampaignFieldKey, string>>>({})
  const [questions, setQuestions] = useState<QuestionDraft[]>([])
  const [purpose, setPurpose] = useState('')
  const [retentionDays, setRetentionDays] = useState('30')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const toggle = <T,>(list: T[], item: T, on: boolean) =>
    on ? [...list, item] : list.filter((x) => x !== item)
  const setQuestion = (i: number, patch: Partial<QuestionDraft>) =>
    setQuestions(questions.map((q, j) => (j === i ? { ...q, ...patch } : q)))

  const submit = async () => {
    setBusy(true)
    setFailure(undefined)
    const created = await campaignApi.createCampaign({
      kind,
      title,
      storeIds,
      startsOn,
      endsOn,
      stock: Number(stock),
      fields: CAMPAIGN_FIELD_KEYS.filter((key) => reasons[key] !== undefined).map((key) => ({
        key,
        reason: reasons[key] ?? '',
      })),
      questions:
        kind === 'questionnaire'
          ? questions.map((q) =>
              q.kind === 'text'
                ? { kind: q.kind, title: q.title, options: [], maxLength: Number(q.maxLength) || 0 }
                : { kind: q.kind, title: q.title, options: splitOptions(q.options) },
            )
          : [],
      purpose,
      retentionDays: Number(retentionDays),
    })
    setBusy(false)
    if (!created.ok) {
      setFailure(created)
      return
    }
    Taro.showToast({ title: '活动已创建', icon: 'success' })
    onCreated()
  }

  return (
    <>
      <View className="card campaigns__form">
        <Text className="card__title">新建活动</Text>
        <FormField name="kind" label="类型" required>
          <ChoiceChips
            name="kind"
            options={CAMPAIGN_KINDS.map((k) => ({ value: k, label: CAMPAIGN_KIND_LABELS[k] }))}
            value={kind}
            onChange={(value) => value && setKind(value)}
          />
        </FormField>
        <TextField
          block="campaigns"
          name="title"
          label="活动名称"
          required
          value={title}
          maxLength={CAMPAIGN_TITLE_MAX}
          placeholder="如 夏日会员礼"
          onChange={setTitle}
        />
        <FormField name="stores" label="门店" required>
          {own.map((s) => (
            <TickField
              key={s.id}
              name={`store-${s.id}`}
              className={`campaigns__store campaigns__store--${s.id}`}
              checked={storeIds.includes(s.id)}
              onChange={(on) => setStoreIds(toggle(storeIds, s.id, on))}
              label={s.name}
            />
          ))}
        </FormField>
        <TextField
          block="campaigns"
          name="startsOn"
          label="开始日期"
          required
          value={startsOn}
          maxLength={10}
          placeholder="YYYY-MM-DD"
          onChange={setStartsOn}
        />
        <TextField
          block="campaigns"
          name="endsOn"
          label="结束日期"
          required
          value={endsOn}
          maxLength={10}
          placeholder="YYYY-MM-DD"
          onChange={setEndsOn}
        />
        <TextField
          block="campaigns"
          name="stock"
          label="库存数量"
          required
          type="number"
          value={stock}
          maxLength={6}
          placeholder="如 100"
          onChange={setStock}
        />
      </View>

      <View className="card campaigns__form">
        <Text className="card__title">收集的信息（只能从数据清单中选择，每项须说明用途）</Text>
        <Text className="campaigns__hint">手机号始终为选填：顾客不留手机号也可以领取。</Text>
        {CAMPAIGN_FIELD_KEYS.map((key) => {
          const on = reasons[key] !== undefined
          return (
            <View key={key} className="campaigns__field">
              <TickField
                name={`field-${key}`}
                className={`campaigns__pick campaigns__pick--${key}`}
                checked={on}
                onChange={(checked) => {
                  const next = { ...reasons }
                  if (checked) next[key] = ''
                  else delete next[key]
                  setReasons(next)
                }}
                label={inventoryField(key).label}
              />
              {on && (
                <LongText
                  name={`reason-${key}`}
                  label="用途"
                  value={reasons[key] ?? ''}
                  maxLength={CAMPAIGN_REASON_MAX}
                  placeholder="为什么需要这项信息"
                  onChange={(value) => setReasons({ ...reasons, [key]: value })}
                />
              )}
            </View>
          )
        })}
        <LongText
          name="purpose"
          label="处理目的"
          value={purpose}
          maxLength={CAMPAIGN_PURPOSE_MAX}
          placeholder="如 发放会员礼品并核对领取"
          onChange={setPurpose}
        />
        <TextField
          block="campaigns"
          name="retentionDays"
          label="保存天数"
          placeholder="活动结束后保存的天数"
          required
          type="number"
          value={retentionDays}
          maxLength={4}
          onChange={setRetentionDays}
        />
      </View>

      {kind === 'questionnaire' && (
        <View className="card campaigns__form">
          <Text className="card__title">问卷题目</Text>
          {questions.map((q, i) => (
            <View key={i} className="campaigns__question">
              <FormField name={`q${i}-kind`} label={`第 ${i + 1} 题`} required>
                <ChoiceChips
                  name={`q${i}`}
                  options={QUESTION_KINDS.map((k) => ({ value: k, label: QUESTION_KIND_LABELS[k] }))}
                  value={q.kind}
                  onChange={(value) => value && setQuestion(i, { kind: value })}
                />
              </FormField>
              <TextField
                block="campaigns"
                name={`q${i}-title`}
                label="题目"
                required
                value={q.title}
                maxLength={QUESTION_TITLE_MAX}
                onChange={(title) => setQuestion(i, { title })}
              />
              {q.kind === 'text' ? (
                <TextField
                  block="campaigns"
                  name={`q${i}-max`}
                  label="字数上限"
                  required
                  type="number"
                  value={q.maxLength}
                  maxLength={3}
                  onChange={(maxLength) => setQuestion(i, { maxLength })}
                />
              ) : (
                <TextField
                  block="campaigns"
                  name={`q${i}-options`}
                  label="选项"
                  required
                  value={q.options}
                  maxLength={230}
                  placeholder="用顿号分隔，如 满意、一般、不满意"
                  onChange={(options) => setQuestion(i, { options })}
                />
              )}
            </View>
          ))}
          <Button
            fill="outline"
            block
            className="campaigns__add-question"
            onClick={() =>
              setQuestions([...questions, { kind: 'single', title: '', options: '', maxLength: '50' }])
            }
          >
            添加题目
          </Button>
        </View>
      )}

      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="campaigns__actions">
        <Button type="primary" block className="campaigns__create" loading={busy} onClick={submit}>
          创建活动
        </Button>
      </View>
    </>
  )
}

function CampaignList({
  campaigns,
  stores,
  manage,
}: {
  campaigns: CampaignView[]
  stores: StoreOption[]
  manage: boolean
}) {
  if (campaigns.length === 0) return <Text className="campaigns__empty">还没有活动</Text>
  return (
    <View className="campaigns__items">
      {campaigns.map((c) => (
        <View key={c.id} className={`campaigns__item campaigns__item--${c.id}`}>
          <Text className="campaigns__name">{c.title}</Text>
          <Text className="campaigns__meta">
            {CAMPAIGN_KIND_LABELS[c.kind]} · {c.startsOn} 至 {c.endsOn} · {storeNames(c.storeIds, stores)}
          </Text>
          <Text className="campaigns__meta">
            剩余 {c.stock} · 已领 {c.claimed} · 已核销 {c.verified}
          </Text>
          {manage && (
            <View className="campaigns__links">
              <Button
                size="large"
                className="campaigns__code"
                onClick={go(`/staff/campaign-code/index?id=${c.id}`)}
              >
                活动码
              </Button>
              <Button
                size="large"
                className="campaigns__report"
                onClick={go(`/staff/campaign-report/index?id=${c.id}`)}
              >
                报表
              </Button>
            </View>
          )}
        </View>
      ))}
    </View>
  )
}

/** 活动与礼品 (4.2.2.3–4.2.2.5): the campaigns of the staff member's stores; managers create them. */
export default function CampaignsPage() {
  const [context, reload] = useStaffContext()
  const load = useCallback(() => campaignApi.listCampaigns(), [])
  const [list, reloadList] = useRemote(load, context.state === 'ready' && context.data.staff !== null)
  const [creating, setCreating] = useState(false)

  const content = () => {
    if (context.state === 'loading') return <StatusView state="loading" />
    if (context.state === 'failed')
      return <StatusView state="failed" failure={context.failure} onRetry={reload} />
    const { staff, stores } = context.data
    if (!staff) {
      return (
        <View className="card">
          <Text className="card__title">只有员工可以查看活动</Text>
        </View>
      )
    }
    const manage = staff.role === 'manager' || staff.role === 'admin'
    if (creating && manage) {
      return (
        <CampaignForm
          staff={staff}
          stores={stores}
          onCreated={() => {
            setCreating(false)
            reloadList()
          }}
        />
      )
    }
    return (
      <>
        {manage && (
          <View className="campaigns__actions">
            <Button type="primary" block className="campaigns__new" onClick={() => setCreating(true)}>
              新建活动
            </Button>
          </View>
        )}
        {list.state === 'ready' ? (
          <CampaignList campaigns={list.data.campaigns} stores={stores} manage={manage} />
        ) : list.state === 'failed' ? (
          <StatusView state="failed" failure={list.failure} onRetry={reloadList} />
        ) : (
          <StatusView state="loading" />
        )}
      </>
    )
  }

  return (
    <PageShell
      name="campaigns"
      title="活动与礼品"
      intro="扫码领礼品、领小样和问卷调查；顾客领取后凭领取码到柜台核销。"
    >
      {content()}
    </PageShell>
  )
}
