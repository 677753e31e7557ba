import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useEffect, useState } from 'react'
import { staffApi } from '@/api/staff'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import type { LookedUpMember, LookupAnswer } from '@/domain/contracts/lookup'
import { chinaDate } from '@/domain/dates'
import type { Failure } from '@/domain/errors'
import {
  isMemberNoTail,
  REASSIGN_REASON_IDS,
  REASSIGN_REASONS,
  REVEAL_FIELD_LABELS,
  REVEAL_FIELDS,
  REVEAL_REASON_IDS,
  REVEAL_REASONS,
  REVEAL_SHOWN_MS,
  type ReassignReason,
  type RevealField,
  type RevealReason,
} from '@/domain/staff/lookup'
import { useStaffContext } from '../useStaffContext'
import { ScanMember } from './ScanMember'
import './index.css'

interface Revealed {
  field: RevealField
  value: string
}

/** A panel's confirmation (on top, under the thumb) and 取消. */
function PanelActions(props: {
  className: string
  label: string
  disabled: boolean
  busy: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  return (
    <View className="lookup__panel-actions">
      <Button
        type="primary"
        block
        className={props.className}
        disabled={props.disabled}
        loading={props.busy}
        onClick={props.onConfirm}
      >
        {props.label}
      </Button>
      <Button block onClick={props.onCancel}>
        取消
      </Button>
    </View>
  )
}

/** 查看完整: one field, a reason from the list, shown for a short while. */
function RevealPanel({
  member,
  onRevealed,
  onClose,
}: {
  member: LookedUpMember
  onRevealed: (revealsLeft: number) => void
  onClose: () => void
}) {
  const [field, setField] = useState<RevealField>('phone')
  const [reason, setReason] = useState<RevealReason | ''>('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [revealed, setRevealed] = useState<Revealed>()

  useEffect(() => {
    if (!revealed) return undefined
    const timer = setTimeout(onClose, REVEAL_SHOWN_MS)
    return () => clearTimeout(timer)
  }, [revealed, onClose])

  const reveal = async () => {
    if (!reason) return
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.revealField({ ref: member.ref, field, reason })
    setBusy(false)
    if (!result.ok) {
      setFailure(result)
      return
    }
    setRevealed({ field: result.data.field, value: result.data.value })
    onRevealed(result.data.revealsLeft)
  }

  if (revealed)
    return (
      <View className="lookup__panel lookup__revealed">
        <Text className="lookup__revealed-label">{REVEAL_FIELD_LABELS[revealed.field]}（完整）</Text>
        <Text className="lookup__revealed-value">{revealed.value}</Text>
        <Text className="lookup__hint">已记录查看原因，{REVEAL_SHOWN_MS / 1000} 秒后自动隐藏</Text>
        <Button block className="lookup__hide" onClick={onClose}>
          立即隐藏
        </Button>
      </View>
    )

  return (
    <View className="lookup__panel">
      <Text className="lookup__panel-title">查看哪一项</Text>
      <ChoiceChips
        name="field"
        options={REVEAL_FIELDS.map((f) => ({ value: f, label: REVEAL_FIELD_LABELS[f] }))}
        value={field}
        onChange={(value) => value && setField(value)}
      />
      <Text className="lookup__panel-title">查看原因（必选，将记入审计日志）</Text>
      <ChoiceChips
        name="reason"
        options={REVEAL_REASON_IDS.map((r) => ({ value: r, label: REVEAL_REASONS[r] }))}
        value={reason}
        onChange={setReason}
      />
      {failure && <FormAlert message={failure.message} />}
      <PanelActions
        className="lookup__confirm"
        label="确认查看"
        disabled={!reason}
        busy={busy}
        onConfirm={reveal}
        onCancel={onClose}
      />
    </View>
  )
}

/** 调整归属渠道 (managers): another channel of the member's store, with a reason. */
function ReassignPanel({
  member,
  onDone,
  onClose,
}: {
  member: LookedUpMember
  onDone: (source: { channelId: string; name: string }) => void
  onClose: () => void
}) {
  const [channels, setChannels] = useState<{ value: string; label: string }[]>()
  const [channelId, setChannelId] = useState('')
  const [reason, setReason] = useState<ReassignReason | ''>('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  useEffect(() => {
    const today = chinaDate(Date.now())
    staffApi.channelReport({ from: today, to: today, storeId: member.store.id }).then((result) => {
      if (!result.ok) setFailure(result)
      else
        setChannels(
          result.data.channels
            .filter((c) => c.open && c.channelId !== member.source?.channelId)
            .map((c) => ({ value: c.channelId, label: c.name })),
        )
    })
  }, [member])

  const save = async () => {
    if (!channelId || !reason) return
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.reassignSource({ ref: member.ref, channelId, reason })
    setBusy(false)
    if (result.ok) onDone(result.data.source)
    else setFailure(result)
  }

  return (
    <View className="lookup__panel">
      <Text className="lookup__panel-title">改为以下渠道</Text>
      {channels ? (
        <ChoiceChips name="channel" options={channels} value={channelId} onChange={setChannelId} />
      ) : (
        !failure && <Text className="lookup__hint">正在读取本店渠道…</Text>
      )}
      <Text className="lookup__panel-title">调整原因（必选）</Text>
      <ChoiceChips
        name="reassign"
        options={REASSIGN_REASON_IDS.map((r) => ({ value: r, label: REASSIGN_REASONS[r] }))}
        value={reason}
        onChange={setReason}
      />
      {failure && <FormAlert message={failure.message} />}
      <PanelActions
        className="lookup__reassign-confirm"
        label="确认调整"
        disabled={!channelId || !reason}
        busy={busy}
        onConfirm={save}
        onCancel={onClose}
      />
    </View>
  )
}

/** 消费积分 for this member: the ref, and the masked name and number to show. */
const openEarn = (member: LookedUpMember) =>
  Taro.navigateTo({
    url: `/staff/earn/index?ref=${encodeURIComponent(member.ref)}&name=${encodeURIComponent(member.name)}&no=${encodeURIComponent(member.memberNo)}`,
  })

function MemberCard({
  member,
  mayReassign,
  onRevealed,
}: {
  member: LookedUpMember
  mayReassign: boolean
  onRevealed: (revealsLeft: number) => void
}) {
  const [open, setOpen] = useState<'reveal' | 'reassign'>()
  const [source, setSource] = useState(member.source)
  const close = () => setOpen(undefined)
  return (
    <View className="card lookup__member">
      <View className="lookup__member-head">
        <Text className="lookup__name">{member.name}</Text>
        <Text className="lookup__tier">{member.tierLabel}</Text>
      </View>
      <Text className="lookup__line">手机号 {member.phone}</Text>
      <Text className="lookup__line">会员号 {member.memberNo}</Text>
      <Text className="lookup__line">
        积分 {member.points} · {member.store.name}
      </Text>
      {mayReassign && <Text className="lookup__line">入会渠道 {source?.name ?? '未记录'}</Text>}
      {open === 'reveal' && <RevealPanel member={member} onRevealed={onRevealed} onClose={close} />}
      {open === 'reassign' && (
        <ReassignPanel
          member={{ ...member, ...(source ? { source } : {}) }}
          onClose={close}
          onDone={(next) => {
            setSource(next)
            close()
          }}
        />
      )}
      {!open && (
        <View className="lookup__member-actions">
          <Button type="primary" block className="lookup__earn" onClick={() => openEarn(member)}>
            积分
          </Button>
          <Button block className="lookup__reveal" onClick={() => setOpen('reveal')}>
            查看完整
          </Button>
          {mayReassign && (
            <Button block className="lookup__reassign" onClick={() => setOpen('reassign')}>
              调整归属渠道
            </Button>
          )}
        </View>
      )}
    </View>
  )
}

/** 会员查询: the counter finds a member by the last four digits of the number or by their member code, masked. */
export default function LookupPage() {
  const [context] = useStaffContext()
  const [tail, setTail] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [answer, setAnswer] = useState<LookupAnswer>()
  const [scanned, setScanned] = useState<LookedUpMember>()
  const me = context.state === 'ready' ? context.data.staff : null
  const mayReassign = me?.role === 'manager' || me?.role === 'admin'

  const search = async () => {
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.lookupMember({ tail })
    setBusy(false)
    setScanned(undefined)
    if (result.ok) setAnswer(result.data)
    else setFailure(result)
  }

  const found = (member: LookedUpMember) => {
    setAnswer(undefined)
    setFailure(undefined)
    setScanned(member)
  }

  return (
    <PageShell name="lookup" title="会员查询">
      <View className="card lookup__search">
        <Text className="lookup__label">会员号后4位</Text>
        <Input
          className="lookup__input"
          type="number"
          maxlength={4}
          value={tail}
          placeholder="0000"
          onInput={(event) => setTail(event.detail.value.replace(/\D/g, '').slice(0, 4))}
          onConfirm={() => {
            if (isMemberNoTail(tail)) search()
          }}
        />
        <Button
          type="primary"
          block
          className="lookup__search-button"
          disabled={!isMemberNoTail(tail)}
          loading={busy}
          onClick={search}
        >
          查询
        </Button>
      </View>
      <ScanMember onFound={found} />
      {scanned && (
        <MemberCard
          key={scanned.ref}
          member={scanned}
          mayReassign={mayReassign}
          onRevealed={() => undefined}
        />
      )}
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      {answer && (
        <>
          <Text className="lookup__summary">
            {answer.members.length === 0
              ? '本店没有会员号以此结尾的会员'
              : `找到 ${answer.members.length} 位会员${answer.truncated ? '（仅显示前几位，请核对手机号）' : ''}`}
            {` · 今日还可查看完整信息 ${answer.revealsLeft} 次`}
          </Text>
          {answer.members.map((member) => (
            <MemberCard
              key={member.ref}
              member={member}
              mayReassign={mayReassign}
              onRevealed={(revealsLeft) => setAnswer((current) => current && { ...current, revealsLeft })}
            />
          ))}
        </>
      )}
    </PageShell>
  )
}
