import { View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { staffApi } from '@/api/staff'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { TextField } from '@/components/TextField'
import { CHANNEL_KINDS, CHANNEL_KIND_LABELS, type ChannelKind } from '@/domain/channel/model'
import { CHANNEL_NAME_MAX, type StaffChannel } from '@/domain/contracts/channels'
import type { Failure } from '@/domain/errors'
import { CounterPicker } from '../components/CounterPicker'
import '../components/chips-field.css'

/** 新建渠道: a manager opens a channel of the store shown, with a new code (4.2.1.2). */
export function NewChannel({
  storeId,
  onCreated,
  onCancel,
}: {
  storeId: string
  onCreated: (channel: StaffChannel) => void
  onCancel: () => void
}) {
  const [kind, setKind] = useState<ChannelKind>('counter')
  const [name, setName] = useState('')
  const [counterId, setCounterId] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const create = async () => {
    setBusy(true)
    setFailure(undefined)
    const created = await staffApi.createChannel({
      storeId,
      kind,
      name: name.trim(),
      ...(counterId ? { counterId } : {}),
    })
    setBusy(false)
    if (created.ok) onCreated(created.data.channel)
    else setFailure(created)
  }

  return (
    <View className="codes__new">
      <View className="card codes__form">
        <View className="chips-field">
          <FormField name="kind" label="渠道类型" required>
            <ChoiceChips
              name="kind"
              options={CHANNEL_KINDS.map((k) => ({ value: k, label: CHANNEL_KIND_LABELS[k] }))}
              value={kind}
              onChange={(value) => value && setKind(value)}
            />
          </FormField>
        </View>
        <TextField
          block="codes"
          name="name"
          label="渠道名称"
          required
          value={name}
          maxLength={CHANNEL_NAME_MAX}
          placeholder="如 三楼扶梯海报"
          onChange={setName}
        />
        <CounterPicker storeId={storeId} value={counterId} onChange={setCounterId} />
      </View>
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="codes__actions">
        <Button type="primary" block className="codes__create" loading={busy} onClick={create}>
          生成渠道二维码
        </Button>
        <Button fill="none" block className="codes__cancel" onClick={onCancel}>
          取消
        </Button>
      </View>
    </View>
  )
}
