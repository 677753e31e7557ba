import { Input, Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { RulesVersionView } from '@/domain/contracts/points'
import { parseIsoDate } from '@/domain/dates'
import type { Failure } from '@/domain/errors'
import type { EarningRules, MultiplierRule } from '@/domain/points/earning'
import { earningLines } from '@/domain/points/rules'
import { REFUND_POLICY_LABELS, type RefundPolicy } from '@/domain/points/versions'
import { useStaffContext } from '../useStaffContext'
import './index.css'

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

const chinaTime = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')

function Version({ title, version }: { title: string; version: RulesVersionView }) {
  return (
    <View className="card rules__version">
      <Text className="card__title">
        {title} · 第 {version.version} 版
      </Text>
      <Text className="rules__meta">{chinaTime(version.effectiveFrom)} 起生效</Text>
      {earningLines(version.rules)
        .slice(0, -1)
        .map((line) => (
          <Text key={line} className="rules__line">
            {line}
          </Text>
        ))}
      <Text className="rules__line">
        新积分冻结 {version.holdDays} 天 · 退货：{REFUND_POLICY_LABELS[version.refundPolicy]}
      </Text>
    </View>
  )
}

const NUMBER = /^\d{1,3}(\.\d{1,2})?$/

function Field(props: {
  label: string
  name: string
  value: string
  onInput: (value: string) => void
  placeholder?: string
}) {
  return (
    <View className="rules__field">
      <Text className="rules__label">{props.label}</Text>
      <Input
        className={`rules__input rules__input--${props.name}`}
        type="digit"
        value={props.value}
        placeholder={props.placeholder}
        onInput={(event) => props.onInput(event.detail.value)}
      />
    </View>
  )
}

/** The admin's form over the common fields; other multipliers and the bonuses are kept as they are. */
function Editor({ current, onPublished }: { current: RulesVersionView; onPublished: () => void }) {
  const rules = current.rules
  const memberDay = rules.multipliers.find((m) => m.kind === 'weekday')
  const [rate, setRate] = useState(String(rules.rates.default))
  const [vip, setVip] = useState(String(rules.rates.tiers?.vip ?? ''))
  const [vvip, setVvip] = useState(String(rules.rates.tiers?.vvip ?? ''))
  const [weekday, setWeekday] = useState(memberDay?.kind === 'weekday' ? String(memberDay.weekday) : '')
  const [factor, setFactor] = useState(String(memberDay?.factor ?? 2))
  const [holdDays, setHoldDays] = useState(String(current.holdDays))
  const [policy, setPolicy] = useState<RefundPolicy>(current.refundPolicy)
  const [from, setFrom] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [done, setDone] = useState('')

  const valid =
    NUMBER.test(rate) &&
    [vip, vvip].every((v) => v === '' || NUMBER.test(v)) &&
    (weekday === '' || NUMBER.test(factor)) &&
    /^\d{1,2}$/.test(holdDays) &&
    (from === '' || parseIsoDate(from) !== null)

  const publish = async () => {
    const others = rules.multipliers.filter((m) => m !== memberDay)
    const day: MultiplierRule[] =
      weekday === ''
        ? []
        : [
            {
              kind: 'weekday',
              weekday: Number(weekday),
              label: memberDay?.label ?? '会员日',
              factor: Number(factor),
            },
          ]
    const next: EarningRules = {
      ...rules,
      rates: {
        ...rules.rates,
        default: Number(rate),
        tiers: { ...(vip ? { vip: Number(vip) } : {}), ...(vvip ? { vvip: Number(vvip) } : {}) },
      },
      multipliers: [...day, ...others],
    }
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.publishPointsRules({
      rules: next,
      refundPolicy: policy,
      holdDays: Number(holdDays),
      // A China day: from its midnight.
      ...(from ? { effectiveFrom: `${from}T00:00:00+08:00` } : {}),
    })
    setBusy(false)
    if (!result.ok) setFailure(result)
    else {
      setDone(
        `已发布第 ${result.data.version.version} 版，${chinaTime(result.data.version.effectiveFrom)} 起生效`,
      )
      onPublished()
    }
  }

  return (
    <View className="card rules__editor">
      <Text className="card__title">发布新版本</Text>
      <Field label="基础积分（分/元）" name="rate" value={rate} onInput={setRate} />
      <Field label="VIP 会员（分/元，空为同基础）" name="vip" value={vip} onInput={setVip} />
      <Field label="VVIP 会员（分/元，空为同基础）" name="vvip" value={vvip} onInput={setVvip} />
      <Text className="rules__label">会员日（每周）</Text>
      <ChoiceChips
        name="weekday"
        options={WEEKDAYS.map((label, index) => ({ value: String(index), label: `周${label}` }))}
        value={weekday}
        onChange={setWeekday}
      />
      {weekday !== '' && (
        <Field label="会员日倍数（1–10）" name="factor" value={factor} onInput={setFactor} />
      )}
      <Field label="新积分冻结天数（退货期）" name="hold" value={holdDays} onInput={setHoldDays} />
      <Text className="rules__label">退货时已使用的积分</Text>
      <ChoiceChips
        name="policy"
        options={(Object.keys(REFUND_POLICY_LABELS) as RefundPolicy[]).map((value) => ({
          value,
          label: REFUND_POLICY_LABELS[value],
        }))}
        value={policy}
        onChange={(value) => value && setPolicy(value)}
      />
      <View className="rules__field">
        <Text className="rules__label">生效日期（空为立即，约 1 分钟后）</Text>
        <Input
          className="rules__input rules__input--from"
          value={from}
          placeholder="YYYY-MM-DD"
          onInput={(event) => setFrom(event.detail.value.trim())}
        />
      </View>
      <Text className="rules__meta">节日加倍、品牌与专柜加赠沿用当前版本。旧版本不会被修改。</Text>
      {failure && <FormAlert message={failure.message} />}
      {done && <Text className="rules__done">{done}</Text>}
      <Button
        type="primary"
        block
        className="rules__publish"
        disabled={!valid}
        loading={busy}
        onClick={publish}
      >
        发布
      </Button>
    </View>
  )
}

/** 积分规则: the version in force, the next one and the history; the admin publishes new versions. */
export default function PointsRulesPage() {
  const privacy = usePrivacy()
  const [context] = useStaffContext()
  const isAdmin = context.state === 'ready' && context.data.staff?.role === 'admin'
  const fetch = useCallback(() => staffApi.pointsRules(), [])
  const [remote, reload] = useRemote(fetch, privacy.status === 'agreed')

  return (
    <PageShell name="points-rules" title="积分规则">
      {remote.state === 'loading' && <StatusView state="loading" />}
      {remote.state === 'failed' && <StatusView state="failed" failure={remote.failure} onRetry={reload} />}
      {remote.state === 'ready' && (
        <>
          {remote.data.current ? (
            <Version title="当前规则" version={remote.data.current} />
          ) : (
            <Text className="rules__note">尚无生效的积分规则</Text>
          )}
          {remote.data.next && <Version title="待生效" version={remote.data.next} />}
          {isAdmin && remote.data.current && <Editor current={remote.data.current} onPublished={reload} />}
          <View className="card rules__history">
            <Text className="card__title">历史版本</Text>
            {remote.data.history.map((v) => (
              <View key={v.version} className="rules__history-row">
                <Text className="rules__history-title">
                  第 {v.version} 版 · {chinaTime(v.effectiveFrom)} 起
                </Text>
                <Text className="rules__meta">
                  {v.changedBy} · {chinaTime(v.changedAt)} · {v.summary.join('；')}
                  {v.note ? ` · ${v.note}` : ''}
                </Text>
              </View>
            ))}
          </View>
        </>
      )}
    </PageShell>
  )
}
