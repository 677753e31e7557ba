import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { MemberCard } from '@/components/MemberCard'
import { PrivacyAuthorization } from '@/components/PrivacyAuthorization'
import { PrivacyLinks } from '@/components/PrivacyLinks'
import { StatusView } from '@/components/StatusView'
import { DevToolsSlot } from '@/components/DevTools/DevToolsSlot'
import { WelcomeCard } from '@/components/WelcomeCard'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import './index.css'

const goJoin = () => {
  Taro.navigateTo({ url: '/pages/join/index' })
}

/** The member centre: the member card, or the way to join. */
export default function MemberCentre() {
  const [home, reload] = useRemote(memberApi.home)
  const justJoined = useRouter().params.joined === '1'

  return (
    <View className="home">
      <View className="home__hero">
        <Text className="home__greeting">会员中心</Text>
      </View>
      <View className="home__body">
        {home.state === 'loading' && <StatusView state="loading" />}
        {home.state === 'failed' && <StatusView state="failed" failure={home.failure} onRetry={reload} />}
        {home.state === 'ready' && home.data.member && (
          <>
            <MemberCard member={home.data.member} />
            {justJoined && <Text className="home__joined">申请成功，欢迎成为会员！</Text>}
          </>
        )}
        {home.state === 'ready' && !home.data.member && <WelcomeCard onJoin={goJoin} />}
      </View>
      <PrivacyLinks />
      <PrivacyAuthorization mode="launch" />
      <DevToolsSlot />
    </View>
  )
}
