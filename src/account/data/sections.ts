/**
 * 我的数据 as the member reads it (L-8): the export, section by section, with the labels of the
 * data inventory and times in China time. The copy and the download stay the JSON itself
 * (format documented in docs/data-export.md); these sections only present it.
 */
import { CHANNEL_KIND_LABELS } from '@/domain/channel/model'
import { CHANNEL_LABELS } from '@/domain/consent/model'
import { purposeTitle } from '@/domain/consent/purposes'
import { chinaTime } from '@/domain/dates'
import { inventoryField, type FieldKey } from '@/domain/identity/inventory'
import { provinceName } from '@/domain/identity/regions'
import { GENDERS } from '@/domain/identity/rules'
import { GUARDIAN_RELATIONS, type AccessLogDay, type DataExport } from '@/domain/member/model'
import { SESSION_STATE_LABELS, type ParkingSessionCopy } from '@/domain/parking/sessions'
import { POINTS_REASON_LABELS } from '@/domain/points/model'

export interface DataRow {
  key: string
  label: string
  value: string
}

export interface DataSection {
  /** The export's own key (`profile`, `consentReceipts` …): the section's name in the JSON. */
  key: keyof DataExport
  title: string
  rows: DataRow[]
  /** Shown instead of rows when there are none. */
  empty: string
  /** Long values: each below its label rather than beside it. */
  stacked: boolean
}

/** The JSON's sections in reading order, with their Chinese titles (also the file's legend). */
export const SECTION_TITLES: Record<Exclude<keyof DataExport, 'exportedAt' | 'format'>, string> = {
  profile: '个人信息',
  card: '会员卡',
  plates: '车牌',
  parkingSessions: '停车记录',
  consents: '授权状态',
  consentReceipts: '同意记录',
  pointsLedger: '积分明细',
  campaignClaims: '活动领取',
  guardian: '监护人',
  accessLog: '访问记录',
  other: '其他记录',
}

const NOT_GIVEN = '未填写'

const label = (key: FieldKey) => inventoryField(key).label

const or = (value: string | null | undefined) => (value ? value : NOT_GIVEN)

const BY: Record<AccessLogDay['by'], string> = {
  self: '本人',
  staff: '工作人员',
  device: '门店收银设备',
  system: '系统',
}

const ACTIONS: Record<AccessLogDay['action'], string> = {
  create: '新增',
  read: '查看',
  update: '修改',
  delete: '删除',
}

function fieldLabel(key: string): string {
  try {
    return label(key as FieldKey)
  } catch (_error) {
    // A field the inventory has since dropped is still named, by its key.
    return key
  }
}

function profileRows({ profile }: DataExport): DataRow[] {
  const gender = GENDERS.find((g) => g.value === profile.gender)?.label
  const province = profile.province ? (provinceName(profile.province) ?? profile.province) : null
  return [
    { key: 'memberNo', label: label('memberNo'), value: profile.memberNo },
    { key: 'status', label: '会员状态', value: profile.status === 'active' ? '正常' : '待监护人同意' },
    { key: 'name', label: label('name'), value: profile.name },
    { key: 'phone', label: label('phone'), value: profile.phone },
    { key: 'gender', label: label('gender'), value: or(gender) },
    { key: 'province', label: label('province'), value: or(province) },
    { key: 'birthDate', label: label('birthDate'), value: or(profile.birthDate) },
    { key: 'address', label: label('address'), value: or(profile.address) },
    { key: 'email', label: label('email'), value: or(profile.email) },
    { key: 'idNumber', label: label('idNumber'), value: or(profile.idNumber) },
    { key: 'store', label: label('storeId'), value: `${profile.store.city} · ${profile.store.name}` },
    { key: 'joinedAt', label: '入会时间', value: chinaTime(profile.joinedAt) },
    {
      key: 'source',
      label: label('source'),
      value: profile.source
        ? `${CHANNEL_KIND_LABELS[profile.source.kind]}（${profile.source.channelId}）`
        : '未经渠道二维码',
    },
    {
      key: 'channel',
      label: label('channel'),
      value: or(profile.channel && CHANNEL_LABELS[profile.channel]),
    },
  ]
}

function consentState(consent: DataExport['consents'][number]): string {
  if (consent.needsReconsent) return '需重新同意'
  return consent.granted ? '已同意' : '未同意'
}

function accessRow(row: AccessLogDay, i: number): DataRow {
  const fields = row.fields.map(fieldLabel).join('、')
  const result = row.success ? '' : '（未成功）'
  return {
    key: `access-${i}`,
    label: `${row.day} · ${BY[row.by]}`,
    value: `${ACTIONS[row.action]}${fields}${result} · ${purposeTitle(row.purpose)} · ${row.count}次`,
  }
}

