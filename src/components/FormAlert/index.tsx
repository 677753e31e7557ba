import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import './index.css'

/** A failure that belongs to no single field (ALREADY_MEMBER, NETWORK …), with an optional action. */
export function FormAlert({ message, action }: { message: string; action?: ReactNode }) {
  return (
    <View className="form-alert" ariaRole="alert">
      <Text className="form-alert__message">{message}</Text>
      {action}
    </View>
  )
}
