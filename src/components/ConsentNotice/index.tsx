import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { RequirementTag } from '@/components/RequirementTag'
import type { Notice, NoticeSection } from '@/domain/consent/notice'
import './index.css'

function retentionOf(section: NoticeSection): string {
  return Array.from(new Set(section.fields.map((f) => f.retention))).join('；')
}

function BasicSection({ section }: { section: NoticeSection }) {
  return (
    <View className={`notice-section notice-section--${section.purpose}`}>
      <Text className="notice-section__title">{section.title}</Text>
      <Text className="notice-section__desc">{section.description}</Text>
      <View className="notice-fields">
        {section.fields.map((field) => (
          <View key={field.key} className={`notice-field notice-field--${field.key}`}>
            <Text className="notice-field__label">{field.label}</Text>
            <RequirementTag required={field.required} />
          </View>
        ))}
      </View>
      {section.fields.length > 0 && (
        <Text className="notice-section__retention">保存期限：{retentionOf(section)}</Text>
      )}
    </View>
  )
}

function ExtendedSection({ section }: { section: NoticeSection }) {
  return (
    <View className={`notice-extended__item notice-section--${section.purpose}`}>
      <View className="notice-extended__head">
        <Text className="notice-extended__name">{section.title}</Text>
        {section.sensitive && <Text className="notice-extended__sensitive">敏感信息</Text>}
      </View>
      <Text className="notice-extended__desc">
        {section.description}
        {section.fields.length > 0 && `涉及：${section.fields.map((f) => f.label).join('、')}。`}
      </Text>
    </View>
  )
}

/**
 * The privacy notice shown before anything is collected (4.1.2): purposes, the fields with
 * 必填/选填, retention, rights and whom to contact. Generated on the server from the inventory.
 */
export function ConsentNotice({ notice, rulesOpen = false }: { notice: Notice; rulesOpen?: boolean }) {
  const [expanded, setExpanded] = useState(rulesOpen)
  const basic = notice.sections.filter((s) => s.basic)
  const extended = notice.sections.filter((s) => !s.basic)
  const [lead, ...rules] = notice.statements
  const { controller } = notice

  return (
    <View className="notice">
      <View className="notice__head">
        <Text className="notice__title">{notice.title}</Text>
        <Text className="notice__version">第{notice.version}版</Text>
      </View>
      {lead && <Text className="notice__lead">{lead}</Text>}
      {basic.map((section) => (
        <BasicSection key={section.purpose} section={section} />
      ))}
      {extended.length > 0 && (
        <View className="notice-extended">
          <Text className="notice-extended__title">扩展功能：需要您另行逐项同意，现在不会开启</Text>
          {extended.map((section) => (
            <ExtendedSection key={section.purpose} section={section} />
          ))}
        </View>
      )}
      {expanded && (
        <View className="notice__rules">
          {rules.map((rule, i) => (
            <Text key={rule} className="notice__rule">
              {i + 1}. {rule}
            </Text>
          ))}
        </View>
      )}
      {rules.length > 0 && (
        <Text className="notice__toggle" onClick={() => setExpanded((v) => !v)}>
          {expanded ? '收起处理规则' : `展开处理规则全文（${rules.length}条）`}
        </Text>
      )}
      <View className="notice__contact">
        <Text className="notice__contact-label">个人信息保护联系人</Text>
        <Text className="notice__contact-text">
          {controller.contactName} · {controller.contactPhone} · {controller.contactEmail}
        </Text>
      </View>
    </View>
  )
}
