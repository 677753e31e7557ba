import { Text } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useCallback } from 'react'
import { campaignApi } from '@/api/campaign'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import { CAMPAIGN_KIND_LABELS, type CampaignCode } from '@/domain/campaign/model'
import { PrintableCode } from '../components/PrintableCode'
import './index.css'

/** The A6 poster of a campaign: what it is, the code, when it runs; then its print and save. */
function Poster({ campaignId, code }: { campaignId: string; code: CampaignCode }) {
  return (
    <PrintableCode
      className="campaign-code"
      png={code.png}
      fileName={`campaign-${campaignId}`}
      printLabel="打印海报"
      head={
        <>
          <Text className="campaign-code__kind">{CAMPAIGN_KIND_LABELS[code.kind]}</Text>
          <Text className="campaign-code__title">{code.title}</Text>
        </>
      }
      foot={
        <>
          <Text className="campaign-code__call">微信扫码领取</Text>
          <Text className="campaign-code__window">
            活动时间 {code.startsOn} 至 {code.endsOn}
          </Text>
        </>
      }
    >
      <Text className="campaign-code__scene">{code.scene}</Text>
    </PrintableCode>
  )
}

/** 活动码: the campaign's mini-program code, to print on a poster or show from a phone. */
export default function CampaignCodePage() {
  const campaignId = useRouter().params.id ?? ''
  const load = useCallback(() => campaignApi.campaignCode({ campaignId }), [campaignId])
  const [code, reload] = useRemote(load)

  const content = () => {
    if (code.state === 'loading') return <StatusView state="loading" />
    if (code.state === 'failed') return <StatusView state="failed" failure={code.failure} onRetry={reload} />
    return <Poster campaignId={campaignId} code={code.data} />
  }

  return (
    <PageShell name="campaign-code" title="活动码" intro="可打印张贴或直接出示给顾客扫码。">
      {content()}
    </PageShell>
  )
}
