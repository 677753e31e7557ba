import { Input, Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { staffApi } from '@/api/staff'
import { newRequestKey } from '@/api/requestKey'
import { useRemote } from '@/api/useRemote'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { CatalogueAnswer, CatalogueEntry } from '@/domain/contracts/rewards'
import type { Failure } from '@/domain/errors'
import { tiersLabel } from '@/domain/points/rewards'
import { REWARD_STATUS_LABELS, rewardLimitsLabel } from '@/domain/points/rewardForm'
import { RewardForm } from './RewardForm'
import './index.css'

/** 补充库存: an amount added by an increment, under one key per opened row (a retry adds once). */
function Restock({ entry, onDone }: { entry: CatalogueEntry; onDone: () => void }) {
  const [amount, setAmount] = useState('')
  const [key, setKey] = useState(newRequestKey)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const restock = async () => {
    setBusy(true)
    setFailure(undefined)
    const digits = /^\d+$/.test(amount.trim()) ? Number(amount.trim()) : 0
    const result = await staffApi.restockReward({ rewardId: entry.id, amount: digits, key })
    setBusy(false)
    if (!result.ok) setFailure(result)
    else {
      setAmount('')
      setKey(newRequestKey())
      onDone()
    }
  }

  return (
    <View className="catalogue__restock">
      <View className="catalogue__restock-row">
        <Input
          className="catalogue__restock-input"
          type="number"
          maxlength={6}
          value={amount}
          placeholder="补充数量"
          onInput={(event) => setAmount(event.detail.value)}
        />
        <Button type="primary" className="catalogue__restock-save" loading={busy} onClick={restock}>
          补充库存
        </Button>
      </View>
      {failure && <FormAlert message={failure.message} />}
    </View>
  )
}

function Entry({
  entry,
  onEdit,
  onRestocked,
}: {
  entry: CatalogueEntry
  onEdit: () => void
  onRestocked: () => void
}) {
  const [restocking, setRestocking] = useState(false)
  const window =
    entry.startsOn || entry.endsOn ? `兑换期 ${entry.startsOn ?? '即日'} 至 ${entry.endsOn ?? '长期'}` : null
  return (
    <View className={`card catalogue__item catalogue__item--${entry.status}`}>
      <View className="catalogue__head">
        <Text className="catalogue__name">{entry.name}</Text>
        <Text className={`catalogue__status catalogue__status--${entry.status}`}>
          {REWARD_STATUS_LABELS[entry.status]}
        </Text>
      </View>
      <Text className="catalogue__line catalogue__price">
        {entry.kindLabel} · {entry.points} 积分 · 库存 {entry.stock}
        {entry.parkingMinutes ? ` · 抵扣 ${entry.parkingMinutes} 分钟` : ''}
      </Text>
      <Text className="catalogue__line catalogue__limits">{rewardLimitsLabel(entry)}</Text>
      <Text className="catalogue__line">
        {entry.stores}
        {tiersLabel(entry.tiers) ? ` · ${tiersLabel(entry.tiers)}` : ''}
      </Text>
      {window && <Text className="catalogue__line">{window}</Text>}
      {entry.editable ? (
        <View className="catalogue__actions">
          <Button className="catalogue__edit" onClick={onEdit}>
            编辑
          </Button>
          <Button className="catalogue__open-restock" onClick={() => setRestocking(!restocking)}>
            {restocking ? '收起' : '补充库存'}
          </Button>
        </View>
      ) : (
        <Text className="catalogue__note">全部门店或其他门店的礼品，由商场管理员维护</Text>
      )}
      {restocking && (
        <Restock
          entry={entry}
          onDone={() => {
            setRestocking(false)
            onRestocked()
          }}
        />
      )}
    </View>
  )
}

type Editing = { entry?: CatalogueEntry } | null

function Catalogue({ data, reload }: { data: CatalogueAnswer; reload: () => void }) {
  const [editing, setEditing] = useState<Editing>(null)
  if (editing)
    return (
      <RewardForm
        entry={editing.entry}
        stores={data.stores}
        mallWide={data.mallWide}
        onDone={(saved) => {
          setEditing(null)
          if (saved) reload()
        }}
      />
    )
  return (
    <>
      <View className="catalogue__actions-top">
        <Button type="primary" block className="catalogue__create" onClick={() => setEditing({})}>
          上架新礼品
        </Button>
      </View>
      {data.rewards.length === 0 ? (
        <Text className="catalogue__empty">还没有可维护的礼品</Text>
      ) : (
        <View className="catalogue__items">
          {data.rewards.map((entry) => (
            <Entry key={entry.id} entry={entry} onEdit={() => setEditing({ entry })} onRestocked={reload} />
          ))}
        </View>
      )}
    </>
  )
}

/** 积分商城管理 (6.4.2): the rewards members redeem points for, kept by managers and the admin. */
export default function CataloguePage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(staffApi.rewardCatalogue, privacy.status === 'agreed')

  return (
    <PageShell
      name="catalogue"
      title="积分商城管理"
      intro="会员可用积分兑换的礼品、券和服务：价格、库存与限兑"
    >
      {remote.state === 'loading' && <StatusView state="loading" />}
      {remote.state === 'failed' && <StatusView state="failed" failure={remote.failure} onRetry={reload} />}
      {remote.state === 'ready' && <Catalogue data={remote.data} reload={reload} />}
    </PageShell>
  )
}
