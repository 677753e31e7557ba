import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { PrivacyAuthorization } from '@/components/PrivacyAuthorization'
import { DevToolsSlot } from '@/components/DevTools/DevToolsSlot'
import './index.css'

export interface PageShellProps {
  /** Modifier of the root: `page-shell page-shell--<name>`. */
  name: string
  title: string
  intro?: string
  children: ReactNode
}

/**
 * The frame of an account page: a title, one line of what the page is for, the content, and the
 * privacy authorisation (these pages process personal information: it is required, L-1).
 */
export function PageShell({ name, title, intro, children }: PageShellProps) {
  return (
    <View className={`page-shell page-shell--${name}`}>
      <View className="page-shell__head">
        <Text className="page-shell__title">{title}</Text>
        {intro && <Text className="page-shell__intro">{intro}</Text>}
      </View>
      {children}
      <PrivacyAuthorization mode="required" />
      <DevToolsSlot />
    </View>
  )
}
