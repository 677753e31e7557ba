import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import type { ReviewAnswer } from '@/domain/contracts/receipts'
import { chinaTime } from '@/domain/dates'
import type { Failure } from '@/domain/errors'
import {
  RECEIPT_REJECT_REASON_IDS,
  RECEIPT_REJECT_REASONS,
  type ReceiptQueueItem,
  type ReceiptRejectReason,
} from '@/domain/receipt/model'
import './index.css'

const load = () => staffApi.receiptQueue({})

const REASON_OPTIONS = RECEIPT_REJECT_REASON_IDS.map((value) => ({
  value,
  label: RECEIPT_REJECT_REASONS[value],
}))

/** One claim: the photo large, what the shopper typed, approve with the points or reject with a reason. */
function Review({ item, onDecided }: { item: ReceiptQueueItem; onDecided: (answer: ReviewAnswer) => void }) {
  const [reason, setReason] = useState<ReceiptRejectReason | ''>('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  // Note: Taro H5 keeps an <Image> at its default 240 px high even with widthFix: the height is
  // set from the photo's own proportions once it has loaded.
  const [ratio, setRatio] = useState(4 / 3)
  const width = Math.min(Taro.getSystemInfoSync().windowWidth - 80, 640)

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.reviewReceipt({
      claimId: item.id,
      decision,
      ...(decision === 'reject' && reason ? { reason } : {}),
    })
    setBusy(false)
    if (result.ok) onDecided(result.data)
    else setFailure(result)
  }

  return (
    <View className="card receipts__item">
      {item.photoUrl ? (
        <Image
          className="receipts__photo"
          src={item.photoUrl}
          mode="scaleToFill"
          style={{ width: `${width}px`, height: `${Math.round(width * ratio)}px` }}
          onLoad={(event) => {
            const w = Number(event.detail.width)
            const h = Number(event.detail.height)
            if (w > 0 && h > 0) setRatio(h / w)
          }}
        />
      ) : (
        <Text className="receipts__meta">照片已不可用</Text>
      )}
      <View className="receipts__facts">
        <Text className="receipts__amount">¥{item.amount}</Text>
        <Text className="receipts__meta">
          {item.storeName} · 小票号 {item.receiptNo} · 日期 {item.date}
        </Text>
        <Text className="receipts__meta">
          {item.member} · 提交于 {chinaTime(item.submittedAt)}
        </Text>
        <Text className="receipts__points">通过可得 {item.points} 分</Text>
        {item.lines.length > 0 && <Text className="receipts__meta">{item.lines.join(' · ')}</Text>}
      </View>
      {failure && <FormAlert message={failure.message} />}
      {failure?.code === 'RECEIPT_ALREADY_SCORED' && (
        <Text className="receipts__meta">该小票已在柜台或收银积分，请选择「重复提交」驳回。</Text>
      )}
      <Button
        type="primary"
        block
        className="receipts__approve"
        loading={busy}
        onClick={() => decide('approve')}
      >
        通过，补 {item.points} 分
      </Button>
      <Text className="receipts__label">驳回原因</Text>
      <ChoiceChips name="reason" options={REASON_OPTIONS} value={reason} onChange={setReason} />
      <Button
        type="danger"
        fill="outline"
        block
        className="receipts__reject"
        disabled={!reason}
        loading={busy}
        onClick={() => decide('reject')}
      >
        驳回
      </Button>
    </View>
  )
}

/**
 * 小票审核 (issue #11): the store's receipt photos waiting for review, oldest first. Phone and card
 * numbers were covered on the shopper's phone; the photo is deleted once decided.
 */
export default function ReceiptsPage() {
  const [remote, reload] = useRemote(load)
  const [last, setLast] = useState<ReviewAnswer>()

  const decided = (answer: ReviewAnswer) => {
    setLast(answer)
    reload()
  }

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    const { items, pending } = remote.data
    return (
      <>
        {last && (
          <View className="card receipts__last">
            <Text className="receipts__last-title">
              {last.status === 'approved'
                ? `已通过，补积分 ${last.points ?? 0} 分`
                : `已驳回：${last.reason ?? ''}`}
            </Text>
            <Text className="receipts__meta">照片已删除。</Text>
          </View>
        )}
        <Text className="page-shell__section">待审核 {pending} 张</Text>
        {items.length === 0 && (
          <View className="card">
            <Text className="receipts__meta">暂无待审核的小票</Text>
          </View>
        )}
        {items.map((item) => (
          <Review key={item.id} item={item} onDecided={decided} />
        ))}
      </>
    )
  }

  return (
    <PageShell
      name="receipts"
      title="小票审核"
      intro="核对照片与顾客填写的门店、小票号、金额、日期。审核后照片立即删除。"
    >
      {content()}
    </PageShell>
  )
}
