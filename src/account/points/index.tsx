import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect, useState } from 'react'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { Failure } from '@/domain/errors'
import type { HistoryEntry } from '@/domain/points/model'
import { PointsBalance } from './PointsBalance'
import './index.css'

const load = () => memberApi.pointsHistory({})

function Entry({ entry }: { entry: HistoryEntry }) {
  return (
    <View className={`points__entry points__entry--${entry.kind}`}>
      <View className="points__entry-top">
        <Text className="points__entry-label">{entry.label}</Text>
        <Text className={`points__delta${entry.delta < 0 ? ' points__delta--minus' : ''}`}>
          {entry.delta > 0 ? `+${entry.delta}` : entry.delta}
        </Text>
      </View>
      {entry.lines.length > 0 && <Text className="points__lines">{entry.lines.join(' · ')}</Text>}
      <Text className="points__meta">
        {entry.time}
        {entry.storeName && ` · ${entry.storeName}`}
        {entry.amount && ` · 消费 ¥${entry.amount}`}
      </Text>
    </View>
  )
}

/** 积分明细 (6.4, L-8): the balance, the next expiry and every entry, newest first. */
export default function PointsPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(load, privacy.status === 'agreed')
  const [entries, setEntries] = useState<HistoryEntry[]>([])
  const [next, setNext] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  useEffect(() => {
    if (remote.state !== 'ready') return
    setEntries(remote.data.entries)
    setNext(remote.data.next)
  }, [remote])

  const more = async () => {
    if (!next) return
    setBusy(true)
    setFailure(undefined)
    const result = await memberApi.pointsHistory({ cursor: next })
    setBusy(false)
    if (!result.ok) return setFailure(result)
    setEntries((shown) => [...shown, ...result.data.entries])
    setNext(result.data.next)
  }

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    return (
      <>
        <PointsBalance summary={remote.data.summary} />
        <View className="points__links">
          <Button
            type="primary"
            className="points__rewards"
            onClick={() => Taro.navigateTo({ url: '/account/rewards/index' })}
          >
            积分兑换
          </Button>
          <Button
            className="points__vouchers"
            onClick={() => Taro.navigateTo({ url: '/account/vouchers/index' })}
          >
            我的券
          </Button>
          <Button
            className="points__receipt"
            onClick={() => Taro.navigateTo({ url: '/account/receipt/index' })}
          >
            小票积分
          </Button>
        </View>
        <Text className="page-shell__section">积分记录</Text>
        <View className="card points__list">
          {entries.length === 0 && <Text className="points__empty">暂无积分记录</Text>}
          {entries.map((entry) => (
            <Entry key={entry.id} entry={entry} />
          ))}
        </View>
        {failure && (
          <View className="page-shell__alert">
            <FormAlert message={failure.message} />
          </View>
        )}
        {next && (
          <View className="points__more-row">
            <Button block fill="none" className="points__more" loading={busy} onClick={more}>
              加载更多
            </Button>
          </View>
        )}
      </>
    )
  }

  return (
    <PageShell name="points" title="积分明细" intro="新获得的积分在退货期满后可用；时间为北京时间。">
      {content()}
    </PageShell>
  )
}
