import Taro from '@tarojs/taro'
import type { PropsWithChildren } from 'react'
import { initCloud } from '@/api'
import { ROUTES } from '@/routes'
import './app.css'

initCloud()

// An unknown path (a stale link, a mistyped H5 address) opens the not-found page instead of
// leaving the last page on screen. Note: the redirect must happen synchronously in the callback.
Taro.onPageNotFound(({ isEntryPage }) => {
  if (isEntryPage) Taro.reLaunch({ url: ROUTES.notFound })
  else Taro.redirectTo({ url: ROUTES.notFound })
})

function App({ children }: PropsWithChildren) {
  return children
}

export default App
