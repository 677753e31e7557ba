import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { staffApi } from '@/api/staff'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import { TextField } from '@/components/TextField'
import { STAFF_NAME_MAX, type CreatedInvite, type StaffMember } from '@/domain/contracts/staff'
import { chinaTime } from '@/domain/dates'
import type { Failure } from '@/domain/errors'
import type { StoreOption } from '@/domain/member/model'
import { ALL_STORE_ROLES, STAFF_ROLES, STAFF_ROLE_TITLES, type StaffRole } from '@/domain/staff/model'
import { CounterPicker } from '../components/CounterPicker'
import '../components/chips-field.css'
import { useStaffContext } from '../useStaffContext'
import './index.css'

/** A manager invites counter staff of their own stores; an admin anyone, anywhere. */
const rolesFor = (inviter: StaffMember): readonly StaffRole[] =>
  inviter.role === 'admin' ? STAFF_ROLES : ['counter']

const storesFor = (inviter: StaffMember, stores: StoreOption[]): StoreOption[] =>
  inviter.role === 'admin' ? stores : stores.filter((s) => inviter.storeIds.includes(s.id))

/** The code in groups of four, as it is read out. */
const grouped = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ')

interface Shown {
  invite: CreatedInvite
  /** The mini-program code's PNG, base64; absent when it could not be made. */
  png?: string
  revoked?: boolean
}

function InviteForm({
  inviter,
  stores,
  onCreated,
}: {
  inviter: StaffMember
  stores: StoreOption[]
  onCreated: (shown: Shown) => void
}) {
  const roles = rolesFor(inviter)
  const storeOptions = storesFor(inviter, stores)
  const [role, setRole] = useState<StaffRole>('counter')
  const [storeId, setStoreId] = useState(storeOptions[0]?.id ?? '')
  const [counterId, setCounterId] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const mallWide = ALL_STORE_ROLES.includes(role)

  const create = async () => {
    setBusy(true)
    setFailure(undefined)
    const created = await staffApi.createInvite({
      role,
      storeIds: mallWide ? [] : [storeId],
      ...(counterId.trim() && !mallWide ? { counterId: counterId.trim() } : {}),
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    })
    if (!created.ok) {
      setBusy(false)
      setFailure(created)
      return
    }
    const image = await staffApi.inviteCode({ code: created.data.code })
    setBusy(false)
    onCreated({ invite: created.data, png: image.ok ? image.data.png : undefined })
  }

  return (
    <>
      <View className="card invite__form">
        <View className="chips-field">
          <FormField name="role" label="岗位" required>
            <ChoiceChips
              name="role"
              options={roles.map((r) => ({ value: r, label: STAFF_ROLE_TITLES[r] }))}
              value={role}
              onChange={(value) => value && setRole(value)}
            />
          </FormField>
        </View>
        {!mallWide && (
          <View className="chips-field">
            <FormField name="store" label="门店" required>
              <ChoiceChips
                name="store"
                options={storeOptions.map((s) => ({ value: s.id, label: s.name }))}
                value={storeId}
                onChange={(value) => value && setStoreId(value)}
              />
            </FormField>
          </View>
        )}
        {role === 'counter' && storeId && (
          <CounterPicker key={storeId} storeId={storeId} value={counterId} onChange={setCounterId} />
        )}
        <TextField
          block="invite"
          name="displayName"
          label="称呼"
          required={false}
          value={displayName}
          maxLength={STAFF_NAME_MAX}
          placeholder="如 兰蔻专柜导购 王小明"
          onChange={setDisplayName}
        />
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="invite__actions">
        <Button
          type="primary"
          block
          className="invite__create"
          loading={busy}
          disabled={!mallWide && !storeId}
          onClick={create}
        >
          生成邀请码
        </Button>
      </View>
    </>
  )
}

function InviteCard({
  shown,
  onRevoked,
  onAnother,
}: {
  shown: Shown
  onRevoked: () => void
  onAnother: () => void
}) {
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const { invite, png, revoked } = shown

  const revoke = async () => {
    const { confirm } = await Taro.showModal({
      title: '撤销邀请',
      content: '撤销后这张邀请码不能再使用。',
      confirmText: '撤销',
      confirmColor: '#c42b1c',
    })
    if (!confirm) return
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.revokeInvite({ code: invite.code })
    setBusy(false)
    if (result.ok) onRevoked()
    else setFailure(result)
  }

  return (
    <>
      <View className="card invite__card">
        <Text className="card__title">{revoked ? '邀请已撤销' : '请同事用微信扫码加入'}</Text>
        {!revoked && png && (
          <Image className="invite__qr" src={`data:image/png;base64,${png}`} mode="aspectFit" />
        )}
        {!revoked && !png && (
          <Text className="invite__text">小程序码暂时无法生成，请让同事输入下方邀请码。</Text>
        )}
        <Text className={`invite__code${revoked ? ' invite__code--revoked' : ''}`}>
          {grouped(invite.code)}
        </Text>
        <Text className="invite__expiry">
          {revoked ? '已失效' : `仅可使用一次，${chinaTime(invite.expiresAt)}（北京时间）前有效`}
        </Text>
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="invite__actions">
        {revoked ? (
          <Button type="primary" block className="invite__another" onClick={onAnother}>
            再邀请一位
          </Button>
        ) : (
          <Button
            type="danger"
            fill="outline"
            block
            className="invite__revoke"
            loading={busy}
            onClick={revoke}
          >
            撤销邀请
          </Button>
        )}
      </View>
    </>
  )
}

/** 邀请同事 (5.3): a one-time invite for a role and store, shown as a mini-program code to scan. */
export default function InvitePage() {
  const [context, reload] = useStaffContext()
  const [shown, setShown] = useState<Shown>()

  const content = () => {
    if (context.state === 'loading') return <StatusView state="loading" />
    if (context.state === 'failed') {
      return <StatusView state="failed" failure={context.failure} onRetry={reload} />
    }
    const { staff, stores } = context.data
    if (!staff || (staff.role !== 'manager' && staff.role !== 'admin')) {
      return (
        <View className="card">
          <Text className="card__title">只有店长和商场管理员可以邀请同事</Text>
        </View>
      )
    }
    if (shown) {
      return (
        <InviteCard
          shown={shown}
          onRevoked={() => setShown({ ...shown, revoked: true })}
          onAnother={() => setShown(undefined)}
        />
      )
    }
    return <InviteForm inviter={staff} stores={stores} onCreated={setShown} />
  }

  return (
    <PageShell name="invite" title="邀请同事" intro="邀请码 24 小时内有效，只能使用一次。">
      {content()}
    </PageShell>
  )
}
