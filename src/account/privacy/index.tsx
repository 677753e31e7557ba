import { View } from '@tarojs/components'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { ConsentNotice } from '@/components/ConsentNotice'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import './index.css'

/**
 * 隐私保护指引 where WeChat has no guide page of its own (H5, old base libraries): the notice,
 * generated on the server from the data inventory, with every rule open. It is read before any
 * agreement, so the page neither asks for one nor handles personal information.
 */
export default function PrivacyGuidePage() {
  const [remote, reload] = useRemote(memberApi.joinForm)
  const content = () => {
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    return (
      <View className="card privacy-guide">
        <ConsentNotice notice={remote.data.notice} rulesOpen />
      </View>
    )
  }
  return (
    <PageShell name="privacy" title="隐私保护指引" privacy={false}>
      {content()}
    </PageShell>
  )
}
