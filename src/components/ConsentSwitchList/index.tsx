import { Text, View } from '@tarojs/components'
import { Toggle } from '@/components/Toggle'
import { PURPOSES, type PurposeId } from '@/domain/purposes'
import './index.css'

export interface ConsentSwitch {
  purpose: PurposeId
  /** Currently agreed to, at the purpose's current scope. */
  granted: boolean
  /** Agreed to under an older, narrower notice: asked again for this purpose only (6.1.2). */
  renewal: boolean
}

export interface ConsentSwitchListProps {
  items: ConsentSwitch[]
  /** The purpose whose change is on its way. */
  busy?: PurposeId
  onChange: (purpose: PurposeId, grant: boolean) => void
  /** The basic purpose cannot be switched off: withdrawing it is cancelling the membership. */
  onCancelMembership: () => void
}

/** What switching off deletes at once, said before the member does it. */
const WITHDRAW_EFFECT: Partial<Record<PurposeId, string>> = {
  parking: '关闭后将立即删除已绑定的车牌',
  idNumber: '关闭后将立即删除已填写的身份证号',
}

function stateText(item: ConsentSwitch): string {
  if (item.renewal) return '规则已更新，需重新同意后才会使用'
  if (!item.granted) return '未同意'
  const effect = WITHDRAW_EFFECT[item.purpose]
  return effect ? `已同意；${effect}` : '已同意'
}

/**
 * One row per purpose (6.6.1): the basic membership purpose first, then each extended purpose
 * with its own switch and what it means. Nothing is switched on unless the member agreed.
 */
export function ConsentSwitchList({ items, busy, onChange, onCancelMembership }: ConsentSwitchListProps) {
  return (
    <View className="consent-list">
      {items.map((item) => {
        const purpose = PURPOSES[item.purpose]
        return (
          <View
            key={item.purpose}
            className={`consent-list__item consent-list__item--${item.purpose}${item.renewal ? ' consent-list__item--renewal' : ''}`}
          >
            <View className="consent-list__head">
              <View className="consent-list__titles">
                <Text className="consent-list__title">{purpose.title}</Text>
                {purpose.basic && (
                  <Text className="consent-list__tag consent-list__tag--basic">基础功能</Text>
                )}
                {purpose.sensitive && (
                  <Text className="consent-list__tag consent-list__tag--sensitive">敏感信息</Text>
                )}
              </View>
              {!purpose.basic && (
                <Toggle
                  className={`consent-list__switch consent-list__switch--${item.purpose}`}
                  checked={item.granted && !item.renewal}
                  busy={busy === item.purpose}
                  label={purpose.title}
                  onChange={(next) => onChange(item.purpose, next)}
                />
              )}
            </View>
            <Text className="consent-list__description">{purpose.description}</Text>
            {purpose.basic ? (
              <View className="consent-list__basic">
                <Text className="consent-list__state">会员服务必需，不能单独关闭。撤回即注销会员账户。</Text>
                <Text className="consent-list__cancel" onClick={onCancelMembership}>
                  撤回并注销
                </Text>
              </View>
            ) : (
              <Text className={`consent-list__state consent-list__state--${item.purpose}`}>
                {stateText(item)}
              </Text>
            )}
          </View>
        )
      })}
    </View>
  )
}
