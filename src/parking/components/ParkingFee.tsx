import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import type { ParkingQuote } from '@/domain/contracts/parking'
import { chinaTime } from '@/domain/dates'
import { formatYuan } from '@/domain/points/money'
import './parking.css'

const duration = (minutes: number) =>
  minutes < 60 ? `${minutes} 分钟` : `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分钟`

/** 请于 HH:mm 前离场, with the time left counting down. */
export function ExitWindow({ until }: { until: string }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const left = Math.max(0, Date.parse(until) - now)
  const mm = String(Math.floor(left / 60_000)).padStart(2, '0')
  const ss = String(Math.floor((left % 60_000) / 1000)).padStart(2, '0')
  return (
    <View className="parking-window">
      <Text className="parking-window__title">已缴费，请于 {chinaTime(until).slice(11)} 前离场</Text>
      <Text className="parking-window__left">
        {left > 0
          ? `剩余 ${mm}:${ss}，超时将按停车标准补缴超出时间的费用`
          : '已超出离场时间，请刷新查看需补缴的费用'}
      </Text>
    </View>
  )
}

/**
 * One parking session's fee as its payer reads it: the plate, when it entered and how long it
 * stayed, the tariff's fee, each deduction in order with what it saved, and the amount to pay.
 */
export function ParkingFee({ quote }: { quote: ParkingQuote }) {
  return (
    <View className="card parking-fee">
      <View className="parking-fee__head">
        <Text className="parking-fee__plate">{quote.plate}</Text>
        <Text className="parking-fee__phase">
          {quote.phase === 'overstay' ? '超时未离场' : quote.phase === 'window' ? '已缴费' : '在场'}
        </Text>
      </View>
      <View className="parking-fee__facts">
        <Text className="parking-fee__fact">入场时间 {chinaTime(quote.enteredAt)}</Text>
        <Text className="parking-fee__fact">停车时长 {duration(quote.minutes)}</Text>
      </View>
      {quote.phase === 'window' && quote.paidUntil && <ExitWindow until={quote.paidUntil} />}
      {quote.lines.length > 0 && (
        <View className="parking-fee__lines">
          {quote.lines.map((line, i) => (
            <View key={`${line.kind}-${i}`} className={`parking-fee__line parking-fee__line--${line.kind}`}>
              <View className="parking-fee__line-main">
                <Text className="parking-fee__line-label">{line.label}</Text>
                <Text className="parking-fee__line-detail">{line.detail}</Text>
              </View>
              <Text className="parking-fee__line-fen">
                {line.kind === 'tariff' ? `¥${formatYuan(line.fen)}` : `-¥${formatYuan(line.fen)}`}
              </Text>
            </View>
          ))}
        </View>
      )}
      {quote.phase !== 'window' && (
        <View className="parking-fee__total">
          <Text className="parking-fee__total-label">
            {quote.phase === 'overstay' ? '需补缴' : '应付金额'}
          </Text>
          <Text className="parking-fee__amount">¥{formatYuan(quote.dueFen)}</Text>
        </View>
      )}
    </View>
  )
}
