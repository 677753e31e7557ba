import { Text, View } from '@tarojs/components'
import './index.css'

export interface Entry {
  /** Also the row's modifier class: `entry-list__item--<key>`. */
  key: string
  title: string
  hint?: string
  /** A destructive entry (注销账户) is drawn in the danger colour. */
  danger?: boolean
  onClick: () => void
}

/** A card of tappable rows leading to other pages (账户与隐私, 绑定会员卡 …). */
export function EntryList({ entries, className = '' }: { entries: Entry[]; className?: string }) {
  return (
    <View className={`entry-list ${className}`}>
      {entries.map((entry) => (
        <View
          key={entry.key}
          className={`entry-list__item entry-list__item--${entry.key}${entry.danger ? ' entry-list__item--danger' : ''}`}
          ariaRole="button"
          onClick={entry.onClick}
        >
          <View className="entry-list__main">
            <Text className="entry-list__title">{entry.title}</Text>
            {entry.hint && <Text className="entry-list__hint">{entry.hint}</Text>}
          </View>
          <Text className="entry-list__chevron">›</Text>
        </View>
      ))}
    </View>
  )
}
