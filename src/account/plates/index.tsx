import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { Failure } from '@/domain/errors'
import { NOTICE_VERSION, PURPOSES } from '@/domain/consent/purposes'
import { MAX_PLATES, type PlateView } from '@/domain/plate/model'
import { AddPlate } from './AddPlate'
import { PlateList } from './PlateList'
import './index.css'

/** Asked only here, because the member came to bind a plate (4.2.2.6, L-4). */
function ParkingConsent({ busy, onGrant }: { busy: boolean; onGrant: () => void }) {
  return (
    <View className="card plates__consent">
      <Text className="card__title">需要开启“{PURPOSES.parking.title}”授权</Text>
      <Text className="plates__consent-text">{PURPOSES.parking.description}</Text>
      <Text className="plates__consent-text">
        这是单独的授权，可随时在“隐私与授权”中关闭；关闭后已绑定的车牌会被删除。
      </Text>
      <Button type="primary" block className="plates__consent-grant" loading={busy} onClick={onGrant}>
        同意并开启
      </Button>
    </View>
  )
}

/** 车牌管理 (4.2.2.6): up to 3 plates under the separate parking consent; unbind any time. */
export default function PlatesPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(memberApi.plates, privacy.status === 'agreed')
  const [plates, setPlates] = useState<PlateView[]>()
  const [adding, setAdding] = useState(false)
  const [busy, setBusy] = useState<string>()
  const [failure, setFailure] = useState<Failure>()

  const shown = plates ?? (remote.state === 'ready' ? remote.data.plates : undefined)
  const needsConsent =
    remote.state === 'failed' && remote.failure.code === 'PURPOSE_CONSENT_REQUIRED' && !plates

  const run = async (
    key: string,
    call: () => Promise<{ ok: true; data: { plates: PlateView[] } } | Failure>,
  ) => {
    setBusy(key)
    setFailure(undefined)
    const result = await call()
    setBusy(undefined)
    if (!result.ok) {
      setFailure(result)
      return false
    }
    setPlates(result.data.plates)
    return true
  }

  const handleGrant = async () => {
    setBusy('consent')
    setFailure(undefined)
    const result = await memberApi.setConsent({
      purpose: 'parking',
      granted: true,
      noticeVersion: NOTICE_VERSION,
    })
    setBusy(undefined)
    if (result.ok) reload()
    else setFailure(result)
  }

  const handleSave = async (plate: string) => {
    if (await run('add', () => memberApi.bindPlate({ plate }))) setAdding(false)
  }

  const content = () => {
    if (needsConsent) return <ParkingConsent busy={busy === 'consent'} onGrant={handleGrant} />
    if (remote.state === 'failed' && !shown) {
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    }
    if (!shown) return <StatusView state="loading" />
    if (adding)
      return <AddPlate saving={busy === 'add'} onSave={handleSave} onCancel={() => setAdding(false)} />
    return (
      <>
        <PlateList
          plates={shown}
          busy={busy}
          onUnbind={(p) => run(p.id, () => memberApi.unbindPlate({ id: p.id }))}
        />
        {shown.length < MAX_PLATES ? (
          <View className="plates__add">
            <Button
              type="primary"
              block
              size="large"
              className="plates__add-button"
              onClick={() => setAdding(true)}
            >
              添加车牌
            </Button>
          </View>
        ) : (
          <Text className="plates__limit">已绑定{MAX_PLATES}个车牌，如需更换请先解绑一个。</Text>
        )}
      </>
    )
  }

  return (
    <PageShell name="plates" title="车牌管理" intro={`最多绑定${MAX_PLATES}个车牌，离场时自动识别会员身份。`}>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      {content()}
    </PageShell>
  )
}
