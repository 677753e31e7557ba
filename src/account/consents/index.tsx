import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { memberApi } from '@/api'
import { requestSubscription, scrollToSelector } from '@/api/platform'
import { useRemote } from '@/api/useRemote'
import { ConsentReceipts } from '@/components/ConsentReceipts'
import { ConsentSwitchList, WITHDRAW_EFFECT, type ConsentSwitch } from '@/components/ConsentSwitchList'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { ERROR_MESSAGES, fail, type Failure } from '@/domain/errors'
import { NOTICE_VERSION, PURPOSES, type PurposeId } from '@/domain/consent/purposes'
import type { ConsentsData, ConsentView } from '@/domain/consent/model'
import { newRequestKey } from '@/api/requestKey'

const goDelete = () => {
  Taro.navigateTo({ url: '/account/delete/index' })
}

/** Why a purpose cannot be switched on now, if it cannot. */
function blockedOf(view: ConsentView, granted: Set<PurposeId>): { blocked?: string } {
  if (view.requires !== null && !granted.has(view.requires))
    return { blocked: `需先开启“${PURPOSES[view.requires].title}”` }
  if (view.subscription && view.subscription.templateId === null)
    return { blocked: ERROR_MESSAGES.SUBSCRIBE_NOT_CONFIGURED }
  return {}
}

/**
 * 隐私与授权 (6.1.1, 6.1.2, 6.6.1, L-2, L-8, L-12): each purpose with its own switch, off unless
 * the member agreed; a change takes effect at once; switching off what deletes data asks first;
 * each subscribe-message topic is its own switch and asks WeChat's dialog from the tap; the
 * receipts of every change below.
 */
export default function ConsentsPage() {
  const privacy = usePrivacy()
  const focus = useRouter().params.topic
  const [remote, reload] = useRemote(memberApi.consents, privacy.status === 'agreed')
  // The latest answer of a change replaces the loaded one.
  const [changed, setChanged] = useState<ConsentsData>()
  const [busy, setBusy] = useState<PurposeId>()
  const [confirming, setConfirming] = useState<PurposeId>()
  const [failure, setFailure] = useState<Failure>()

  const data = changed ?? (remote.state === 'ready' ? remote.data : undefined)
  const ready = data !== undefined

  useEffect(() => {
    if (!ready || !focus) return
    // Coming from a subscribe message: show that topic's switch.
    scrollToSelector('.consent-list__item--focus')
  }, [ready, focus])

  const apply = async (purpose: PurposeId, grant: boolean, subscription?: { requestId: string }) => {
    setBusy(purpose)
    setFailure(undefined)
    const result = await memberApi.setConsent({
      purpose,
      granted: grant,
      noticeVersion: NOTICE_VERSION,
      subscription,
    })
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

  /** Turns a topic on, or allows one more message: WeChat's dialog first, straight from the tap. */
  const subscribe = (purpose: PurposeId) => {
    const view = data?.consents.find((c) => c.purpose === purpose)
    const asked = requestSubscription(view?.subscription?.templateId ?? null)
    setBusy(purpose)
    setFailure(undefined)
    void asked.then((answer) => {
      if (answer === 'accept') return apply(purpose, true, { requestId: newRequestKey() })
      setBusy(undefined)
      setFailure(fail(answer === 'reject' ? 'SUBSCRIBE_REJECTED' : 'SUBSCRIBE_UNAVAILABLE'))
      return undefined
    })
  }

  const handleChange = (purpose: PurposeId, grant: boolean) => {
    setConfirming(undefined)
    const view = data?.consents.find((c) => c.purpose === purpose)
    if (grant && view?.subscription) {
      subscribe(purpose)
      return
    }
    if (!grant && WITHDRAW_EFFECT[purpose]) {
      setConfirming(purpose)
      return
    }
    void apply(purpose, grant)
  }

  const confirmWithdraw = (purpose: PurposeId) => {
    setConfirming(undefined)
    void apply(purpose, false)
  }

  const content = () => {
    if (remote.state === 'failed' && !data) {
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    }
    if (!data) return <StatusView state="loading" />
    const granted = new Set(data.consents.filter((c) => c.granted).map((c) => c.purpose))
    const items: ConsentSwitch[] = data.consents.map((c) => ({
      purpose: c.purpose,
      granted: c.granted,
      renewal: c.needsReconsent,
      ...blockedOf(c, granted),
      ...(c.subscription ? { pending: c.subscription.pending } : {}),
    }))
    return (
      <>
        {failure && (
          <View className="page-shell__alert">
            <FormAlert message={failure.message} />
          </View>
        )}
        <ConsentSwitchList
          items={items}
          busy={busy}
          focus={focus}
          confirming={confirming}
          onChange={handleChange}
          onSubscribeAgain={subscribe}
          onConfirm={confirmWithdraw}
          onCancelConfirm={() => setConfirming(undefined)}
          onCancelMembership={goDelete}
        />
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
