import { Input, Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useCallback, useState } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { PlateDisplay, PlateKeyboard } from '@/components/PlateKeyboard'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { DeskSession } from '@/domain/contracts/parking'
import type { Failure } from '@/domain/errors'
import { isValidPlate } from '@/domain/plate/model'
import {
  WAIVE_NOTE_MAX,
  WAIVE_NOTE_REASON,
  WAIVE_REASON_IDS,
  WAIVE_REASONS,
  type WaiveReason,
} from '@/domain/parking/waive'
import './index.css'
import { newRequestKey } from '@/api/requestKey'

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** MM-DD HH:mm in China time. */
const chinaTime = (iso: string | null) =>
  iso ? new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' ') : '—'

/** What the desk may still waive: the fee less what was paid and waived; a session it must close. */
const dueOf = (s: DeskSession) => Math.max(0, s.feeFen - s.paidFen - s.waivedFen)
const mayWaive = (s: DeskSession) =>
  dueOf(s) > 0 || ((s.state === 'exitOnly' || s.state === 'unclosed') && !s.waived)

/** 减免: a reason from the list (a note for 其他), then the confirmation naming the amount. */
function WaivePanel({
  session,
  onDone,
  onClose,
}: {
  session: DeskSession
  onDone: (message: string) => void
  onClose: () => void
}) {
  const [reason, setReason] = useState<WaiveReason | ''>('')
  const [note, setNote] = useState('')
  const [key] = useState(newRequestKey)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const needsNote = reason === WAIVE_NOTE_REASON
  const ready = reason !== '' && (!needsNote || note.trim() !== '')

  const confirm = async () => {
    if (!reason) return
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.waiveParking({
      sessionId: session.sessionId,
      reasonCode: reason,
      ...(needsNote ? { note: note.trim() } : {}),
      key,
    })
    setBusy(false)
    if (!result.ok) setFailure(result)
    else
      onDone(
        `已减免 ${yuan(result.data.waivedFen)}，请在 ${chinaTime(result.data.paidUntil).slice(6)} 前离场 · 今日还可减免 ${result.data.waivesLeft} 次`,
      )
  }

  return (
    <View className="desk__panel">
      <Text className="desk__panel-title">减免原因（必选，将记入审计日志）</Text>
      <ChoiceChips
        name="waive"
        options={WAIVE_REASON_IDS.map((r) => ({ value: r, label: WAIVE_REASONS[r] }))}
        value={reason}
        onChange={setReason}
      />
      {needsNote && (
        <Input
          className="desk__note"
          value={note}
          maxlength={WAIVE_NOTE_MAX}
          placeholder="请填写备注"
          onInput={(event) => setNote(event.detail.value)}
        />
      )}
      <Text className="desk__confirm-text">
        {dueOf(session) > 0
          ? `将减免 ${yuan(dueOf(session))}，车辆可直接离场`
          : '将关闭这条记录，车辆可直接离场'}
      </Text>
      {failure && <FormAlert message={failure.message} />}
      <View className="desk__panel-actions">
        <Button
          type="primary"
          block
          className="desk__waive-confirm"
          disabled={!ready}
          loading={busy}
          onClick={confirm}
        >
          确认减免
        </Button>
        <Button block onClick={onClose}>
          取消
        </Button>
      </View>
    </View>
  )
}

function SessionCard({ session, onWaived }: { session: DeskSession; onWaived?: (message: string) => void }) {
  const [open, setOpen] = useState(false)
  return (
    <View className={`card desk__session desk__session--${session.state}`}>
      <View className="desk__session-head">
        <Text className="desk__plate">{session.plate}</Text>
        <Text className={`desk__state desk__state--${session.state}`}>{session.stateLabel}</Text>
      </View>
      <Text className="desk__line">
        入场 {chinaTime(session.enteredAt)} · 出场 {chinaTime(session.exitedAt)}
      </Text>
      <Text className="desk__line">
        停车费 {yuan(session.feeFen)} · 已缴 {yuan(session.paidFen)}
        {session.waived ? ` · 已减免 ${yuan(session.waivedFen)}` : ''}
      </Text>
      {onWaived && open && (
        <WaivePanel
          session={session}
          onClose={() => setOpen(false)}
          onDone={(message) => {
            setOpen(false)
            onWaived(message)
          }}
        />
      )}
      {onWaived && !open && mayWaive(session) && (
        <Button block className="desk__waive" onClick={() => setOpen(true)}>
          减免
        </Button>
      )}
    </View>
  )
}

/** 停车服务台: a plate's sessions at the staff member's car parks, the waive, and the last hour's exits. */
export default function ParkingDeskPage() {
  const privacy = usePrivacy()
  const exits = useCallback(() => staffApi.parkingRecentExits({}), [])
  const [recent, reloadRecent] = useRemote(exits, privacy.status === 'agreed')
  const [plate, setPlate] = useState('')
  const [typing, setTyping] = useState(true)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [found, setFound] = useState<DeskSession[]>()
  const [done, setDone] = useState('')

  const lookup = async () => {
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.parkingDeskLookup({ plate })
    setBusy(false)
    if (result.ok) setFound(result.data.sessions)
    else setFailure(result)
  }

  const search = () => {
    if (!isValidPlate(plate)) return
    setTyping(false)
    setDone('')
    lookup()
  }

  const waived = (message: string) => {
    setDone(message)
    lookup()
    reloadRecent()
  }

  return (
    <PageShell name="parking-desk" title="停车服务台">
      <View className="card desk__search">
        <Text className="desk__label">车牌号</Text>
        <PlateDisplay value={plate} active={typing} onClick={() => setTyping(true)} />
        <Button
          type="primary"
          block
          className="desk__search-button"
          disabled={!isValidPlate(plate)}
          loading={busy}
          onClick={search}
        >
          查询
        </Button>
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      {done && <Text className="desk__done">{done}</Text>}
      {found && (
        <>
          <Text className="desk__summary">
            {found.length === 0 ? '本店停车场没有该车牌的停车记录' : `找到 ${found.length} 条停车记录`}
          </Text>
          {found.map((session) => (
            <SessionCard key={session.sessionId} session={session} onWaived={waived} />
          ))}
        </>
      )}
      <Text className="desk__section">最近 1 小时离场</Text>
      {recent.state === 'loading' && <StatusView state="loading" />}
      {recent.state === 'failed' && (
        <StatusView state="failed" failure={recent.failure} onRetry={reloadRecent} />
      )}
      {recent.state === 'ready' &&
        (recent.data.sessions.length === 0 ? (
          <Text className="desk__summary">最近 1 小时没有车辆离场</Text>
        ) : (
          <View className="desk__exits">
            {recent.data.sessions.map((session) => (
              <SessionCard key={session.sessionId} session={session} />
            ))}
          </View>
        ))}
      {typing && <View className="desk__keyboard-space" />}
      {typing && (
        <View className="desk__keyboard">
          <PlateKeyboard value={plate} onChange={setPlate} onDone={search} />
        </View>
      )}
    </PageShell>
  )
}
