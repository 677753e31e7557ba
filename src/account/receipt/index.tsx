import { Canvas, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect, useState } from 'react'
import { memberApi } from '@/api'
import { coverAndUpload, pickPhoto, type PickedPhoto } from '@/api/photo'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { PickerField } from '@/components/PickerField'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { TextField } from '@/components/TextField'
import { RECEIPT_MAX } from '@/domain/contracts/points'
import { chinaDate } from '@/domain/dates'
import { fail, type Failure } from '@/domain/errors'
import { yuanToFen } from '@/domain/points/money'
import { RECEIPT_CLAIM_DAYS, RECEIPT_PHOTO_NOTICE, type ReceiptClaimView } from '@/domain/receipt/model'
import { fitWidth, toImageRect, type Rect } from '@/domain/receipt/rules'
import { CoverStage } from './CoverStage'
import './index.css'

const CANVAS_ID = 'receipt-canvas'
const DAY_MS = 24 * 3600_000

const load = () => memberApi.myReceipts()

function Claim({ claim }: { claim: ReceiptClaimView }) {
  return (
    <View className={`receipt__claim receipt__claim--${claim.status}`}>
      <View className="receipt__claim-top">
        <Text className="receipt__claim-store">
          {claim.storeName} · ¥{claim.amount}
        </Text>
        <Text className="receipt__claim-status">{claim.statusLabel}</Text>
      </View>
      <Text className="receipt__claim-meta">
        小票日期 {claim.date}
        {claim.points !== null && ` · +${claim.points} 分（退货期满后可用）`}
        {claim.reason && ` · 原因：${claim.reason}`}
      </Text>
    </View>
  )
}

/**
 * 小票积分 (issue #11): a receipt the counter did not score, claimed with a photo. The shopper
 * covers the phone and card numbers on the phone (burned into the photo before it leaves the
 * device), types the receipt's store, number, amount and date (no OCR: typed by hand), and sees
 * their claims with the reviewers' decisions.
 */
