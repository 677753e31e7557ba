import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { ROUTES } from '@/routes'
import './index.css'

const goHome = () => {
  Taro.reLaunch({ url: ROUTES.home })
}

/** Where an unknown path lands (a stale link, a mistyped address): never a blank or stale page. */
export default function NotFoundPage() {
  return (
    <View className="not-found">
      <Text className="not-found__title">页面不存在</Text>
      <Text className="not-found__text">您打开的链接可能已失效或有误。</Text>
      <Button type="primary" block size="large" className="not-found__home" onClick={goHome}>
        返回会员中心
      </Button>
    </View>
  )
}
