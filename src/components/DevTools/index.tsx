import { Input, Text, View } from '@tarojs/components'
import { useCallback, useEffect, useState } from 'react'
import {
  currentPersona,
  gateEvent,
  latestSms,
  PERSONAS,
  switchPersona,
  type Persona,
  type SentSms,
} from './devApi'
import './index.css'

function time(at: number): string {
  const d = new Date(at)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

/**
 * 开发工具 (local H5 build only): switch persona, read the SMS codes the local cloud "sent" (to
 * join without a phone), and drive the demo car park's gate (模拟入场 / 模拟出场 for a plate).
 */
export default function DevTools() {
  const [open, setOpen] = useState(false)
  const [persona, setPersona] = useState<Persona>()
  const [sms, setSms] = useState<SentSms[]>([])
  const [problem, setProblem] = useState('')
  const [plate, setPlate] = useState('沪A12345')
  const [gate, setGate] = useState('')

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

  const passGate = (kind: 'entry' | 'exit') => {
    setGate('')
    // An entry two hours ago: the stay has a fee to pay at once.
    gateEvent(kind, plate.trim().toUpperCase(), kind === 'entry' ? 120 : 0)
      .then((done) =>
        setGate(done ? `${kind === 'entry' ? '已入场' : '已出场'}：${plate}` : '道闸未接受该车牌'),
      )
      .catch(() => setGate('本地服务无响应'))
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
      <Text className="dev-tools__label">演示停车场道闸（徐汇店）</Text>
      <View className="dev-tools__gate">
        <Input
          className="dev-tools__plate"
          value={plate}
          maxlength={10}
          onInput={(e) => setPlate(e.detail.value)}
        />
        <View className="dev-tools__persona dev-tools__gate-entry" onClick={() => passGate('entry')}>
          <Text>模拟入场（2小时前）</Text>
        </View>
        <View className="dev-tools__persona dev-tools__gate-exit" onClick={() => passGate('exit')}>
          <Text>模拟出场</Text>
        </View>
      </View>
      {gate && <Text className="dev-tools__empty dev-tools__gate-result">{gate}</Text>}
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
