import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useMemo, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { TextField } from '@/components/TextField'
import type { Failure } from '@/domain/errors'
import {
  fromTariffForm,
  SAMPLE_STAYS,
  sampleFen,
  tariffForm,
  tariffSummary,
  type TariffForm,
  type TariffFormField,
} from '@/domain/parking/tariffForm'
import type { ParkingTariffVersion } from '@/domain/parking/tariffs'
import './index.css'

const chinaTime = (iso: string) =>
  new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** The form's rows: field, label, unit, and whether it may be left empty. */
const ROWS: { title: string; fields: [TariffFormField, string, string, boolean][] }[] = [
  {
    title: '计费（封顶、夜间、离场时限可留空）',
    fields: [
      ['freeMinutes', '免费时长', '分钟', false],
      ['firstMinutes', '首段时长', '分钟', false],
      ['firstYuan', '首段价格', '元', false],
      ['incrementMinutes', '续费单位', '分钟', false],
      ['incrementYuan', '续费价格', '元', false],
      ['dailyCapYuan', '每日封顶', '元', true],
      ['nightFrom', '夜间开始', 'HH:mm', true],
      ['nightTo', '夜间结束', 'HH:mm', true],
      ['nightYuan', '夜间包干', '元/晚', true],
      ['exitWindowMinutes', '离场时限', '分钟', true],
    ],
  },
  {
    title: '会员每日免费（空为无）',
    fields: [
      ['normalHours', '普通会员', '小时', true],
      ['vipHours', 'VIP会员', '小时', true],
      ['vvipHours', 'VVIP会员', '小时', true],
    ],
  },
  {
    title: '当日消费抵扣（空为不抵扣）',
    fields: [
      ['spendYuan', '消费每满', '元', true],
      ['spendHours', '抵停车', '小时', true],
      ['spendMaxHours', '最多抵', '小时', true],
    ],
  },
  {
    title: '积分抵扣（空为不抵扣）',
    fields: [
      ['pointsPerHour', '每小时', '积分', true],
      ['pointsMaxHours', '每次最多', '小时', true],
    ],
  },
]

function Version({ title, version }: { title: string; version: ParkingTariffVersion }) {
  return (
    <View className="card tariff__version">
      <Text className="card__title">
        {title} · 第 {version.version} 版
      </Text>
      <Text className="tariff__meta">{chinaTime(version.effectiveFrom)} 起入场的车辆适用</Text>
      {tariffSummary(version.tariff, version.rules).map((line) => (
        <Text key={line} className="tariff__line">
          {line}
        </Text>
      ))}
    </View>
  )
}

/** The sample stays under the version in force and the one being edited, side by side. */
function Preview({
  current,
  next,
}: {
  current: ParkingTariffVersion
  next: ReturnType<typeof fromTariffForm>
}) {
  return (
    <View className="tariff__preview">
      <View className="tariff__preview-row tariff__preview-row--head">
        <Text className="tariff__preview-stay">示例</Text>
        <Text className="tariff__preview-fee">当前</Text>
        <Text className="tariff__preview-fee">新版本</Text>
      </View>
      {SAMPLE_STAYS.map((stay) => (
        <View key={stay.label} className="tariff__preview-row">
          <Text className="tariff__preview-stay">{stay.label}</Text>
          <Text className="tariff__preview-fee">{yuan(sampleFen(stay, current))}</Text>
          <Text className="tariff__preview-fee tariff__preview-fee--next">
            {next ? yuan(sampleFen(stay, next)) : '—'}
          </Text>
        </View>
      ))}
    </View>
  )
}

