import { View, Text } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'

export default function Index() {
  return (
    <View className="index">
      <Text>会员中心</Text>
      <Button type="primary">申请成为会员</Button>
    </View>
  )
}
