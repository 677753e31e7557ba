import { Text, View } from '@tarojs/components'
import { useCallback, useEffect, useState } from 'react'
import { currentPersona, latestSms, PERSONAS, switchPersona, type Persona, type SentSms } from './devApi'
import './index.css'

function time(at: number): string {
  const d = new Date(at)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

/**
 * 开发工具 (local H5 build only): switch persona and read the SMS codes the local cloud "sent",
 * so a developer can join without a phone.
 */
export default function DevTools() {
  const [open, setOpen] = useState(false)
  const [persona, setPersona] = useState<Persona>()
  const [sms, setSms] = useState<SentSms[]>([])
  const [problem, setProblem] = useState('')

  const refresh = useCallback(() => {
    setProblem('')
    Promise.all([currentPersona(), latestSms()])
      .then(([current, sent]) => {
        setPersona(current)
        setSms(sent)
      })
      .catch(() => setProblem('本地服务无响应'))
  }, [])

  useEffect(() => {
    if (open) refresh()
  }, [open, refresh])

  const choose = (next: Persona) => {
    switchPersona(next)
      .then(() => window.location.reload())
      .catch(() => setProblem('切换身份失败'))
  }

  if (!open) {
    return (
      <View className="dev-tools__fab" onClick={() => setOpen(true)}>
        <Text>开发工具</Text>
      </View>
    )
  }

  return (
    <View className="dev-tools">
      <View className="dev-tools__head">
        <Text className="dev-tools__title">开发工具</Text>
        <Text className="dev-tools__close" onClick={() => setOpen(false)}>
          关闭
        </Text>
      </View>
      <Text className="dev-tools__label">身份（切换后刷新页面）</Text>
      <View className="dev-tools__personas">
        {PERSONAS.map((p) => (
          <View
            key={p.value}
            className={`dev-tools__persona${p.value === persona ? ' dev-tools__persona--current' : ''}`}
            onClick={() => choose(p.value)}
          >
            <Text>{p.label}</Text>
          </View>
        ))}
      </View>
      <View className="dev-tools__row">
        <Text className="dev-tools__label">发件箱（短信与服务通知）</Text>
        <Text className="dev-tools__refresh" onClick={refresh}>
          刷新
        </Text>
      </View>
      {problem && <Text className="dev-tools__problem">{problem}</Text>}
      {sms.length === 0 && !problem && <Text className="dev-tools__empty">还没有发送过短信或服务通知</Text>}
      {sms.map((item) => (
        <View key={item.id} className="dev-tools__sms">
          <Text className="dev-tools__sms-phone">{item.phone}</Text>
          <Text className="dev-tools__sms-code">{item.text}</Text>
          <Text className="dev-tools__sms-time">{time(item.at)}</Text>
        </View>
      ))}
    </View>
  )
}
