import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { selfServiceApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { ConsentReceipts } from '@/components/ConsentReceipts'
import { ConsentSwitchList, type ConsentSwitch } from '@/components/ConsentSwitchList'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { Failure } from '@/domain/errors'
import { NOTICE_VERSION, type PurposeId } from '@/domain/purposes'
import type { ConsentsData } from '@/domain/selfService'

const goDelete = () => {
  Taro.navigateTo({ url: '/account/delete/index' })
}

/**
 * 隐私与授权 (6.1.1, 6.1.2, 6.6.1, L-2, L-8): each purpose with its own switch, off unless the
 * member agreed; a change takes effect at once; the receipts of every change below.
 */
export default function ConsentsPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(selfServiceApi.consents, privacy.status === 'agreed')
  // The latest answer of a change replaces the loaded one.
  const [changed, setChanged] = useState<ConsentsData>()
  const [busy, setBusy] = useState<PurposeId>()
  const [failure, setFailure] = useState<Failure>()

  const data = changed ?? (remote.state === 'ready' ? remote.data : undefined)

  const handleChange = async (purpose: PurposeId, grant: boolean) => {
    setBusy(purpose)
    setFailure(undefined)
    const result = await selfServiceApi.setConsent(purpose, grant, NOTICE_VERSION)
    setBusy(undefined)
    if (result.ok) {
      setChanged(result.data)
      return
    }
    setFailure(result)
    if (result.code === 'NOTICE_OUTDATED') {
      setChanged(undefined)
      reload()
    }
  }

  const content = () => {
    if (remote.state === 'failed' && !data) {
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    }
    if (!data) return <StatusView state="loading" />
    const items: ConsentSwitch[] = data.consents.map((c) => ({
      purpose: c.purpose,
      granted: c.granted,
      renewal: c.needsReconsent,
    }))
    return (
      <>
        {failure && (
          <View className="page-shell__alert">
            <FormAlert message={failure.message} />
          </View>
        )}
        <ConsentSwitchList items={items} busy={busy} onChange={handleChange} onCancelMembership={goDelete} />
        <Text className="page-shell__section">授权记录</Text>
        <ConsentReceipts receipts={data.receipts} />
      </>
    )
  }

  return (
    <PageShell
      name="consents"
      title="隐私与授权"
      intro="除会员基础服务外，每一项都可以单独开启或关闭，关闭立即生效，不影响会员基础服务。"
    >
      <View className="consents">{content()}</View>
    </PageShell>
  )
}
