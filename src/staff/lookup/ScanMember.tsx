import { Input, Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { scanCode } from '@/api/platform'
import { staffApi } from '@/api/staff'
import { FormAlert } from '@/components/FormAlert'
import type { LookedUpMember } from '@/domain/contracts/lookup'
import type { Failure } from '@/domain/errors'
import { parseMemberCode } from '@/domain/points/memberCode'

const isWeapp = process.env.TARO_ENV === 'weapp'

/**
 * 扫码: the member's code from their phone (issue #11). In WeChat the camera scans it; in the
 * browser build, which has no camera to ask, the code is typed or pasted.
 */
export function ScanMember({ onFound }: { onFound: (member: LookedUpMember) => void }) {
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const find = async (text: string) => {
    setBusy(true)
    setFailure(undefined)
    const result = await staffApi.lookupByCode({ code: text })
    setBusy(false)
    if (!result.ok) {
      setFailure(result)
      return
    }
    setCode('')
    onFound(result.data.member)
  }

  const scan = async () => {
    const scanned = await scanCode()
    if (scanned) await find(scanned)
  }

  return (
    <View className="card lookup__scan">
      <Text className="lookup__label">会员码</Text>
      {isWeapp ? (
        <Button type="primary" block className="lookup__scan-button" loading={busy} onClick={scan}>
          扫码查询
        </Button>
      ) : (
        <>
          <Input
            className="lookup__code-input"
            value={code}
            maxlength={32}
            placeholder="输入会员码下方的字符"
            onInput={(event) => setCode(event.detail.value)}
            onConfirm={() => {
              if (parseMemberCode(code)) find(code)
            }}
          />
          <Button
            type="primary"
            block
            className="lookup__code-button"
            disabled={!parseMemberCode(code)}
            loading={busy}
            onClick={() => find(code)}
          >
            按会员码查询
          </Button>
        </>
      )}
      {failure && <FormAlert message={failure.message} />}
    </View>
  )
}
