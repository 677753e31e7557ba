import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { formatYuan } from '@/domain/points/money'
import { payFakeOrder } from './devApi'
import './index.css'

export interface FakePaySheetProps {
  outTradeNo: string
  amountFen: number
  /** true: paid (the result was delivered); false: the payer failed or cancelled. */
  onResult: (paid: boolean) => void
}

/**
 * 模拟支付 (local H5 build only): stands in for WeChat Pay's pay sheet. 支付成功 pays the order
 * in local-cloud's cloudPay fake, whose result reaches the function (twice with 重复通知, as
 * WeChat Pay repeats it); 支付失败 leaves it unpaid, as a cancelled sheet does.
 */
export default function FakePaySheet({ outTradeNo, amountFen, onResult }: FakePaySheetProps) {
  const [busy, setBusy] = useState(false)
  const pay = (times: number) => {
    setBusy(true)
    payFakeOrder(outTradeNo, times)
      .then((paid) => onResult(paid))
      .catch(() => onResult(false))
  }
  return (
    <View className="fake-pay">
      <View className="fake-pay__sheet">
        <Text className="fake-pay__title">模拟支付（本地开发）</Text>
        <Text className="fake-pay__amount">¥{formatYuan(amountFen)}</Text>
        <Text className="fake-pay__note">本地环境不会真实扣款</Text>
        <Button type="primary" block className="fake-pay__success" loading={busy} onClick={() => pay(1)}>
          支付成功
        </Button>
        <Button block className="fake-pay__twice" disabled={busy} onClick={() => pay(2)}>
          支付成功（重复通知）
        </Button>
        <Button block className="fake-pay__fail" disabled={busy} onClick={() => onResult(false)}>
          支付失败
        </Button>
      </View>
    </View>
  )
}
