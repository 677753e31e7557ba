import { Text, View } from '@tarojs/components'
import type { MemberHome } from '@/domain/member/model'
import { OWED_TEXT } from '@/domain/points/model'
import './index.css'

/** 800000000011 → 8000 0000 0011, easier to read out at a counter. */
function groupDigits(memberNo: string): string {
  return memberNo.replace(/(\d{4})(?=\d)/g, '$1 ')
}

/**
 * The member card: identifiers exactly as the server masked them (L-7); the points that can be
 * spent now, those still held, and a negative balance said as it is. Tapping the points opens
 * 积分明细 (`onPoints`); 会员码 opens the code to scan (`onShowCode`); 小票积分 opens the receipt
 * photo claim (`onReceipt`); the tier badge opens 会员等级 (`onTier`).
 */
export function MemberCard({
  member,
  onShowCode,
  onPoints,
  onReceipt,
  onTier,
}: {
  member: MemberHome
  onShowCode?: () => void
  onPoints?: () => void
  onReceipt?: () => void
  onTier?: () => void
}) {
  return (
    <View className={`member-card member-card--${member.tier}`}>
      <View className="member-card__top">
        <View className="member-card__who">
          <Text className="member-card__name">{member.name}</Text>
          <Text className="member-card__phone">{member.phone}</Text>
        </View>
        <View className="member-card__side">
          <View className="member-card__tier-link" onClick={onTier}>
            <Text className="member-card__tier">{member.tierLabel}</Text>
            {onTier && <Text className="member-card__tier-more">›</Text>}
          </View>
          {onShowCode && (
            <Text className="member-card__code" onClick={onShowCode}>
              会员码
            </Text>
          )}
        </View>
      </View>
      <View className="member-card__points" onClick={onPoints}>
        <View className="member-card__points-row">
          <Text className="member-card__points-value">{member.available}</Text>
          <Text className="member-card__points-label">可用积分</Text>
          {onPoints && <Text className="member-card__points-more">积分明细 ›</Text>}
        </View>
        {member.pending > 0 && (
          <Text className="member-card__points-note member-card__points-pending">
            另有 {member.pending} 分待生效（退货期满后可用）
          </Text>
        )}
        {member.available < 0 && (
          <Text className="member-card__points-note member-card__points-owed">{OWED_TEXT}</Text>
        )}
        {onReceipt && (
          <Text
            className="member-card__points-note member-card__receipt"
            onClick={(event) => {
              // Not 积分明细 as well: the points area around it opens that.
              event.stopPropagation()
              onReceipt()
            }}
          >
            柜台漏积分？拍小票补积分 ›
          </Text>
        )}
      </View>
      <View className="member-card__bottom">
        <View className="member-card__meta">
          <Text className="member-card__meta-label">会员号</Text>
          <Text className="member-card__no">{groupDigits(member.memberNo)}</Text>
        </View>
        <View className="member-card__meta member-card__meta--end">
          <Text className="member-card__meta-label">服务门店</Text>
          <Text className="member-card__store">{member.store.name}</Text>
        </View>
      </View>
    </View>
  )
}
