import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { Suspense, useState } from 'react'
import { memberApi } from '@/api'
import { canRequestPayment, requestPayment } from '@/api/platform'
import { FakePaySheet } from '@/components/DevTools/DevToolsSlot'
import { FormAlert } from '@/components/FormAlert'
import type { ParkingQuote } from '@/domain/contracts/parking'
import type { ParkingPaymentView, PayParkingAnswer } from '@/domain/contracts/parkpay'
import type { Failure } from '@/domain/errors'
import { formatYuan } from '@/domain/points/money'
import { newRequestKey } from '@/api/requestKey'
import './parking.css'

/** Payment results arrive from WeChat Pay a moment after the sheet closes: asked a few times. */
const CHECKS = 6
const CHECK_MS = 800

type Stage =
  | { step: 'idle' }
  | { step: 'busy' }
  | { step: 'sheet'; order: NonNullable<PayParkingAnswer['order']>; payment: ParkingPaymentView }
  | { step: 'paid'; payment: ParkingPaymentView; offerJoin: boolean }
  | { step: 'failed'; message: string }

export interface ParkingPayProps {
  quote: ParkingQuote
  /** The plate typed by a non-member; absent for a member's own plate. */
  plate?: string
  /** Called once paid: the page shows the session paid (the member page reloads its quote). */
  onPaid: (payment: ParkingPaymentView) => void
}

/**
 * The one 支付 button of a quote, and what follows: WeChat Pay's sheet (weapp) or the 模拟支付
 * sheet (local H5), the result checked with the server, the exit window, and for a non-member
 * the offer to join, once (a decline is remembered on the server).
 */
export function ParkingPay({ quote, plate, onPaid }: ParkingPayProps) {
  const [key, setKey] = useState(newRequestKey)
  const [stage, setStage] = useState<Stage>({ step: 'idle' })
  const [failure, setFailure] = useState<Failure>()
  const [joinAnswered, setJoinAnswered] = useState(false)

  const paid = (payment: ParkingPaymentView, offerJoin: boolean) => {
    setStage({ step: 'paid', payment, offerJoin })
    onPaid(payment)
  }

  const giveUp = async (payment: ParkingPaymentView): Promise<void> => {
    const cancelled = await memberApi.cancelParkingPayment({ paymentId: payment.paymentId })
    if (cancelled.ok && cancelled.data.payment.status === 'paid') return check(payment)
    setKey(newRequestKey())
    setStage({ step: 'failed', message: '支付未完成，已使用的积分和停车券已退回，可重新支付' })
  }

  const check = async (payment: ParkingPaymentView): Promise<void> => {
    setStage({ step: 'busy' })
    for (let i = 0; i < CHECKS; i += 1) {
      const answer = await memberApi.parkingPayment({ paymentId: payment.paymentId })
      if (answer.ok && answer.data.payment.status === 'paid')
        return paid(answer.data.payment, answer.data.offerJoin)
      if (answer.ok && answer.data.payment.status !== 'created') break
      await new Promise((resolve) => setTimeout(resolve, CHECK_MS))
    }
    return giveUp(payment)
  }

  const handlePay = async () => {
    setStage({ step: 'busy' })
    setFailure(undefined)
    const answer = await memberApi.payParking({
      sessionId: quote.sessionId,
      key,
      ...(plate ? { plate } : {}),
    })
    if (!answer.ok) {
      setFailure(answer)
      setKey(newRequestKey())
      setStage({ step: 'idle' })
      return
    }
    const { payment, order, offerJoin } = answer.data
    if (!order) return paid(payment, offerJoin)
    if (FakePaySheet) return setStage({ step: 'sheet', order, payment })
    if (canRequestPayment) return (await requestPayment(order.params)) ? check(payment) : giveUp(payment)
    return giveUp(payment)
  }

  const handleDecline = async () => {
    setJoinAnswered(true)
    await memberApi.declineJoinOffer()
  }

  if (stage.step === 'paid') {
    const { payment, offerJoin } = stage
    return (
      <View className="parking-pay parking-pay--paid">
        <Text className="parking-pay__note">
          已支付 ¥{formatYuan(payment.amountFen)}
          {payment.pointsSpent > 0 ? `，使用 ${payment.pointsSpent} 积分` : ''}
        </Text>
        {offerJoin && !joinAnswered && (
          <View className="card parking-join">
            <Text className="card__title">成为商场会员？</Text>
            <Text className="parking-join__text">
              会员停车可用消费、停车券和积分抵扣，还有等级免费停车时长。加入完全自愿，不加入也不影响缴费和离场。
            </Text>
            <View className="parking-join__actions">
              <Button className="parking-join__decline" onClick={handleDecline}>
                暂不需要
              </Button>
              <Button
                type="primary"
                className="parking-join__accept"
                onClick={() => Taro.navigateTo({ url: '/pages/join/index' })}
              >
                了解并加入
              </Button>
            </View>
          </View>
        )}
      </View>
    )
  }

  return (
    <View className="parking-pay">
      {failure && <FormAlert message={failure.message} />}
      {stage.step === 'failed' && <FormAlert message={stage.message} />}
      <Button
        type="primary"
        block
        size="large"
        className="parking-pay__button"
        loading={stage.step === 'busy' || stage.step === 'sheet'}
        onClick={handlePay}
      >
        {quote.dueFen > 0 ? `支付 ¥${formatYuan(quote.dueFen)}` : '确认抵扣并离场'}
      </Button>
      {FakePaySheet && stage.step === 'sheet' && (
        <Suspense fallback={null}>
          <FakePaySheet
            outTradeNo={stage.order.outTradeNo}
            amountFen={stage.payment.amountFen}
            onResult={(ok) => (ok ? check(stage.payment) : giveUp(stage.payment))}
          />
        </Suspense>
      )}
    </View>
  )
}
