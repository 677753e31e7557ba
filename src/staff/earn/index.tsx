import { Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect, useState } from 'react'
import { staffApi } from '@/api/staff'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import type { StoreCounter } from '@/domain/contracts/channels'
import type { AwardAnswer, RefundAnswer, ScoredPurchase } from '@/domain/contracts/points'
import type { StaffMember } from '@/domain/contracts/staff'
import type { Failure } from '@/domain/errors'
import { formatYuan, yuanToFen } from '@/domain/points/money'
import { useStaffContext } from '../useStaffContext'
import './index.css'

const RECEIPT = /^[A-Za-z0-9-]{1,32}$/

/** How long the preview waits for the typing to stop. */
const PREVIEW_DELAY_MS = 300

const cleanReceipt = (value: string) => value.replace(/[^A-Za-z0-9-]/g, '').slice(0, 32)
const cleanAmount = (value: string) => value.replace(/[^\d.]/g, '').slice(0, 10)

const monthDay = (iso: string) => {
  const [, m, d] = new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10).split('-')
  return `${Number(m)} 月 ${Number(d)} 日`
}

function Field(props: {
  label: string
  name: string
  value: string
  placeholder: string
  digits?: boolean
  onInput: (value: string) => void
}) {
  return (
    <View className="earn__field">
      <Text className="earn__label">{props.label}</Text>
      <Input
        className={`earn__input earn__input--${props.name}`}
        type={props.digits ? 'digit' : 'text'}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(event) => props.onInput(event.detail.value)}
      />
    </View>
  )
}

/** The counters to choose from: a counter's own, or every open counter of the manager's store. */
function useCounters(staff: StaffMember | null): StoreCounter[] {
  const [counters, setCounters] = useState<StoreCounter[]>([])
  useEffect(() => {
    if (!staff || staff.role === 'counter' || !staff.storeIds[0]) return
    staffApi.listCounters({ storeId: staff.storeIds[0] }).then((result) => {
      if (result.ok) setCounters(result.data.counters)
    })
  }, [staff])
  if (staff?.role === 'counter')
    return staff.counterId ? [{ counterId: staff.counterId, name: '本专柜' }] : []
  return counters
}

function Lines({ scored }: { scored: ScoredPurchase }) {
  return (
    <View className="earn__lines">
      {scored.lines.map((line) => (
        <View key={`${line.kind}-${line.label}`} className={`earn__line earn__line--${line.kind}`}>
          <Text>
            {line.label} {line.detail}
          </Text>
          <Text className="earn__line-points">+{line.points}</Text>
        </View>
      ))}
      <View className="earn__line earn__line--total">
        <Text>合计</Text>
        <Text className="earn__total">{scored.points} 分</Text>
      </View>
    </View>
  )
}

function AwardForm({
  memberRef,
  staff,
  onAwarded,
}: {
  memberRef: string
  staff: StaffMember | null
  onAwarded: (a: AwardAnswer) => void
}) {
  const counters = useCounters(staff)
  const [receiptNo, setReceiptNo] = useState('')
  const [amount, setAmount] = useState('')
  const [counterId, setCounterId] = useState('')
  const [preview, setPreview] = useState<ScoredPurchase>()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const amountFen = yuanToFen(amount)
  const chosen = counterId || (staff?.role === 'counter' ? (staff.counterId ?? '') : '')

  useEffect(() => {
    setPreview(undefined)
    if (amountFen === null) return undefined
    const timer = setTimeout(() => {
      staffApi
        .previewPurchase({ ref: memberRef, amountFen, ...(chosen ? { counterId: chosen } : {}) })
        .then((result) => {
          if (result.ok) setPreview(result.data)
          else setFailure(result)
        })
    }, PREVIEW_DELAY_MS)
    return () => clearTimeout(timer)
  }, [memberRef, amountFen, chosen])

  const award = async () => {
    if (amountFen === null) return
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.awardPoints({
      ref: memberRef,
      receiptNo,
      amountFen,
      ...(chosen ? { counterId: chosen } : {}),
    })
    setBusy(false)
    if (result.ok) onAwarded(result.data)
    else setFailure(result)
  }

  return (
    <View className="card earn__form">
      <Field
        label="小票号"
        name="receipt"
        value={receiptNo}
        placeholder="如 A20240618001"
        onInput={(v) => setReceiptNo(cleanReceipt(v))}
      />
      <Field
        label="消费金额（元）"
        name="amount"
        value={amount}
        placeholder="0.00"
        digits
        onInput={(v) => setAmount(cleanAmount(v))}
      />
      {amount !== '' && amountFen === null && (
        <Text className="earn__hint">金额须在 0.01 至 1000000 元之间，最多两位小数</Text>
      )}
      {counters.length > 0 && staff?.role !== 'counter' && (
        <>
          <Text className="earn__label">专柜</Text>
          <ChoiceChips
            name="counter"
            options={counters.map((c) => ({ value: c.counterId, label: c.name }))}
            value={counterId}
            onChange={setCounterId}
          />
        </>
      )}
      {preview && <Lines scored={preview} />}
      {failure && <FormAlert message={failure.message} />}
      <Button
        type="primary"
        block
        className="earn__confirm"
        disabled={amountFen === null || !RECEIPT.test(receiptNo)}
        loading={busy}
        onClick={award}
      >
        确认积分
      </Button>
    </View>
  )
}

