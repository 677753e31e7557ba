import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect } from 'react'
import { EntryList, type Entry } from '@/components/EntryList'
import { PageShell } from '@/components/PageShell'
import { PageTabBar } from '@/components/TabBar'
import { setStaffTab } from '@/components/TabBar/shell'
import { StatusView } from '@/components/StatusView'
import { staffApi } from '@/api/staff'
import { useRemote } from '@/api/useRemote'
import type { StaffMember } from '@/domain/contracts/staff'
import { STAFF_ROLE_TITLES, type StaffRole } from '@/domain/staff/model'
import { storeNames, useStaffContext } from '@/staff/useStaffContext'
import './index.css'

const go = (url: string) => () => {
  Taro.navigateTo({ url })
}

/** The tools that exist, each with the roles the server lets use it. */
const TOOLS: (Entry & { roles: readonly StaffRole[] })[] = [
  {
    key: 'invite',
    title: '邀请同事',
    hint: '生成一次性邀请码，同事扫码加入',
    roles: ['manager', 'admin'],
    onClick: go('/staff/invite/index'),
  },
  {
    key: 'list',
    title: '员工列表',
    hint: '查看员工，停用或启用账号',
    roles: ['manager', 'privacyOfficer', 'admin'],
    onClick: go('/staff/list/index'),
  },
  {
    key: 'lookup',
    title: '会员查询',
    hint: '输入会员号后4位，查看会员信息（已脱敏）',
    roles: ['counter', 'manager'],
    onClick: go('/staff/lookup/index'),
  },
  {
    key: 'channels',
    title: '渠道报表',
    hint: '各渠道、专柜每日入会人数',
    roles: ['manager', 'admin'],
    onClick: go('/staff/channels/index'),
  },
  {
    key: 'verify',
    title: '核销',
    hint: '输入或扫描顾客的领取码，核销礼品、小样',
    roles: ['counter', 'manager'],
    onClick: go('/staff/verify/index'),
  },
  {
    key: 'campaigns',
    title: '活动与礼品',
    hint: '扫码领礼品、领小样、问卷调查；活动码与报表',
    roles: ['counter', 'manager', 'admin'],
    onClick: go('/staff/campaigns/index'),
  },
  {
    key: 'cards',
    title: '导入会员卡',
    hint: '从 CSV 文件导入已发放的实体会员卡',
    roles: ['manager', 'admin'],
    onClick: go('/staff/cards/index'),
  },
  {
    key: 'partners',
    title: '合作方登记',
    hint: '合作方、供应商的保密协议和等保认证',
    roles: ['privacyOfficer', 'admin'],
    onClick: go('/staff/partners/index'),
  },
  {
    key: 'codes',
    title: '渠道二维码',
    hint: '本店专柜、服务台的会员二维码，展示或打印台卡',
    roles: ['counter', 'manager', 'admin'],
    onClick: go('/staff/codes/index'),
  },
  {
    key: 'earn',
    title: '消费积分',
    hint: '在会员查询中找到会员后积分；小票退货扣回积分',
    roles: ['counter', 'manager'],
    onClick: go('/staff/earn/index'),
  },
  {
    key: 'points-rules',
    title: '积分规则',
    hint: '当前积分规则与历史版本；管理员发布新版本',
    roles: ['manager', 'admin'],
    onClick: go('/staff/points-rules/index'),
  },
  {
    key: 'points-report',
    title: '积分报表',
    hint: '每日积分发放、使用、过期、退货与未兑付积分',
    roles: ['manager', 'admin', 'finance'],
    onClick: go('/staff/points-report/index'),
  },
  {
    key: 'receipts',
    title: '小票审核',
    hint: '顾客拍照提交的小票：核对后补积分或驳回',
    roles: ['counter', 'manager'],
    onClick: go('/staff/receipts/index'),
  },
  {
    key: 'parking-desk',
    title: '停车服务台',
    hint: '按车牌查询停车记录，减免停车费，查看最近离场车辆',
    roles: ['counter', 'manager'],
    onClick: go('/staff/parking-desk/index'),
  },
  {
    key: 'parking-tariff',
    title: '停车收费标准',
    hint: '当前收费与抵扣标准、历史版本；发布新版本',
    roles: ['manager', 'admin'],
    onClick: go('/staff/parking-tariff/index'),
  },
  {
    key: 'parking-report',
    title: '停车报表',
    hint: '每日停车收入、各类抵扣、积分使用、减免与退款',
    roles: ['manager', 'admin'],
    onClick: go('/staff/parking-report/index'),
  },
  {
    key: 'rewards',
    title: '积分商城管理',
    hint: '积分兑换的礼品、券和服务：上架、改价、暂停、补充库存',
    roles: ['manager', 'admin'],
    onClick: go('/staff/rewards/index'),
  },
]

const toolsFor = (staff: StaffMember): Entry[] => TOOLS.filter((tool) => tool.roles.includes(staff.role))

const openPartners = go('/staff/partners/index')

/** For the register's keepers: how many partners' agreements or certifications need a look. */
function PartnerWarning() {
  const [remote] = useRemote(staffApi.listPartners)
  if (remote.state !== 'ready') return null
  const flagged = remote.data.partners.filter((p) => p.flags.length > 0)
  if (flagged.length === 0) return null
  return (
    <View className="card workbench__warning" ariaRole="button" onClick={openPartners}>
      <Text className="workbench__warning-title">{flagged.length} 个合作方需要处理</Text>
      <Text className="workbench__text">
        {flagged
          .slice(0, 3)
          .map((p) => p.name)
          .join('、')}
        的保密协议或等保认证已过期、即将到期或未达二级
      </Text>
    </View>
  )
}

/**
 * 员工工作台, the 员工 tab (main package: keep it small, the tools are pages of the staff
 * subpackage): who the caller is as staff, and the staff tools their role may use.
 */
export default function Workbench() {
  const [context, reload] = useStaffContext()
  const staff = context.state === 'ready' ? context.data.staff : undefined
  useEffect(() => {
    if (staff !== undefined) setStaffTab(staff !== null)
  }, [staff])

  const content = () => {
    if (context.state === 'loading') return <StatusView state="loading" />
    if (context.state === 'failed') {
      return <StatusView state="failed" failure={context.failure} onRetry={reload} />
    }
    const { staff, stores } = context.data
    if (!staff) {
      return (
        <View className="card workbench__none">
          <Text className="card__title">您还不是员工</Text>
          <Text className="workbench__text">请扫描店长出示的员工邀请码加入。</Text>
        </View>
      )
    }
    const tools = toolsFor(staff)
    return (
      <>
        <View className="card workbench__me">
          <Text className="workbench__name">{staff.displayName || '员工'}</Text>
          <Text className="workbench__role">{STAFF_ROLE_TITLES[staff.role]}</Text>
          <Text className="workbench__store">{storeNames(staff.storeIds, stores)}</Text>
        </View>
        {(staff.role === 'admin' || staff.role === 'privacyOfficer') && <PartnerWarning />}
        {tools.length > 0 && <EntryList className="workbench__tools" entries={tools} />}
      </>
    )
  }

  return (
    <PageShell name="workbench" title="员工工作台" back={false}>
      {content()}
      <PageTabBar tab="staff" />
    </PageShell>
  )
}
