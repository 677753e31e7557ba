import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { EntryList, type Entry } from '@/components/EntryList'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import type { StaffMember } from '@/domain/contracts/staff'
import { STAFF_ROLE_TITLES, type StaffRole } from '@/domain/staff/model'
import { storeNames, useStaffContext } from '../useStaffContext'
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
]

const toolsFor = (staff: StaffMember): Entry[] => TOOLS.filter((tool) => tool.roles.includes(staff.role))

/** 员工工作台: who the caller is as staff, and the staff tools their role may use. */
export default function Workbench() {
  const [context, reload] = useStaffContext()

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
        {tools.length > 0 && <EntryList className="workbench__tools" entries={tools} />}
      </>
    )
  }

  return (
    <PageShell name="workbench" title="员工工作台">
      {content()}
    </PageShell>
  )
}
