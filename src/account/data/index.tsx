import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useMemo, useState } from 'react'
import { memberApi } from '@/api'
import { canDownload, copyText, downloadText } from '@/api/platform'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { chinaTime } from '@/domain/dates'
import type { DataExport } from '@/domain/member/model'
import { exportSections, SECTION_TITLES } from './sections'
import './index.css'

type Done = 'copied' | 'downloaded' | 'failed'

const DONE_TEXT: Record<Done, string> = {
  copied: '已复制到剪贴板，可粘贴到备忘录或发送给自己保存。',
  downloaded: '已下载为 JSON 文件。',
  failed: '操作未成功，请重试。',
}

const LEGEND = Object.entries(SECTION_TITLES)
  .map(([key, title]) => `${key}：${title}`)
  .join('；')

function Sections({ data }: { data: DataExport }) {
  return (
    <>
      {exportSections(data).map((section) => (
        <View key={section.key} className={`my-data__section my-data__section--${section.key}`}>
          <Text className="page-shell__section">{section.title}</Text>
          <View className={`card my-data__rows${section.stacked ? ' my-data__rows--stacked' : ''}`}>
            {section.rows.length === 0 && <Text className="my-data__empty">{section.empty}</Text>}
            {section.rows.map((row) => (
              <View key={row.key} className={`my-data__row my-data__row--${row.key}`}>
                <Text className="my-data__label">{row.label}</Text>
                <Text className="my-data__value" userSelect>
                  {row.value}
                </Text>
              </View>
            ))}
          </View>
        </View>
      ))}
    </>
  )
}

/**
 * 我的数据 (L-8): everything held about the member, made by the function, shown in sections with
 * Chinese labels and China time; the copy and the download are the complete JSON.
 */
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
        <Text className="my-data__exported">
          导出时间：{chinaTime(remote.data.export.exportedAt)}（北京时间）
        </Text>
        <Sections data={remote.data.export} />
        <View className="my-data__format">
          <Text className="my-data__format-text">
            复制或下载的是完整数据，JSON 格式（{remote.data.export.format}），各部分：{LEGEND}
            。字段说明见开源项目文档 docs/data-export.md，时间为 UTC（ISO 8601）。
          </Text>
        </View>
      </>
    )
  }

  return (
    <PageShell
      name="data"
      title="我的数据"
      intro="这是我们保存的关于您的全部信息：个人信息、会员卡、车牌、授权与同意记录、积分明细、访问记录等。"
    >
      {content()}
    </PageShell>
  )
}
