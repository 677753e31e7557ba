import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect } from 'react'
import { EntryList } from '@/components/EntryList'
import { MemberCard } from '@/components/MemberCard'
import { PrivacyAuthorization, usePrivacy } from '@/components/PrivacyAuthorization'
import { PrivacyLinks } from '@/components/PrivacyLinks'
import { StatusView } from '@/components/StatusView'
import { DevToolsSlot } from '@/components/DevTools/DevToolsSlot'
import { PageTabBar } from '@/components/TabBar'
import { skipLanding } from '@/components/TabBar/shell'
import { WelcomeCard } from '@/components/WelcomeCard'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { CLAIM_PAGE, campaignIdOfQuery } from '@/domain/campaign/rules'
import { inviteCodeOfQuery } from '@/domain/staff/rules'
import { StaffCorner } from './StaffCorner'
import './index.css'

const go = (url: string) => () => {
  Taro.navigateTo({ url })
}

const goJoin = go('/pages/join/index')
const goConsents = go('/account/consents/index')
const goMemberCode = go('/account/member-code/index')

const BIND_CARD = {
  key: 'bind',
  title: '绑定会员卡',
  hint: '已在服务台办过卡？用卡号和手机验证码绑定',
  onClick: go('/account/bind/index'),
}

const PARKING = {
  key: 'parking',
  title: '停车缴费',
  hint: '在场车辆的停车费与抵扣，一键支付',
  onClick: go('/parking/pay/index'),
}

const TEMP_PARKING = {
  key: 'parking-temp',
  title: '临时车缴费',
  hint: '无需注册，输入车牌即可缴纳停车费',
  onClick: go('/parking/temp/index'),
}

const ACCOUNT = {
  key: 'account',
  title: '账户与隐私',
  hint: '个人资料、车牌、授权管理、我的数据、注销账户',
  onClick: go('/account/settings/index'),
}

/**
 * The member centre: the member card, or the way to join. Nothing personal is processed before
 * the privacy guide is agreed to (L-1): until then no cloud call is made and the non-member
 * welcome is shown.
 */
export default function MemberCentre() {
  const privacy = usePrivacy()
  const agreed = privacy.status === 'agreed'
  const [home, reload] = useRemote(memberApi.home, agreed)
  const { params } = useRouter()
  const justJoined = params.joined === '1'
  const justDeleted = params.deleted === '1'
  // A staff invite's mini-program code opens this page with its scene, URL-encoded.
  const inviteCode = inviteCodeOfQuery(params.scene)
  // A campaign's mini-program code (scene k=c) opens the campaign's claim page.
  const campaignId = campaignIdOfQuery(params.scene)
  useEffect(() => {
    if (campaignId) Taro.navigateTo({ url: `${CLAIM_PAGE}?id=${campaignId}` })
  }, [campaignId])
  // Opened for something of its own (an invite, 申请成功 …): staff are not sent to their tab.
  if (params.scene || justJoined || justDeleted) skipLanding()

  const content = () => {
    if (privacy.status === 'checking') return <StatusView state="loading" />
    if (home.state === 'failed') return <StatusView state="failed" failure={home.failure} onRetry={reload} />
    if (agreed && home.state === 'loading') return <StatusView state="loading" />
    if (home.state === 'ready' && home.data.reconsent) {
      // The basic purpose's scope widened since the member agreed: asked again (6.1.2).
      return (
        <>
          <View className="card home__reconsent">
            <Text className="card__title">会员个人信息处理规则已更新</Text>
            <Text className="home__reconsent-text">
              会员基础服务的处理范围有变化，需要您重新阅读并同意后才能继续使用会员服务；不同意也可以注销账户。
            </Text>
            <Button type="primary" block className="home__reconsent-go" onClick={goConsents}>
              查看并重新同意
            </Button>
          </View>
          <EntryList className="home__entries" entries={[ACCOUNT]} />
        </>
      )
    }
    if (!agreed || home.state !== 'ready' || !home.data.member) {
      return (
        <>
          {justDeleted && (
            <Text className="home__deleted">账户已注销，您的个人信息已删除。欢迎随时重新申请。</Text>
          )}
          <WelcomeCard onJoin={goJoin} />
          <EntryList className="home__entries" entries={[BIND_CARD, TEMP_PARKING]} />
        </>
      )
    }
    return (
      <>
        <MemberCard
          member={home.data.member}
          onShowCode={goMemberCode}
          onPoints={go('/account/points/index')}
          onReceipt={go('/account/receipt/index')}
          onTier={go('/account/tier/index')}
        />
        {justJoined && <Text className="home__joined">申请成功，欢迎成为会员！</Text>}
        <EntryList
          className="home__entries"
          entries={home.data.member.hasCard ? [PARKING, ACCOUNT] : [PARKING, ACCOUNT, BIND_CARD]}
        />
      </>
    )
  }

  return (
    <View className="home">
      <View className="home__hero">
        <Text className="home__greeting">会员中心</Text>
      </View>
      <View className="home__body">
        <StaffCorner enabled={agreed} inviteCode={inviteCode} />
        {content()}
      </View>
      <PrivacyLinks />
      <PrivacyAuthorization mode="launch" />
      <DevToolsSlot />
      <PageTabBar tab="member" />
    </View>
  )
}
