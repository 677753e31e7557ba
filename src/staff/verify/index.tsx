import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { campaignApi } from '@/api/campaign'
import { staffApi } from '@/api/staff'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { TextField } from '@/components/TextField'
import { CAMPAIGN_KIND_LABELS, type VerifiedClaim } from '@/domain/campaign/model'
import { CAMPAIGN_REASON_MAX } from '@/domain/contracts/campaign'
import { chinaTime } from '@/domain/dates'
import type { Failure } from '@/domain/errors'
import type { VerifiedVoucher } from '@/domain/points/rewards'
import { useStaffContext } from '../useStaffContext'
import './index.css'

/**
 * 核销 (4.2.2.3, 6.4.2): the counter types or scans a campaign's claim code or a member's voucher
 * code (both 8 characters): a code that is no claim is tried as a voucher. The result fills the
 * screen.
 */
export default function VerifyPage() {
  const [context] = useStaffContext()
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<VerifiedClaim>()
  const [voucher, setVoucher] = useState<VerifiedVoucher>()
  /** What the code turned out to be, for the reversal. */
  const [kind, setKind] = useState<'claim' | 'voucher'>('claim')
  const [failure, setFailure] = useState<Failure>()
  const [reason, setReason] = useState('')
  const [reversed, setReversed] = useState(false)
  const manager =
    context.state === 'ready' &&
    (context.data.staff?.role === 'manager' || context.data.staff?.role === 'admin')

  const reset = () => {
    setDone(undefined)
    setVoucher(undefined)
    setFailure(undefined)
    setReversed(false)
    setReason('')
  }

  const verify = async () => {
    reset()
    setBusy(true)
    const result = await campaignApi.verifyClaim({ code })
    if (result.ok || result.code !== 'CLAIM_UNKNOWN') {
      setBusy(false)
      setKind('claim')
      return result.ok ? setDone(result.data.claim) : setFailure(result)
    }
    const tried = await staffApi.verifyVoucher({ code })
    setBusy(false)
    setKind('voucher')
    if (tried.ok) setVoucher(tried.data.voucher)
    // A code that is neither: the claim's answer says so (领取码无效).
    else setFailure(tried.code === 'VOUCHER_UNKNOWN' ? result : tried)
  }

  const scan = async () => {
    try {
      const { result } = await Taro.scanCode({ scanType: ['qrCode', 'barCode'] })
      setCode(result)
    } catch {
      // Cancelled: the code can still be typed.
    }
  }

  const reverse = async () => {
    setFailure(undefined)
    setBusy(true)
    const result =
      kind === 'voucher'
        ? await staffApi.reverseVoucher({ code: voucher?.code ?? code, reason })
        : await campaignApi.reverseVerification({ code: done?.code ?? code, reason })
    setBusy(false)
    if (result.ok) setReversed(true)
    else setFailure(result)
  }

  return (
    <PageShell name="verify" title="核销" intro="输入或扫描顾客出示的 8 位领取码或券码。每个码只能核销一次。">
      <View className="card verify__input-card">
        <Input
          className="verify__input"
          value={code}
          maxlength={16}
          placeholder="领取码 / 券码"
          onInput={(e) => setCode(e.detail.value.toUpperCase())}
          onConfirm={verify}
        />
        <View className="verify__buttons">
          <Button
            type="primary"
            size="xlarge"
            block
            className="verify__go"
            loading={busy}
            disabled={!code.trim()}
            onClick={verify}
          >
            核销
          </Button>
          {process.env.TARO_ENV === 'weapp' && (
            <Button size="xlarge" className="verify__scan" onClick={scan}>
              扫码
            </Button>
          )}
        </View>
      </View>
      {done && !reversed && (
        <View className="card verify__result verify__result--ok">
          <Text className="verify__mark">✓ 核销成功</Text>
          <Text className="verify__title">{done.campaignTitle}</Text>
          <Text className="verify__meta">
            {CAMPAIGN_KIND_LABELS[done.kind]} · 领取码 {done.code} · {chinaTime(done.verifiedAt)}
          </Text>
          <Text className="verify__meta">请将礼品交给顾客。</Text>
        </View>
      )}
      {voucher && !reversed && (
        <View className="card verify__result verify__result--ok verify__result--voucher">
          <Text className="verify__mark">✓ 核销成功</Text>
          <Text className="verify__title">{voucher.rewardName}</Text>
          <Text className="verify__meta">
            {voucher.kindLabel} · 券码 {voucher.code} · {chinaTime(voucher.verifiedAt)}
          </Text>
          <Text className="verify__meta">积分兑换券：请为顾客提供兑换的礼品或服务。</Text>
        </View>
      )}
      {reversed && (
        <View className="card verify__result">
          <Text className="verify__mark">已撤销核销</Text>
          <Text className="verify__meta">
            {kind === 'voucher'
              ? '券恢复为待使用，可重新核销；已兑换的积分不退回。'
              : '领取码恢复为未核销，可重新核销。'}
          </Text>
        </View>
      )}
      {failure && (
        <View className="page-shell__alert verify__failure">
          <FormAlert message={failure.message} />
        </View>
      )}
      {manager &&
        (done || voucher || failure?.code === 'ALREADY_VERIFIED' || failure?.code === 'VOUCHER_USED') &&
        !reversed && (
          <View className="card verify__reverse">
            <Text className="card__title">撤销核销（店长，24 小时内）</Text>
            <TextField
              block="verify"
              name="reason"
              label="撤销原因"
              required
              value={reason}
              maxLength={CAMPAIGN_REASON_MAX}
              placeholder="如 误核销"
              onChange={setReason}
            />
            <Button
              type="danger"
              fill="outline"
              block
              className="verify__undo"
              loading={busy}
              onClick={reverse}
            >
              撤销核销
            </Button>
          </View>
        )}
    </PageShell>
  )
}
