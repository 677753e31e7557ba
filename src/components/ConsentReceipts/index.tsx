import { Text, View } from '@tarojs/components'
import { purposeTitle } from '@/domain/consent/purposes'
import { chinaTime } from '@/domain/dates'
import { CHANNEL_LABELS, type ConsentReceiptView } from '@/domain/consent/model'
import './index.css'

/** The member's consent receipts, newest first: purpose, notice version, granted/withdrawn, time, channel. */
export function ConsentReceipts({ receipts }: { receipts: ConsentReceiptView[] }) {
  if (receipts.length === 0) {
    return <Text className="consent-receipts__empty">暂无授权记录</Text>
  }
  return (
    <View className="consent-receipts">
      {receipts.map((receipt) => (
        <View
          key={receipt.id}
          className={`consent-receipts__item consent-receipts__item--${receipt.purpose}`}
        >
          <View className="consent-receipts__line">
            <Text className="consent-receipts__purpose">{purposeTitle(receipt.purpose)}</Text>
            <Text
              className={`consent-receipts__action consent-receipts__action--${receipt.granted ? 'granted' : 'withdrawn'}`}
            >
              {receipt.granted ? '同意' : '撤回'}
            </Text>
          </View>
          <Text className="consent-receipts__meta">
            {chinaTime(receipt.at)} · {CHANNEL_LABELS[receipt.channel] ?? receipt.channel} · 规则第
            {receipt.noticeVersion}版
          </Text>
        </View>
      ))}
    </View>
  )
}
