import { Text, View } from '@tarojs/components'
import { GENDERS } from '@/domain/identity/rules'
import { provinceName } from '@/domain/identity/regions'
import type { Profile } from '@/domain/member/model'

/** The member's own data in clear (L-7: the viewer is the member). */
export function ProfileFacts({ profile }: { profile: Profile }) {
  const rows: [string, string, string][] = [
    ['name', '姓名', profile.name],
    ['phone', '手机号', profile.phone],
    ['gender', '性别', GENDERS.find((g) => g.value === profile.gender)?.label ?? '未填写'],
    [
      'province',
      '所在省份',
      profile.province ? provinceName(profile.province) || profile.province : '未填写',
    ],
    ['birthDate', '出生日期', profile.birthDate ?? '未填写'],
    ['store', '服务门店', profile.store.name],
    ['memberNo', '会员号', profile.memberNo],
    ['card', '会员卡', profile.card ? profile.card.cardNo : '未绑定'],
  ]
  return (
    <View className="card profile-facts">
      {rows.map(([key, label, value]) => (
        <View key={key} className={`profile-facts__row profile-facts__row--${key}`}>
          <Text className="profile-facts__label">{label}</Text>
          <Text className="profile-facts__value">{value}</Text>
        </View>
      ))}
    </View>
  )
}
