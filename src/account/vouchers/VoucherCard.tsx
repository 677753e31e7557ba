import { Text, View } from '@tarojs/components'
import { chinaTime } from '@/domain/dates'
import type { VoucherView } from '@/domain/points/rewards'
import './index.css'

/** A voucher: its code large enough to read out or type at the counter. */
export function VoucherCard({ voucher }: { voucher: VoucherView }) {
  return (
    <View className={`card voucher voucher--${voucher.status}`}>
      <View className="voucher__top">
        <Text className="voucher__name">{voucher.rewardName}</Text>
        <Text className="voucher__status">{voucher.statusLabel}</Text>
      </View>
      <Text className="voucher__code" userSelect>
        {voucher.code}
      </Text>
      <Text className="voucher__meta">
        {voucher.kindLabel} · {voucher.points} 积分兑换 · 适用：{voucher.stores}
      </Text>
      <Text className="voucher__meta">
        {voucher.usedAt ? `已于 ${chinaTime(voucher.usedAt)} 使用` : `有效期至 ${voucher.validUntil}`}
      </Text>
    </View>
  )
}
