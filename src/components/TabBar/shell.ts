/**
 * What the tab bar shows, shared by every tab bar instance (on weapp each tab page has its own
 * custom-tab-bar component; on H5 the pages render the bar themselves): whether the 员工 tab is
 * offered (the server said the caller is active staff) and which tab is current.
 */
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'

export type Tab = 'member' | 'staff'

export const TAB_PAGES: Record<Tab, string> = {
  member: '/pages/index/index',
  staff: '/pages/workbench/index',
}

interface ShellState {
  staff: boolean
  current: Tab
}

let state: ShellState = { staff: false, current: 'member' }
const listeners = new Set<(next: ShellState) => void>()

function update(patch: Partial<ShellState>): void {
  const next = { ...state, ...patch }
  if (next.staff === state.staff && next.current === state.current) return
  state = next
  listeners.forEach((listener) => listener(state))
}

/** Called with the answer of `staffApi.me`: only active staff see the 员工 tab. */
export const setStaffTab = (isStaff: boolean) => update({ staff: isStaff })

/** Called by a tab page when it shows. */
export const setCurrentTab = (current: Tab) => update({ current })

export function useShellState(): ShellState {
  const [current, setCurrent] = useState(state)
  useEffect(() => {
    listeners.add(setCurrent)
    setCurrent(state)
    return () => {
      listeners.delete(setCurrent)
    }
  }, [])
  return current
}

/** The tab a staff member last chose themselves, kept on the device. */
const LAST_TAB_KEY = 'shell.lastTab'

export function switchToTab(tab: Tab): void {
  if (tab === state.current) return
  if (state.staff) Taro.setStorageSync(LAST_TAB_KEY, tab)
  Taro.switchTab({ url: TAB_PAGES[tab] })
}

let landed = false

/**
 * Staff land on 员工 when the app opens on the plain home page: once per launch, and not when
 * they last chose 会员 themselves (a staff member who is also a shopper keeps their member card).
 */
export function landStaffOnce(): void {
  if (landed) return
  landed = true
  if (!state.staff || state.current !== 'member') return
  if (Taro.getStorageSync(LAST_TAB_KEY) === 'member') return
  Taro.switchTab({ url: TAB_PAGES.staff })
}

/** An entry with its own purpose (an invite scene, 申请成功 …) is no landing: nothing to redirect. */
export function skipLanding(): void {
  landed = true
}