function RefundForm() {
  const [receiptNo, setReceiptNo] = useState('')
  const [refundRef, setRefundRef] = useState('')
  const [amount, setAmount] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [done, setDone] = useState<RefundAnswer>()
  const refundFen = yuanToFen(amount)

  const refund = async () => {
    if (refundFen === null) return
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.refundPurchase({ receiptNo, refundRef, refundFen })
    setBusy(false)
    if (result.ok) setDone(result.data)
    else setFailure(result)
  }

  if (done)
    return (
      <View className="card earn__result">
        <Text className="earn__result-title">{done.repeated ? '该退货单已处理过' : '已退货'}</Text>
        <Text className="earn__result-line">
          退货 {formatYuan(done.refundFen)} 元，扣回 {done.points} 分
          {done.owed > 0 ? `（其中 ${done.owed} 分已使用，记为负积分）` : ''}
          {done.absorbed > 0 ? `（其中 ${done.absorbed} 分已使用，由商场承担）` : ''}
        </Text>
        <Text className="earn__result-line">该小票尚可退货 {formatYuan(done.refundableFen)} 元</Text>
        <Button block className="earn__again" onClick={() => setDone(undefined)}>
          继续退货
        </Button>
      </View>
    )

  return (
    <View className="card earn__form">
      <Field
        label="原小票号"
        name="refund-receipt"
        value={receiptNo}
        placeholder="积分时的小票号"
        onInput={(v) => setReceiptNo(cleanReceipt(v))}
      />
      <Field
        label="退货单号"
        name="refund-ref"
        value={refundRef}
        placeholder="每张退货单只退一次"
        onInput={(v) => setRefundRef(cleanReceipt(v))}
      />
      <Field
        label="退货金额（元）"
        name="refund-amount"
        value={amount}
        placeholder="0.00"
        digits
        onInput={(v) => setAmount(cleanAmount(v))}
      />
      {failure && <FormAlert message={failure.message} />}
      <Button
        type="primary"
        block
        className="earn__refund-confirm"
        disabled={refundFen === null || !RECEIPT.test(receiptNo) || !RECEIPT.test(refundRef)}
        loading={busy}
        onClick={refund}
      >
        确认退货
      </Button>
    </View>
  )
}

/** 消费积分: a member from 会员查询 earns points for a receipt (previewed first); 退货 takes them back. */
export default function EarnPage() {
  const { params } = useRouter()
  const [context] = useStaffContext()
  const staff = context.state === 'ready' ? context.data.staff : null
  const memberRef = params.ref ?? ''
  const [mode, setMode] = useState<'award' | 'refund'>(memberRef ? 'award' : 'refund')
  const [awarded, setAwarded] = useState<AwardAnswer>()
  const [round, setRound] = useState(0)

  return (
    <PageShell name="earn" title="消费积分">
      {memberRef && (
        <View className="card earn__member">
          <Text className="earn__name">{decodeURIComponent(params.name ?? '')}</Text>
          <Text className="earn__member-no">会员号 {decodeURIComponent(params.no ?? '')}</Text>
        </View>
      )}
      <View className="earn__modes">
        <ChoiceChips
          name="mode"
          options={[
            ...(memberRef ? [{ value: 'award' as const, label: '消费积分' }] : []),
            { value: 'refund' as const, label: '退货' },
          ]}
          value={mode}
          onChange={(value) => value && setMode(value)}
        />
      </View>
      {!memberRef && mode === 'refund' && (
        <View className="card earn__member">
          <Text className="earn__hint">为会员积分：先在会员查询中找到会员，点「积分」</Text>
          <Button
            size="small"
            className="earn__lookup"
            onClick={() => Taro.redirectTo({ url: '/staff/lookup/index' })}
          >
            会员查询
          </Button>
        </View>
      )}
      {mode === 'refund' && <RefundForm />}
      {mode === 'award' && awarded && (
        <View className="card earn__result">
          <Text className="earn__result-title">
            {awarded.repeated ? '该小票已积分，未重复积分' : '积分成功'}
          </Text>
          <Text className="earn__result-line">
            小票 {awarded.receiptNo} · 消费 {formatYuan(awarded.amountFen)} 元
          </Text>
          <Lines scored={awarded} />
          <Text className="earn__hint">{monthDay(awarded.availableFrom)}起可用（退货期内为待生效积分）</Text>
          <Button
            type="primary"
            block
            className="earn__again"
            onClick={() => {
              setAwarded(undefined)
              setRound((n) => n + 1)
            }}
          >
            继续下一单
          </Button>
        </View>
      )}
      {mode === 'award' && !awarded && memberRef && (
        <AwardForm key={round} memberRef={memberRef} staff={staff} onAwarded={setAwarded} />
      )}
    </PageShell>
  )
}
