import { Image, Text, View } from '@tarojs/components'
import { useDidHide, useDidShow } from '@tarojs/taro'
import { Button } from '@nutui/nutui-react-taro'
import qrcode from 'qrcode-generator'
import { useEffect, useMemo, useState } from 'react'
import { memberApi } from '@/api'
import { storeCode, storedCode, tokenOf } from '@/api/memberCode'
import { hideFromCapture } from '@/api/platform'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import type { MemberCodeSecret } from '@/domain/contracts/memberCode'
import type { Failure } from '@/domain/errors'
import { code128Widths } from '@/domain/points/code128'
import { secondsLeft } from '@/domain/points/memberCode'
import './index.css'

/** The QR as one GIF image: a few KB per redraw, the same on weapp and H5. */
function qrDataUrl(token: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(token)
  qr.make()
  return qr.createDataURL(8, 2)
}

/** MC0123YZ8Z12345678 → MC 0123 YZ8Z 1234 5678: read out or typed at the counter. */
const grouped = (token: string) => `${token.slice(0, 2)} ${token.slice(2).replace(/(.{4})(?=.)/g, '$1 ')}`

function Barcode({ token }: { token: string }) {
  const widths = useMemo(() => code128Widths(token), [token])
  return (
    <View className="member-code__barcode" aria-label="条形码">
      {widths.map((width, i) => (
        <View
          // Bars and spaces have no identity of their own: their order is the code.
          key={i}
          className={i % 2 === 0 ? 'member-code__bar' : 'member-code__space'}
          style={{ flexGrow: width }}
        />
      ))}
    </View>
  )
}

/**
 * 会员码 (issue #11): a code the counter scans to find the member, computed on the phone from
 * the secret kept in its storage — offline too — and turning every 30 s, so a screenshot is
 * refused soon after. Hidden from screenshots where WeChat allows.
 */
export default function MemberCodePage() {
  const [code, setCode] = useState<MemberCodeSecret | null>(storedCode)
  const [failure, setFailure] = useState<Failure>()
  const [now, setNow] = useState(Date.now())
  const [rotating, setRotating] = useState(false)

  useEffect(() => {
    memberApi.memberCodeSecret().then((result) => {
      if (result.ok) {
        storeCode(result.data)
        setCode(result.data)
      } else if (!storedCode()) setFailure(result)
    })
  }, [])

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])

  useDidShow(() => {
    hideFromCapture(true)
  })
  useDidHide(() => {
    hideFromCapture(false)
  })
  useEffect(() => () => void hideFromCapture(false), [])

  const token = code ? tokenOf(code, now) : ''
  const qr = useMemo(() => (token ? qrDataUrl(token) : ''), [token])

  const rotate = async () => {
    setRotating(true)
    const result = await memberApi.rotateMemberCode()
    setRotating(false)
    if (!result.ok) {
      setFailure(result)
      return
    }
    setFailure(undefined)
    storeCode(result.data)
    setCode(result.data)
  }

  return (
    <PageShell name="member-code" title="会员码" intro="结账或查询时，请向专柜出示此码。">
      {!code && !failure && <StatusView state="loading" />}
      {code && (
        <View className="card member-code__card">
          <Image className="member-code__qr" src={qr} mode="aspectFit" />
          <Barcode token={token} />
          <Text className="member-code__text">{grouped(token)}</Text>
          <Text className="member-code__countdown">{secondsLeft(now)} 秒后自动刷新</Text>
        </View>
      )}
      {failure && (
        <View className="page-shell__alert">
          <FormAlert message={failure.message} />
        </View>
      )}
      <View className="member-code__notes">
        <Text className="member-code__note">
          会员码每 30 秒刷新一次，截图或转发的旧码无法使用；在微信中此页面截屏、录屏时会隐藏会员码。
        </Text>
        <Text className="member-code__note">会员码不含手机号和会员号，无网络时也可出示。</Text>
      </View>
      {code && (
        <View className="member-code__actions">
          <Button block className="member-code__rotate" loading={rotating} onClick={rotate}>
            重置会员码
          </Button>
          <Text className="member-code__note">如果会员码被他人看到或手机遗失，重置后旧码立即失效。</Text>
        </View>
      )}
    </PageShell>
  )
}
