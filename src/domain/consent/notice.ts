/**
 * The privacy notice shown before anything personal is collected (4.1.2, L-1), generated from
 * the data inventory and the consent catalogue so that it cannot drift from what is stored.
 */
import { CHILD_DATA, INVENTORY, KEPT_RECORDS, type InventoryField } from '../identity/inventory'
import { NOTICE_VERSION, PURPOSES, PURPOSE_IDS, type PurposeId } from './purposes'

/** The organisation that runs the programme, as configured in the database. */
export interface Controller {
  name: string
  /** Who answers questions and requests about personal information. */
  contactName: string
  contactPhone: string
  contactEmail: string
}

export interface NoticeField {
  key: InventoryField['key']
  label: string
  required: boolean
  sensitive: boolean
  retention: string
}

export interface NoticeSection {
  purpose: PurposeId
  title: string
  description: string
  basic: boolean
  sensitive: boolean
  fields: NoticeField[]
}

export interface Notice {
  version: number
  title: string
  controller: Controller
  sections: NoticeSection[]
  /** Plain statements of method, rules and rights, in reading order. */
  statements: string[]
}

export function buildNotice(controller: Controller): Notice {
  const sections = PURPOSE_IDS.map((id) => {
    const purpose = PURPOSES[id]
    return {
      purpose: id,
      title: purpose.title,
      description: purpose.description,
      basic: purpose.basic,
      sensitive: purpose.sensitive,
      fields: INVENTORY.filter((f) => f.purposes[0] === id).map((f) => ({
        key: f.key,
        label: f.label,
        required: f.required,
        sensitive: f.sensitive,
        retention: f.retention.text,
      })),
    }
  })
  return {
    version: NOTICE_VERSION,
    title: '会员个人信息处理规则',
    controller,
    sections,
    statements: [
      `${controller.name}（以下简称“我们”）按照《个人信息保护法》与《零售商顾客信息采集与管理要求》处理您的个人信息。`,
      '我们只收集下列目的所必需的信息：标注“必填”的信息用于会员基础服务；其余信息均为选填，您可以跳过，不影响基础服务。',
      '扩展功能（营销信息、个性化推荐、停车、身份证件、订阅消息、微信支付智慧商圈积分同步）需要您逐项单独同意，可随时在“隐私与授权”中关闭；拒绝后我们不会反复询问。',
      '姓名、手机号等身份信息与会员记录分开保存，逐项加密；界面上默认脱敏显示；工作人员和系统的每一次读取都会逐条记录时间、人员和用途并留存审计日志，您本人查看自己的信息按日汇总记录。',
      `除上述信息外，我们保存的记录及其期限：${KEPT_RECORDS.map((r) => `${r.label}${r.text}`).join('；')}。`,
      CHILD_DATA.text,
      '我们不会出售您的个人信息，也不会向第三方提供，法律法规另有规定的除外；唯一的例外是微信支付智慧商圈：您在微信支付中授权商圈积分后，您在商场内用微信支付消费所得的积分会回传给微信支付（财付通），您另行同意“微信支付智慧商圈积分同步”后还会回传您的积分余额。',
      '您可以随时查阅、复制、更正您的信息，撤回同意，或一键注销会员；注销后您的身份信息立即删除，依法需留存的积分、授权和审计记录改用匿名编号，无法再关联到您或您日后重新注册的账户。',
      `如有疑问或请求，请联系${controller.contactName}：电话 ${controller.contactPhone}，邮箱 ${controller.contactEmail}。我们将在15个工作日内答复。`,
    ],
  }
}
