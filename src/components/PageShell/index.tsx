import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { BackControl } from '@/components/BackControl'
import { PrivacyAuthorization } from '@/components/PrivacyAuthorization'
import { DevToolsSlot } from '@/components/DevTools/DevToolsSlot'
import './index.css'

export interface PageShellProps {
  /** Modifier of the root: `page-shell page-shell--<name>`. */
  name: string
  title: string
  intro?: string
  children: ReactNode
  /** Ask for the privacy authorisation; only the privacy guide itself is read without it. */
  privacy?: boolean
  /** The way back (H5); a tab page has the tab bar instead. */
  back?: boolean
}

/**
 * The frame of an account page: the way back (H5), a title, one line of what the page is for,
 * the content, and the privacy authorisation (these pages process personal information: it is
 * required, L-1).
 */
export function PageShell({ name, title, intro, children, privacy = true, back = true }: PageShellProps) {
  return (
    <View className={`page-shell page-shell--${name}`}>
      <View className="page-shell__head">
        {back && <BackControl />}
        <Text className="page-shell__title">{title}</Text>
        {intro && <Text className="page-shell__intro">{intro}</Text>}
      </View>
      {children}
      {privacy && <PrivacyAuthorization mode="required" />}
      <DevToolsSlot />
    </View>
  )
}
