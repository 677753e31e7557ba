import { Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { useEffect } from 'react'
import { setCurrentTab, switchToTab, useShellState, type Tab } from './shell'
import './index.css'

const TABS: { tab: Tab; title: string }[] = [
  { tab: 'member', title: '会员' },
  { tab: 'staff', title: '员工' },
]

/**
 * 会员 | 员工: the bar at the bottom of the tab pages; 员工 only for staff. On H5 a shopper gets no
 * bar (one tab is only in the way); `always`: WeChat keeps the custom tab bar's room on tab pages
 * whatever the bar draws, so there it shows 会员 alone rather than an empty strip.
 */
export function TabBar({ always = false }: { always?: boolean }) {
  const { staff, current } = useShellState()
  if (!staff && !always) return null
  const tabs = TABS.filter(({ tab }) => tab === 'member' || staff)
  return (
    <View className="tab-bar" ariaRole="tablist">
      {tabs.map(({ tab, title }) => (
        <View
          key={tab}
          className={`tab-bar__item tab-bar__item--${tab}${tab === current ? ' tab-bar__item--current' : ''}`}
          ariaRole="tab"
          onClick={() => switchToTab(tab)}
        >
          <View className="tab-bar__mark" />
          <Text className="tab-bar__title">{title}</Text>
        </View>
      ))}
    </View>
  )
}

/**
 * The bar inside a tab page, for H5: Taro 4.2's router draws no custom tab bar (its tabbar.js
 * returns early when `tabBar.custom` is set), so the page draws the same bar with a spacer. On
 * weapp WeChat draws src/custom-tab-bar instead and this renders nothing.
 */
export function PageTabBar({ tab }: { tab: Tab }) {
  useTabPage(tab)
  const { staff } = useShellState()
  if (process.env.TARO_ENV === 'weapp') return null
  // A shopper's home needs no bar; anyone who reaches the 员工 tab without being staff needs 会员.
  const always = tab === 'staff'
  if (!staff && !always) return null
  return (
    <>
      <View className="tab-bar__spacer" />
      <TabBar always={always} />
    </>
  )
}

function useTabPage(tab: Tab) {
  const show = () => setCurrentTab(tab)
  // Every show of a tab page makes it current (switchTab keeps tab pages alive); the first
  // show may come before the hook is registered, hence the mount effect too.
  useDidShow(show)
  useEffect(show, [tab])
}
