import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { JOIN_FORM_FIELDS } from '@/domain/member/joinForm'
import './index.css'

/** What joining asks for at the least: the required fields of the join form, from the inventory. */
const REQUIRED_LABELS = JOIN_FORM_FIELDS.filter((f) => f.required && f.key !== 'smsCode')
  .map((f) => f.label)
  .join('、')

export interface WelcomeCardProps {
  onJoin: () => void
}

/** Shown to shoppers who are not members yet: one clear way in (4.2.1.1). */
export function WelcomeCard({ onJoin }: WelcomeCardProps) {
  return (
    <View className="welcome-card">
      <Text className="welcome-card__title">欢迎光临</Text>
      <Text className="welcome-card__text">成为会员后，消费可累积积分，享受会员礼遇与专属服务。</Text>
      <Button type="primary" size="large" block className="welcome-card__join" onClick={onJoin}>
        申请成为会员
      </Button>
      <Text className="welcome-card__hint">只需填写{REQUIRED_LABELS}，其余信息均为选填。</Text>
    </View>
  )
}
