import { Image, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useCallback } from 'react'
import { campaignApi } from '@/api/campaign'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import './index.css'

/** 活动码: the campaign's mini-program code, to print on a poster or show from a phone. */
export default function CampaignCodePage() {
  const campaignId = useRouter().params.id ?? ''
  const load = useCallback(() => campaignApi.campaignCode({ campaignId }), [campaignId])
  const [code, reload] = useRemote(load)

  const content = () => {
    if (code.state === 'loading') return <StatusView state="loading" />
    if (code.state === 'failed') return <StatusView state="failed" failure={code.failure} onRetry={reload} />
    return (
      <View className="card campaign-code__card">
        <Text className="card__title">顾客用微信扫码领取</Text>
        <Image
          className="campaign-code__qr"
          src={`data:image/png;base64,${code.data.png}`}
          mode="aspectFit"
        />
        <Text className="campaign-code__scene">{code.data.scene}</Text>
      </View>
    )
  }

  return (
    <PageShell name="campaign-code" title="活动码" intro="可打印张贴或直接出示给顾客扫码。">
      {content()}
    </PageShell>
  )
}
