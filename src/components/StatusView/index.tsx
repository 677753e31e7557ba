import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { Failure } from '@/domain/errors'
import './index.css'

export type StatusViewProps =
  { state: 'loading' } | { state: 'failed'; failure: Failure; onRetry: () => void }

/** The loading placeholder and the error-with-retry state every screen load shares. */
export function StatusView(props: StatusViewProps) {
  if (props.state === 'loading') {
    return (
      <View className="status status--loading" ariaLabel="加载中">
        <View className="status__bone status__bone--wide" />
        <View className="status__bone" />
        <View className="status__bone status__bone--short" />
      </View>
    )
  }
  return (
    <View className="status status--failed">
      <Text className="status__title">加载失败</Text>
      <Text className="status__message">{props.failure.message}</Text>
      <Button type="primary" fill="outline" className="status__retry" onClick={props.onRetry}>
        重试
      </Button>
    </View>
  )
}
