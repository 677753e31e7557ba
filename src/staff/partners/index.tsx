import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useRef } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import {
  CERT_LEVEL_TITLES,
  PARTNER_FLAG_TITLES,
  PARTNER_KIND_TITLES,
  PARTNER_REACH_TITLES,
  type Partner,
} from '@/domain/partner/model'
import './index.css'

const PARTNER_PAGE = '/staff/partner/index'

const open = (partnerId?: string) => () => {
  Taro.navigateTo({ url: partnerId ? `${PARTNER_PAGE}?id=${partnerId}` : PARTNER_PAGE })
}

function PartnerCard({ partner }: { partner: Partner }) {
  const { agreement, cert } = partner
  return (
    <View
      className={`card partners__item partners__item--${partner.status}`}
      ariaRole="button"
      onClick={open(partner.partnerId)}
    >
      <View className="partners__head">
        <Text className="partners__name">{partner.name}</Text>
        <Text className="partners__kind">
          {partner.status === 'ended' ? `已终止 ${partner.endedOn ?? ''}` : PARTNER_KIND_TITLES[partner.kind]}
        </Text>
      </View>
      <Text className="partners__line">
        可访问：{partner.reach.map((r) => PARTNER_REACH_TITLES[r]).join('、')}
      </Text>
      <Text className="partners__line">
        保密协议 {agreement.ref}，{agreement.expiresOn} 到期
      </Text>
      <Text className="partners__line">
        等保 {CERT_LEVEL_TITLES[cert.level]}
        {cert.expiresOn ? `，${cert.expiresOn} 到期` : ''}
      </Text>
      {partner.flags.length > 0 && (
        <View className="partners__flags">
          {partner.flags.map((flag) => (
            <Text key={flag} className={`partners__flag partners__flag--${flag}`}>
              {PARTNER_FLAG_TITLES[flag]}
            </Text>
          ))}
        </View>
      )}
    </View>
  )
}

/** 合作方登记 (4.1.4): partners and suppliers with access to our systems, what needs a look first. */
export default function PartnersPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(staffApi.listPartners, privacy.status === 'agreed')
  // Coming back from the form shows its change.
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) reload()
    shown.current = true
  })

  const content = () => {
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    const partners = [...remote.data.partners].sort(
      (a, b) =>
        Number(a.status === 'ended') - Number(b.status === 'ended') || b.flags.length - a.flags.length,
    )
    if (partners.length === 0) return <Text className="partners__empty">还没有登记合作方</Text>
    return (
      <View className="partners__items">
        {partners.map((partner) => (
          <PartnerCard key={partner.partnerId} partner={partner} />
        ))}
      </View>
    )
  }

  return (
    <PageShell
      name="partners"
      title="合作方登记"
      intro="可访问系统或数据的合作方、供应商，及其保密协议和等保认证"
    >
      <View className="partners__actions">
        <Button type="primary" block className="partners__create" onClick={open()}>
          登记合作方
        </Button>
      </View>
      {content()}
    </PageShell>
  )
}
