import { Text } from '@tarojs/components'
import './index.css'

/** 必填 / 选填, as the data inventory declares it (4.1.3). */
export function RequirementTag({ required }: { required: boolean }) {
  return (
    <Text className={`req-tag ${required ? 'req-tag--required' : 'req-tag--optional'}`}>
      {required ? '必填' : '选填'}
    </Text>
  )
}
