import { Text, View } from '@tarojs/components'
import type { MemberHome } from '@/domain/member/model'
import './index.css'

/** 800000000011 → 8000 0000 0011, easier to read out at a counter. */
function groupDigits(memberNo: string): string {
  return memberNo.replace(/(\d{4})(?=\d)/g, '$1 ')
}

/** The member card: identifiers exactly as the server masked them (L-7). */
export function MemberCard({ member }: { member: MemberHome }) {
  return (
    <View className={`member-card member-card--${member.tier}`}>
      <View className="member-card__top">
        <View className="member-card__who">
          <Text className="member-card__name">{member.name}</Text>
          <Text className="member-card__phone">{member.phone}</Text>
        </View>
        <Text className="member-card__tier">{member.tierLabel}</Text>
      </View>
      <View className="member-card__points">
        <Text className="member-card__points-value">{member.points}</Text>
        <Text className="member-card__points-label">可用积分</Text>
        {member.pointsPending ? (
          <Text className="member-card__pending">另有 {member.pointsPending} 分待生效</Text>
        ) : null}
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