function Editor({
  carParkId,
  current,
  onPublished,
}: {
  carParkId: string
  current: ParkingTariffVersion
  onPublished: () => void
}) {
  const [form, setForm] = useState<TariffForm>(() => tariffForm(current.tariff, current.rules))
  const [day, setDay] = useState('')
  const [time, setTime] = useState('')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [done, setDone] = useState('')
  const next = useMemo(() => fromTariffForm(form), [form])
  const when = day === '' ? '' : `${day}T${time || '00:00'}:00+08:00`
  const whenValid =
    when === '' || (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+08:00$/.test(when) && !isNaN(Date.parse(when)))

  const publish = async () => {
    if (!next) return
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.publishParkingTariff({
      carParkId,
      tariff: next.tariff,
      rules: next.rules,
      ...(when ? { effectiveFrom: when } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    })
    setBusy(false)
    if (!result.ok) setFailure(result)
    else {
      setDone(
        `已发布第 ${result.data.version.version} 版，${chinaTime(result.data.version.effectiveFrom)} 起入场的车辆适用`,
      )
      onPublished()
    }
  }

  const set = (field: TariffFormField) => (value: string) => setForm((f) => ({ ...f, [field]: value }))

  return (
    <View className="card tariff__editor">
      <Text className="card__title">发布新版本</Text>
      {ROWS.map((row) => (
        <View key={row.title} className="tariff__group">
          <Text className="tariff__group-title">{row.title}</Text>
          {row.fields.map(([field, label, unit, optional]) => (
            <TextField
              key={field}
              block="tariff"
              name={field}
              label={label}
              required={!optional}
              value={form[field]}
              onChange={set(field)}
              maxLength={8}
              extra={<Text className="tariff__unit">{unit}</Text>}
            />
          ))}
        </View>
      ))}
      <View className="tariff__group">
        <Text className="tariff__group-title">生效时间（空为约 1 分钟后）</Text>
        {(
          [
            ['day', '日期', day, setDay, 10, 'YYYY-MM-DD'],
            ['time', '时间', time, setTime, 5, 'HH:mm'],
            ['note', '备注', note, setNote, 60, ''],
          ] as const
        ).map(([name, label, value, onChange, maxLength, placeholder]) => (
          <TextField
            key={name}
            block="tariff"
            name={name}
            label={label}
            required={false}
            value={value}
            onChange={onChange}
            maxLength={maxLength}
            placeholder={placeholder}
          />
        ))}
      </View>
      <Text className="tariff__group-title">费用预览（未计消费、停车券、积分抵扣）</Text>
      <Preview current={current} next={next} />
      {!next && <FormAlert message="收费标准填写有误，请检查后重试" />}
      {!whenValid && <FormAlert message="生效时间格式有误，请按 YYYY-MM-DD 与 HH:mm 填写" />}
      <Text className="tariff__meta">新版本只适用于生效后入场的车辆；已有版本不会被修改。</Text>
      {failure && <FormAlert message={failure.message} />}
      {done && <Text className="tariff__done">{done}</Text>}
      <Button
        type="primary"
        block
        className="tariff__publish"
        disabled={!next || !whenValid}
        loading={busy}
        onClick={publish}
      >
        发布
      </Button>
    </View>
  )
}

/** 停车收费标准: the version in force, the next one and the history; managers publish new versions. */
export default function ParkingTariffPage() {
  const privacy = usePrivacy()
  const [carParkId, setCarParkId] = useState('')
  const fetch = useCallback(() => staffApi.parkingTariffs(carParkId ? { carParkId } : {}), [carParkId])
  const [remote, reload] = useRemote(fetch, privacy.status === 'agreed')

  return (
    <PageShell name="parking-tariff" title="停车收费标准">
      {remote.state === 'loading' && <StatusView state="loading" />}
      {remote.state === 'failed' && <StatusView state="failed" failure={remote.failure} onRetry={reload} />}
      {remote.state === 'ready' && (
        <>
          {remote.data.carParks.length > 1 && (
            <ChoiceChips
              name="car-park"
              options={remote.data.carParks.map((c) => ({ value: c.id, label: c.name }))}
              value={remote.data.carParkId}
              onChange={(value) => value && setCarParkId(value)}
            />
          )}
          <Text className="tariff__car-park">
            {remote.data.carParks.find((c) => c.id === remote.data.carParkId)?.name}
          </Text>
          {remote.data.current ? (
            <Version title="当前标准" version={remote.data.current} />
          ) : (
            <Text className="tariff__car-park">尚无生效的收费标准</Text>
          )}
          {remote.data.next && <Version title="待生效" version={remote.data.next} />}
          {remote.data.current && (
            <Editor
              key={remote.data.carParkId}
              carParkId={remote.data.carParkId}
              current={remote.data.current}
              onPublished={reload}
            />
          )}
          <View className="card tariff__history">
            <Text className="card__title">历史版本</Text>
            {remote.data.history.map((v) => (
              <View key={v.version} className="tariff__history-row">
                <Text className="tariff__history-title">
                  第 {v.version} 版 · {chinaTime(v.effectiveFrom)} 起
                </Text>
                <Text className="tariff__meta">
                  {v.changedBy} · {chinaTime(v.changedAt)}
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
