import { Image, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import { useState, type ReactNode } from 'react'
import { canPrint, canSaveToAlbum, printPage, savePngToAlbum } from '@/api/platform'
import './printable-code.css'

/**
 * A mini-program code to put up in the store: a card with what it is for around the code,
 * printed on its own A6 page (H5: the browser's print dialog) or saved to the phone's album
 * (weapp), and the page's own actions below.
 */
export function PrintableCode({
  className,
  png,
  fileName,
  printLabel,
  head,
  foot,
  children,
}: {
  /** The page's own class for the card; its `__qr` names the code's image. */
  className: string
  /** The code's PNG, base64. */
  png: string
  /** The album file's name, without `.png`. */
  fileName: string
  printLabel: string
  /** Above the code. */
  head: ReactNode
  /** Below the code. */
  foot: ReactNode
  /** Below the print and save buttons: notes and the page's other actions. */
  children?: ReactNode
}) {
  const [saving, setSaving] = useState(false)
  const save = async () => {
    setSaving(true)
    const saved = await savePngToAlbum(fileName, png)
    setSaving(false)
    Taro.showToast({ title: saved ? '已保存到相册' : '保存失败，请检查相册权限', icon: 'none' })
  }
  return (
    <>
      <View className={`printable-code ${className}`}>
        {head}
        <Image
          className={`printable-code__qr ${className}__qr`}
          src={`data:image/png;base64,${png}`}
          mode="scaleToFill"
        />
        {foot}
      </View>
      <View className="printable-code__actions">
        {canPrint && (
          <Button type="primary" block className="printable-code__print" onClick={() => printPage()}>
            {printLabel}
          </Button>
        )}
        {canSaveToAlbum && (
          <Button type="primary" block className="printable-code__save" loading={saving} onClick={save}>
            保存到相册
          </Button>
        )}
        {children}
      </View>
    </>
  )
}
