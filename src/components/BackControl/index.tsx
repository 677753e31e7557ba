import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { ROUTES } from '@/routes'
import './index.css'

type Way = 'back' | 'home'

/**
 * H5 only (the weapp has its navigation bar's back button): 返回 to the page before, or 首页 on
 * a page opened directly by its address, where there is nothing to go back to.
 */
export function BackControl() {
  const [way, setWay] = useState<Way>()

  useEffect(() => {
    // Note: the page is on the stack once it has mounted, not while it first renders.
    if (process.env.TARO_ENV === 'h5') setWay(Taro.getCurrentPages().length > 1 ? 'back' : 'home')
  }, [])

  if (!way) return null
  const handleClick = () => {
    if (way === 'back') Taro.navigateBack()
    else Taro.reLaunch({ url: ROUTES.home })
  }
  return (
    <View className={`back-control back-control--${way}`} ariaRole="link" onClick={handleClick}>
      {way === 'back' ? '‹ 返回' : '‹ 首页'}
    </View>
  )
}
