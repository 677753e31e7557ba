import { Text, View } from '@tarojs/components'
import { Toggle } from '@/components/Toggle'
import { PURPOSES, isSubscribeTopic, type PurposeId } from '@/domain/consent/purposes'
import './index.css'

export interface ConsentSwitch {
  purpose: PurposeId
  /** Currently agreed to, at the purpose's current scope. */
  granted: boolean
  /** Agreed to under an older, narrower notice: asked again for this purpose only (6.1.2). */
  renewal: boolean
  /**
   * Why it cannot be switched on now, said in its place: the purpose it only works with is off
   * (a parking reminder without the parking service), or the mall offers no template for it.
   */
  blocked?: string
  /** Subscribe-message topics: one-time messages allowed and not yet sent. */
  pending?: number
}

export interface ConsentSwitchListProps {
  items: ConsentSwitch[]
  /** The purpose whose change is on its way. */
  busy?: PurposeId
  /** A purpose to point at (the topic a subscribe message came from). */
  focus?: string
  onChange: (purpose: PurposeId, grant: boolean) => void
  /** Allow one more message of a topic that is already on. */
  onSubscribeAgain: (purpose: PurposeId) => void
  /** The basic purpose cannot be switched off: withdrawing it is cancelling the membership. */
  onCancelMembership: () => void
  /** A withdrawal that deletes data, waiting for the member to confirm it. */
  confirming?: PurposeId
  onConfirm: (purpose: PurposeId) => void
  onCancelConfirm: () => void
}

/** What switching off deletes at once, said before the member does it and asked again when they do. */
export const WITHDRAW_EFFECT: Partial<Record<PurposeId, string>> = {
  parking: '关闭后将立即删除已绑定的车牌',
  idNumber: '关闭后将立即删除已填写的身份证号',
}

function stateText(item: ConsentSwitch): string {
  if (item.blocked) return item.blocked
  if (item.renewal) return '规则已更新，需重新同意后才会使用'
  if (!item.granted) return '未同意'
  if (item.pending !== undefined)
    return item.pending > 0 ? `已同意，还可提醒${item.pending}次` : '已同意，提醒次数已用完'
  const effect = WITHDRAW_EFFECT[item.purpose]
  return effect ? `已同意；${effect}` : '已同意'
}

function Row({ item, props }: { item: ConsentSwitch; props: ConsentSwitchListProps }) {
  const {
    busy,
    focus,
    onChange,
    onSubscribeAgain,
    onCancelMembership,
    confirming,
    onConfirm,
    onCancelConfirm,
  } = props
  const purpose = PURPOSES[item.purpose]
  const classes = [
    'consent-list__item',
    `consent-list__item--${item.purpose}`,
    item.renewal ? 'consent-list__item--renewal' : '',
    focus === item.purpose ? 'consent-list__item--focus' : '',
  ]
  const on = item.granted && !item.renewal
  return (
    <View className={classes.filter(Boolean).join(' ')}>
      <View className="consent-list__head">
        <View className="consent-list__titles">
          <Text className="consent-list__title">{purpose.title}</Text>
          {purpose.basic && <Text className="consent-list__tag consent-list__tag--basic">基础功能</Text>}
          {purpose.sensitive && (
            <Text className="consent-list__tag consent-list__tag--sensitive">敏感信息</Text>
          )}
        </View>
        {!purpose.basic && (
          <Toggle
            className={`consent-list__switch consent-list__switch--${item.purpose}`}
            checked={on && !item.blocked}
            busy={busy === item.purpose || confirming === item.purpose}
            disabled={item.blocked !== undefined && !on}
            label={purpose.title}
            onChange={(next) => onChange(item.purpose, next)}
          />
        )}
      </View>
      <Text className="consent-list__description">{purpose.description}</Text>
      {purpose.basic && item.renewal ? (
        // Its scope widened since the member agreed: agreed again here, or the account cancelled (6.1.2).
        <View className="consent-list__basic">
          <Text className="consent-list__state consent-list__state--renewal">
            规则已更新，需重新同意后才能继续使用会员服务。
          </Text>
          <Text
            className={`consent-list__renew consent-list__renew--${item.purpose}`}
            onClick={() => {
              if (busy !== item.purpose) onChange(item.purpose, true)
            }}
          >
            同意新规则
          </Text>
          <Text className="consent-list__cancel" onClick={onCancelMembership}>
            不同意并注销
          </Text>
        </View>
      ) : purpose.basic ? (
        <View className="consent-list__basic">
          <Text className="consent-list__state">会员服务必需，不能单独关闭。撤回即注销会员账户。</Text>
          <Text className="consent-list__cancel" onClick={onCancelMembership}>
            撤回并注销
          </Text>
        </View>
      ) : (
        <View className="consent-list__basic">
          <Text className={`consent-list__state consent-list__state--${item.purpose}`}>
            {stateText(item)}
          </Text>
          {on && !item.blocked && item.pending !== undefined && (
            <Text
              className={`consent-list__again consent-list__again--${item.purpose}`}
              onClick={() => {
                if (busy !== item.purpose) onSubscribeAgain(item.purpose)
              }}
            >
              再订阅一次
            </Text>
          )}
        </View>
      )}
      {confirming === item.purpose && (
        <View className={`consent-list__confirm consent-list__confirm--${item.purpose}`}>
          <Text className="consent-list__confirm-text">
            {WITHDRAW_EFFECT[item.purpose]}，且无法恢复。确定关闭“{purpose.title}”吗？
          </Text>
          <View className="consent-list__confirm-actions">
            <Text className="consent-list__confirm-cancel" onClick={onCancelConfirm}>
              暂不关闭
            </Text>
            <Text className="consent-list__confirm-ok" onClick={() => onConfirm(item.purpose)}>
              关闭并删除
            </Text>
          </View>
        </View>
      )}
    </View>
  )
}

/**
 * One row per purpose (6.6.1): the basic membership purpose first, then each extended purpose
 * with its own switch and what it means, then the subscribe-message topics, each a switch of its
 * own (L-12). Nothing is switched on unless the member agreed.
 */
export function ConsentSwitchList(props: ConsentSwitchListProps) {
  const purposes = props.items.filter((item) => !isSubscribeTopic(item.purpose))
  const topics = props.items.filter((item) => isSubscribeTopic(item.purpose))
  return (
    <>
      <View className="consent-list">
        {purposes.map((item) => (
          <Row key={item.purpose} item={item} props={props} />
        ))}
      </View>
      {topics.length > 0 && (
        <>
          <Text className="page-shell__section">订阅消息</Text>
          <Text className="consent-list__intro">
            每项提醒单独开启。开启或“再订阅一次”时微信会请您确认，每次确认只会收到一条该类提醒；关闭后不再发送。
          </Text>
          <View className="consent-list consent-list--topics">
            {topics.map((item) => (
              <Row key={item.purpose} item={item} props={props} />
            ))}
          </View>
        </>
      )}
    </>
  )
}
