import Taro from '@tarojs/taro'
import { EntryList, type Entry } from '@/components/EntryList'
import { PageShell } from '@/components/PageShell'
import { showPrivacyGuide } from '@/components/PrivacyAuthorization'

const go = (url: string) => () => {
  Taro.navigateTo({ url })
}

const DATA: Entry[] = [
  {
    key: 'profile',
    title: '个人资料',
    hint: '查看和修改地址、邮箱、身份证号',
    onClick: go('/account/profile/index'),
  },
  { key: 'phone', title: '更换手机号', onClick: go('/account/phone/index') },
  {
    key: 'plates',
    title: '车牌管理',
    hint: '最多绑定3个车牌，离场自动识别',
    onClick: go('/account/plates/index'),
  },
  { key: 'bind', title: '绑定会员卡', hint: '绑定在服务台办理的实体卡', onClick: go('/account/bind/index') },
]

const PRIVACY: Entry[] = [
  {
    key: 'consents',
    title: '隐私与授权',
    hint: '逐项开启或关闭授权，查看授权记录',
    onClick: go('/account/consents/index'),
  },
  {
    key: 'data',
    title: '我的数据',
    hint: '获取我们保存的关于您的全部信息',
    onClick: go('/account/data/index'),
  },
  { key: 'guide', title: '隐私保护指引', onClick: showPrivacyGuide },
]

const CLOSE: Entry[] = [
  { key: 'delete', title: '注销账户', danger: true, onClick: go('/account/delete/index') },
]

/** 账户与隐私: one tap from the member centre, every self-service page one tap further (L-2). */
export default function AccountSettings() {
  return (
    <PageShell name="settings" title="账户与隐私">
      <EntryList className="settings__data" entries={DATA} />
      <EntryList className="settings__privacy" entries={PRIVACY} />
      <EntryList className="settings__close" entries={CLOSE} />
    </PageShell>
  )
}