/** A campaign item as given, in words: the gender's and the province's names. */
function itemText({ key, value }: { key: string; value: string }): string {
  if (key === 'gender') return GENDERS.find((g) => g.value === value)?.label ?? value
  if (key === 'province') return provinceName(value) ?? value
  return value
}

function claimRow(claim: DataExport['campaignClaims'][number]): DataRow {
  const where = claim.verifiedStore ? ` 于${claim.verifiedStore}` : ''
  const verified = claim.verifiedAt ? `（${chinaTime(claim.verifiedAt)}${where}）` : ''
  return {
    key: claim.code,
    label: claim.title ? `${claim.title} · ${claim.kindLabel}` : claim.campaignId,
    value: [
      `领取码 ${claim.code} · ${chinaTime(claim.claimedAt)} 领取 · ${claim.statusLabel}${verified}`,
      ...claim.items.map((item) => `${item.label}：${itemText(item)}`),
      ...claim.answers.map((a) => `${a.question}：${a.answer}`),
    ].join('\n'),
  }
}

function sessionRow(session: ParkingSessionCopy, i: number): DataRow {
  const times = [
    session.enteredAt ? `入场 ${chinaTime(session.enteredAt)}` : '',
    session.exitedAt ? `出场 ${chinaTime(session.exitedAt)}` : '',
  ].filter(Boolean)
  return {
    key: `parking-${i}`,
    label: `${session.plate} · ${SESSION_STATE_LABELS[session.state]}`,
    value: [...times, `已付 ¥${(session.paidFen / 100).toFixed(2)}`].join(' · '),
  }
}

/** Every section of the export, also the empty ones: the member sees what is not held too. */
export function exportSections(data: DataExport): DataSection[] {
  const rows: Record<keyof typeof SECTION_TITLES, { rows: DataRow[]; empty: string }> = {
    profile: { rows: profileRows(data), empty: '' },
    card: {
      rows: data.card
        ? [
            {
              key: 'cardNo',
              label: label('cardNo'),
              value: `${data.card.cardNo}（绑定于 ${chinaTime(data.card.boundAt)}）`,
            },
          ]
        : [],
      empty: '未绑定会员卡',
    },
    plates: {
      rows: data.plates.map((p) => ({ key: p.id, label: p.plate, value: `绑定于 ${chinaTime(p.boundAt)}` })),
      empty: '未绑定车牌',
    },
    parkingSessions: { rows: data.parkingSessions.map(sessionRow), empty: '暂无停车记录' },
    consents: {
      rows: data.consents.map((c) => ({
        key: c.purpose,
        label: c.title,
        value: c.changedAt ? `${consentState(c)} · ${chinaTime(c.changedAt)}` : consentState(c),
      })),
      empty: '暂无授权',
    },
    consentReceipts: {
      rows: data.consentReceipts.map((r) => ({
        key: r.id,
        label: purposeTitle(r.purpose),
        value: `${r.granted ? '同意' : '撤回'} · ${chinaTime(r.at)} · 规则第${r.noticeVersion}版`,
      })),
      empty: '暂无同意记录',
    },
    pointsLedger: {
      rows: data.pointsLedger.map((e) => ({
        key: e.id,
        label: e.note || POINTS_REASON_LABELS[e.reason],
        value: `${e.delta > 0 ? '+' : ''}${e.delta} · ${chinaTime(e.at)}`,
      })),
      empty: '暂无积分变动',
    },
    campaignClaims: { rows: data.campaignClaims.map(claimRow), empty: '未参加活动' },
    guardian: {
      rows: data.guardian
        ? [
            { key: 'guardianName', label: label('guardianName'), value: data.guardian.name },
            {
              key: 'guardianRelation',
              label: label('guardianRelation'),
              value: GUARDIAN_RELATIONS.find((r) => r.value === data.guardian?.relation)?.label ?? '',
            },
            { key: 'guardianPhone', label: label('guardianPhone'), value: data.guardian.phone },
            { key: 'guardianAt', label: '同意时间', value: chinaTime(data.guardian.at) },
          ]
        : [],
      empty: '无需监护人同意',
    },
    accessLog: { rows: data.accessLog.map(accessRow), empty: '暂无访问记录' },
    other: {
      rows: Object.entries(data.other).map(([name, docs]) => ({
        key: name,
        label: name,
        value: `${docs.length}条（详见复制或下载的完整数据）`,
      })),
      empty: '无',
    },
  }
  return (Object.keys(SECTION_TITLES) as (keyof typeof SECTION_TITLES)[]).map((key) => ({
    key,
    title: SECTION_TITLES[key],
    stacked: key === 'accessLog' || key === 'campaignClaims',
    ...rows[key],
  }))
}
