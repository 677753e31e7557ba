import { View } from '@tarojs/components'
import { useCallback, useEffect } from 'react'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import './chips-field.css'

/** The counter of an invite or a channel: one of the store's open counters, or none. */
export function CounterPicker({
  storeId,
  value,
  onChange,
}: {
  storeId: string
  value: string
  onChange: (counterId: string) => void
}) {
  const load = useCallback(() => staffApi.listCounters({ storeId }), [storeId])
  const [remote] = useRemote(load)
  // The counter belongs to the store: a new store starts without one.
  useEffect(() => onChange(''), [storeId, onChange])
  const counters = remote.state === 'ready' ? remote.data.counters : []
  return (
    <View className="chips-field">
      <FormField name="counterId" label="专柜" required={false}>
        {remote.state === 'failed' ? (
          <FormAlert message={remote.failure.message} />
        ) : (
          <ChoiceChips
            name="counter"
            options={counters.map((c) => ({
              value: c.counterId,
              label: c.floor ? `${c.name} ${c.floor}` : c.name,
            }))}
            value={value}
            onChange={onChange}
          />
        )}
      </FormField>
    </View>
  )
}