export default function ReceiptPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(load, privacy.status === 'agreed')
  const [photo, setPhoto] = useState<PickedPhoto>()
  const [covers, setCovers] = useState<Rect[]>([])
  const [storeId, setStoreId] = useState('')
  const [receiptNo, setReceiptNo] = useState('')
  const [amount, setAmount] = useState('')
  const today = chinaDate(Date.now())
  const [date, setDate] = useState(today)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [done, setDone] = useState<ReceiptClaimView>()

  const stores = remote.state === 'ready' ? remote.data.stores : []
  useEffect(() => {
    // The first store to begin with, once the stores are known.
    if (remote.state === 'ready' && remote.data.stores[0]) setStoreId((id) => id || remote.data.stores[0].id)
  }, [remote])

  const maxWidth = Math.min(Taro.getSystemInfoSync().windowWidth - 48, 600)
  const shown = photo && fitWidth(photo.size, maxWidth)

  const choose = async () => {
    setFailure(undefined)
    setDone(undefined)
    const picked = await pickPhoto()
    if (!picked) return
    setPhoto(picked)
    setCovers([])
  }

  const submit = async () => {
    setFailure(undefined)
    if (!photo || !shown) return setFailure(fail('RECEIPT_PHOTO_INVALID'))
    const amountFen = yuanToFen(amount)
    if (amountFen === null) return setFailure(fail('AMOUNT_INVALID', 'amountFen'))
    setBusy(true)
    const uploaded = await coverAndUpload(
      photo,
      covers.map((rect) => toImageRect(rect, shown, photo.size)),
      CANVAS_ID,
    )
    if (!uploaded.ok) {
      setBusy(false)
      return setFailure(fail('NETWORK'))
    }
    const result = await memberApi.submitReceipt({
      storeId,
      receiptNo,
      amountFen,
      date,
      fileId: uploaded.fileId,
    })
    setBusy(false)
    if (!result.ok) return setFailure(result)
    setDone(result.data.claim)
    setPhoto(undefined)
    setCovers([])
    setReceiptNo('')
    setAmount('')
    reload()
  }

  const form = () => (
    <>
      <View className="card receipt__notice">
        {RECEIPT_PHOTO_NOTICE.map((line) => (
          <Text key={line} className="receipt__notice-line">
            {line}
          </Text>
        ))}
        <Text className="receipt__notice-line">暂不支持自动识别小票内容，请对照小票手动填写。</Text>
      </View>
      <View className="card receipt__photo-card">
        <Text className="card__title">1. 小票照片</Text>
        {photo && shown ? (
          <>
            <CoverStage
              src={photo.src}
              shown={shown}
              covers={covers}
              onCover={(r) => setCovers((c) => [...c, r])}
            />
            <View className="receipt__photo-actions">
              <Text className="receipt__covered">已涂盖 {covers.length} 处</Text>
              <Button
                size="small"
                disabled={covers.length === 0}
                onClick={() => setCovers((c) => c.slice(0, -1))}
              >
                撤销一处
              </Button>
              <Button size="small" className="receipt__rechoose" onClick={choose}>
                重新选择
              </Button>
            </View>
          </>
        ) : (
          <Button block className="receipt__choose" onClick={choose}>
            拍照或从相册选择
          </Button>
        )}
      </View>
      <View className="card receipt__form">
        <Text className="card__title">2. 小票信息</Text>
        <Text className="receipt__label">门店</Text>
        <PickerField
          name="store"
          mode="selector"
          value={storeId}
          placeholder="请选择门店"
          options={stores.map((s) => ({ value: s.id, label: s.name }))}
          onChange={setStoreId}
        />
        <TextField
          block="receipt"
          name="receiptNo"
          label="小票号"
          required
          value={receiptNo}
          maxLength={RECEIPT_MAX}
          placeholder="小票上的单号"
          error={failure?.field === 'receiptNo' ? failure.message : undefined}
          onChange={(v) => setReceiptNo(v.toUpperCase())}
        />
        <TextField
          block="receipt"
          name="amount"
          label="金额（元）"
          required
          type="digit"
          value={amount}
          maxLength={12}
          placeholder="如 128.00"
          error={failure?.field === 'amountFen' ? failure.message : undefined}
          onChange={setAmount}
        />
        <Text className="receipt__label">小票日期（近{RECEIPT_CLAIM_DAYS}天内）</Text>
        <PickerField
          name="date"
          mode="date"
          value={date}
          placeholder="请选择日期"
          start={chinaDate(Date.now() - RECEIPT_CLAIM_DAYS * DAY_MS)}
          end={today}
          initial={today}
          onChange={setDate}
        />
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      {done && (
        <View className="card receipt__done">
          <Text className="receipt__done-title">已提交，等待门店审核</Text>
          <Text className="receipt__claim-meta">审核后照片立即删除；通过后积分计入积分明细。</Text>
        </View>
      )}
      <Button
        type="primary"
        block
        size="xlarge"
        className="receipt__submit"
        loading={busy}
        disabled={!photo || !receiptNo || !amount || !storeId}
        onClick={submit}
      >
        提交审核
      </Button>
      {process.env.TARO_ENV === 'weapp' && <Canvas type="2d" id={CANVAS_ID} className="receipt__canvas" />}
    </>
  )

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    return (
      <>
        {form()}
        <Text className="page-shell__section">我的申请</Text>
        <View className="card receipt__claims">
          {remote.data.claims.length === 0 && <Text className="receipt__empty">暂无申请</Text>}
          {remote.data.claims.map((claim) => (
            <Claim key={claim.id} claim={claim} />
          ))}
        </View>
      </>
    )
  }

  return (
    <PageShell name="receipt" title="小票积分" intro="柜台未积分的小票，拍照提交，门店审核后补积分。">
      {content()}
    </PageShell>
  )
}
