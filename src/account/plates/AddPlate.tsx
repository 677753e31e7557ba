import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { canChoosePlate, chooseLicensePlate } from '@/api/platform'
import { PlateDisplay, PlateKeyboard } from '@/components/PlateKeyboard'
import { normalisePlateInput } from '@/domain/plate/model'
import { isValidPlate } from '@/domain/plate/model'

export interface AddPlateProps {
  saving: boolean
  onSave: (plate: string) => void
  onCancel: () => void
}

/** Typing a plate on the plate keyboard, or (weapp) picking one of the plates WeChat knows. */
export function AddPlate({ saving, onSave, onCancel }: AddPlateProps) {
  const [value, setValue] = useState('')
  const valid = isValidPlate(value)

  const handleChoose = async () => {
    const chosen = await chooseLicensePlate()
    if (chosen) setValue(normalisePlateInput(chosen))
  }

  return (
    <View className="add-plate">
      <View className="card add-plate__card">
        <Text className="card__title">添加车牌</Text>
        <Text className="add-plate__hint">先选省份，再输入字母和数字；新能源车牌为8位。</Text>
        <PlateDisplay value={value} active />
        {value.length >= 7 && !valid && <Text className="add-plate__error">车牌号格式有误，请核对</Text>}
        <View className="add-plate__actions">
          <Button className="add-plate__cancel" onClick={onCancel}>
            取消
          </Button>
          <Button
            type="primary"
            className="add-plate__save"
            disabled={!valid}
            loading={saving}
            onClick={() => onSave(value)}
          >
            绑定
          </Button>
        </View>
        {canChoosePlate && (
          <Text className="add-plate__wechat" onClick={handleChoose}>
            使用微信中保存的车牌
          </Text>
        )}
      </View>
      <View className="add-plate__keyboard">
        <PlateKeyboard value={value} onChange={setValue} onDone={() => onSave(value)} />
      </View>
    </View>
  )
}
