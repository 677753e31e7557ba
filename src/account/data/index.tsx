import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useMemo, useState } from 'react'
import { memberApi } from '@/api'
import { canDownload, copyText, downloadText } from '@/api/platform'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import './index.css'

type Done = 'copied' | 'downloaded' | 'failed'

const DONE_TEXT: Record<Done, string> = {
  copied: '已复制到剪贴板，可粘贴到备忘录或发送给自己保存。',
  downloaded: '已下载为 JSON 文件。',
  failed: '操作未成功，请重试。',
}

/** 我的数据 (L-8): a complete copy of everything held about the member, made by the function. */
export default function MyDataPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(memberApi.exportData, privacy.status === 'agreed')
  const [done, setDone] = useState<Done>()

  const json = useMemo(
    () => (remote.state === 'ready' ? JSON.stringify(remote.data.export, null, 2) : ''),
    [remote],
  )

  const handleCopy = async () => setDone((await copyText(json)) ? 'copied' : 'failed')
  const handleDownload = () => {
    const day = remote.state === 'ready' ? remote.data.export.exportedAt.slice(0, 10) : 'export'
    setDone(downloadText(`my-member-data-${day}.json`, json) ? 'downloaded' : 'failed')
  }

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    return (
      <>
        <View className="my-data__actions">
          <Button type="primary" block size="large" className="my-data__copy" onClick={handleCopy}>
            复制全部数据
          </Button>
          {canDownload && (
            <Button block size="large" className="my-data__download" onClick={handleDownload}>
              下载 JSON 文件
            </Button>
          )}
          {done && <Text className={`my-data__done my-data__done--${done}`}>{DONE_TEXT[done]}</Text>}
        </View>
        <Text className="page-shell__section">数据内容（JSON）</Text>
        <View className="card my-data__json">
          <Text className="my-data__text" userSelect>
            {json}
          </Text>
        </View>
      </>
    )
  }

  return (
    <PageShell
      name="data"
      title="我的数据"
      intro="这是我们保存的关于您的全部信息的副本：个人资料、车牌、会员卡、授权及记录、积分明细等。"
    >
      {content()}
    </PageShell>
  )
}
