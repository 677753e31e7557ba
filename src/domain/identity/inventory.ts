/**
 * The data inventory (3.1, 4.1.1): every item of customer information the product may hold,
 * with why it is held and how it is protected. It is the single source of truth: the sign-up
 * form, the privacy notice, the encryption policy, masking and the data export read it, and a
 * field that is not here cannot be stored. Its keys are also the field names of the audit log.
 *
 * Staff accounts (`staff`: display name, role, stores, keyed hash of the OPENID) are not here:
 * staff are not shoppers, so their data is not customer information (3.1). It is held for the
 * staff account itself, described and retained with its collection in database/manifest.ts.
 */
import { CODE_MAX } from '../channel/model'
import { SUBSCRIBE_TOPIC_IDS, type PurposeId } from '../consent/purposes'
import { CHILD_MAX_AGE, GUARDIAN_PENDING_DAYS } from '../member/rules'

export type FieldKey =
  | 'openid'
  | 'name'
  | 'gender'
  | 'province'
  | 'birthDate'
  | 'phone'
  | 'idNumber'
  | 'address'
  | 'email'
  | 'plates'
  | 'cardNo'
  | 'guardianName'
  | 'guardianRelation'
  | 'guardianPhone'
  | 'storeId'
  | 'memberNo'
  | 'source'
  | 'channel'
  | 'memberCode'
  | 'birthdayMarks'

/** `activity`: what reflects the shopper's activities (3.1): how and where they joined. */
export type FieldCategory = 'account' | 'identity' | 'demographic' | 'contact' | 'whereabouts' | 'activity'

export type MaskKind =
  'none' | 'name' | 'phone' | 'birthDate' | 'idNumber' | 'address' | 'email' | 'plate' | 'memberNo' | 'hidden'

export interface Retention {
  /** cancellation: deleted when the account is cancelled; unbound: when the member removes it. */
  until: 'cancellation' | 'unbound'
  text: string
}

export interface InventoryField {
  key: FieldKey
  label: string
  category: FieldCategory
  /** Purposes this field serves; it may only be read under one of them. */
  purposes: PurposeId[]
  /** Sensitive personal information (3.2): separate consent, encrypted, masked. */
  sensitive: boolean
  /** Required for the basic membership service; everything else may be skipped (4.1.3). */
  required: boolean
  /** Where it is collected (or, for what the programme assigns itself, made). */
  collectedAt: 'launch' | 'join' | 'profile' | 'parking' | 'card' | 'guardian' | 'memberCode'
  /**
   * identity: the separate encrypted identity store; member: the pseudonymous member record;
   * memberCode: the member code's own collection (`member_codes`).
   */
  store: 'identity' | 'member' | 'memberCode'
  /** Encrypted per field with the member's data key (AES-256-GCM). */
  encrypted: boolean
  /** Looked up through a keyed HMAC blind index, never by plaintext (5.1). */
  blindIndex: boolean
  mask: MaskKind
  retention: Retention
  /** Maximum length of the stored text. */
  maxLength: number
  /** Made by the programme from another item, never asked for; written and removed with it. */
  derivedFrom?: FieldKey
}

const UNTIL_CANCELLED: Retention = {
  until: 'cancellation',
  text: '保存至您注销会员时止；注销后立即删除，无法恢复',
}

/**
 * An item of the pseudonymous member record (not identifying alone, in plaintext there): for the
 * basic membership, given or made at sign-up, kept until cancellation unless it says otherwise.
 */
function memberRecordItem(
  item: Pick<InventoryField, 'key' | 'label' | 'category' | 'required' | 'mask' | 'maxLength'> &
    Partial<Pick<InventoryField, 'retention' | 'derivedFrom'>>,
): InventoryField {
  return {
    purposes: ['membership'],
    sensitive: false,
    collectedAt: 'join',
    store: 'member',
    encrypted: false,
    blindIndex: false,
    retention: UNTIL_CANCELLED,
    ...item,
  }
}

export const INVENTORY: readonly InventoryField[] = [
  {
    key: 'openid',
    label: '微信用户标识',
    category: 'account',
    // The keyed hash recognises the member; the encrypted value addresses the subscribe messages
    // the member allowed, read only under that topic's consent, and the 商圈 points sync to
    // WeChat Pay (its balance only under businessCircle), and the 商圈 parking sync.
    purposes: ['membership', ...SUBSCRIBE_TOPIC_IDS, 'businessCircle', 'businessCircleParking'],
    sensitive: false,
    required: true,
    collectedAt: 'launch',
    store: 'identity',
    encrypted: true,
    blindIndex: true,
    mask: 'hidden',
    retention: UNTIL_CANCELLED,
    maxLength: 64,
  },
  {
    key: 'name',
    label: '姓名',
    category: 'identity',
    purposes: ['membership'],
    sensitive: false,
    required: true,
    collectedAt: 'join',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'name',
    retention: UNTIL_CANCELLED,
    maxLength: 40,
  },
  memberRecordItem({
    key: 'gender',
    label: '性别',
    category: 'demographic',
    required: false,
    mask: 'none',
    maxLength: 6,
  }),
  memberRecordItem({
    key: 'province',
    label: '所在省份',
    category: 'demographic',
    required: false,
    mask: 'none',
    maxLength: 2,
  }),
  {
    key: 'birthDate',
    label: '出生日期',
    category: 'identity',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'join',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'birthDate',
    retention: UNTIL_CANCELLED,
    maxLength: 10,
  },
  {
    key: 'phone',
    label: '手机号',
    category: 'contact',
    purposes: ['membership'],
    sensitive: false,
    required: true,
    collectedAt: 'join',
    store: 'identity',
    encrypted: true,
    blindIndex: true,
    mask: 'phone',
    retention: UNTIL_CANCELLED,
    maxLength: 11,
  },
  {
    key: 'idNumber',
    label: '身份证号',
    category: 'identity',
    purposes: ['idNumber'],
    sensitive: true,
    required: false,
    collectedAt: 'profile',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'idNumber',
    retention: UNTIL_CANCELLED,
    maxLength: 18,
  },
  {
    key: 'address',
    label: '联系地址',
    category: 'contact',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'profile',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'address',
    retention: UNTIL_CANCELLED,
    maxLength: 120,
  },
  {
    key: 'email',
    label: '电子邮箱',
    category: 'contact',
    purposes: ['membership', 'marketing'],
    sensitive: false,
    required: false,
    collectedAt: 'profile',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'email',
    retention: UNTIL_CANCELLED,
    maxLength: 100,
  },
  {
    key: 'plates',
    label: '车牌号',
    category: 'whereabouts',
    // Sent to WeChat Pay on entry and exit only under its own consent (businessCircleParking).
    purposes: ['parking', 'businessCircleParking'],
    sensitive: true,
    required: false,
    collectedAt: 'parking',
    store: 'identity',
    encrypted: true,
    blindIndex: true,
    mask: 'plate',
    retention: { until: 'unbound', text: '解绑或注销会员后立即删除' },
    maxLength: 8,
  },
  {
    key: 'cardNo',
    label: '会员卡号',
    category: 'account',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'card',
    store: 'identity',
    encrypted: true,
    // The card itself is found by the blind index of its number (cards/<index>).
    blindIndex: false,
    mask: 'idNumber',
    retention: UNTIL_CANCELLED,
    maxLength: 16,
  },
  // A guardian's consent for a member aged 14 or under (L-5): who consented and how to reach them.
  {
    key: 'guardianName',
    label: '监护人姓名',
    category: 'identity',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'guardian',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'name',
    retention: UNTIL_CANCELLED,
    maxLength: 40,
  },
  {
    key: 'guardianRelation',
    label: '监护关系',
    category: 'identity',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'guardian',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'hidden',
    retention: UNTIL_CANCELLED,
    maxLength: 8,
  },
  {
    key: 'guardianPhone',
    label: '监护人手机号',
    category: 'contact',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'guardian',
    store: 'identity',
    encrypted: true,
    blindIndex: false,
    mask: 'phone',
    retention: UNTIL_CANCELLED,
    maxLength: 11,
  },
  // The membership itself, on the pseudonymous member record: the member number the programme
  // gives, the service store the shopper picks, and how they joined (3.1).
  memberRecordItem({
    key: 'memberNo',
    label: '会员号',
    category: 'account',
    required: true,
    mask: 'memberNo',
    maxLength: 12,
  }),
  memberRecordItem({
    key: 'storeId',
    label: '服务门店',
    category: 'account',
    required: true,
    mask: 'none',
    maxLength: 64,
  }),
  // The channel whose code the shopper scanned to join (kind, code, store and counter; first
  // touch), with a manager's corrections and their reasons; none without a scanned code. Its
  // length is the channel code's.
  memberRecordItem({
    key: 'source',
    label: '入会渠道',
    category: 'activity',
    required: false,
    mask: 'none',
    maxLength: CODE_MAX,
    retention: {
      until: 'cancellation',
      text: '保存至您注销会员时止（店长更正的，连同原渠道和更正原因）；注销后立即删除，无法恢复',
    },
  }),
  // Recorded with the basic consent as where it was given (4.1.2).
  memberRecordItem({
    key: 'channel',
    label: '入会平台',
    category: 'activity',
    required: true,
    mask: 'none',
    maxLength: 8,
  }),
  {
    // A credential: the secret the member's phone computes the rotating member code from, sealed
    // under the member's data key, found by a keyed hash of the code's id; never shown to staff.
    key: 'memberCode',
    label: '会员码密钥',
    category: 'account',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'memberCode',
    store: 'memberCode',
    encrypted: true,
    blindIndex: true,
    mask: 'hidden',
    retention: { until: 'cancellation', text: '更换会员码时旧密钥立即删除；注销会员时立即删除' },
    maxLength: 64,
  },
  // Derived from the birth date (6.4.1): two keyed hashes on the member record (of the birth
  // month-day and of the month, each bound to the member) by which a purchase tells the birthday
  // multiplier without the birth date; not in the data copy, which holds the birth date itself.
  memberRecordItem({
    key: 'birthdayMarks',
    label: '生日积分标记',
    category: 'identity',
    required: false,
    mask: 'hidden',
    maxLength: 64,
    derivedFrom: 'birthDate',
    retention: {
      until: 'cancellation',
      text: '由出生日期生成的加密摘要，仅用于生日积分加倍；随出生日期更正或删除而更新或删除，注销会员时立即删除',
    },
  }),
]

/**
 * Children (3.2, L-5): everything held about a member aged CHILD_MAX_AGE or under is sensitive
 * personal information, whatever the field. Until a guardian consents the member is held with
 * `heldFields` only, for `pendingDays` (`period`, ISO 8601): past it, all of it is deleted.
 */
export const CHILD_DATA = {
  maxAge: CHILD_MAX_AGE,
  sensitive: true,
  heldFields: ['openid', 'name', 'phone', 'birthDate'] as readonly FieldKey[],
  pendingDays: GUARDIAN_PENDING_DAYS,
  period: `P${GUARDIAN_PENDING_DAYS}D`,
  text:
    `${CHILD_MAX_AGE}周岁及以下未成年人的个人信息均属于敏感个人信息，需经监护人同意后方可处理；` +
    `监护人同意前仅保存姓名、手机号和出生日期，最长${GUARDIAN_PENDING_DAYS}日，逾期未同意的立即删除。`,
} as const

/** Whether a field is sensitive for this member: always for a child (3.2). */
export function isSensitive(key: FieldKey, member: { child: boolean }): boolean {
  return member.child ? CHILD_DATA.sensitive : inventoryField(key).sensitive
}

/**
 * Records of a member's activities (3.1) kept besides the fields above, with their period
 * (ISO 8601, a year counted as 365 days) and how it is stated where consent is given (7.1). The
 * database manifest's retention rules take their periods from here.
 */
export type RecordKey =
  'consentReceipts' | 'pointsLedger' | 'auditLog' | 'issuedCards' | 'parkingSessions' | 'receiptClaims'

export interface KeptRecord {
  key: RecordKey
  label: string
  period: string
  text: string
}

export const KEPT_RECORDS: readonly KeptRecord[] = [
  {
    key: 'consentReceipts',
    label: '同意记录',
    period: 'P3Y',
    text: '保存至您注销会员时止；注销后去除与您的关联，匿名保存3年后删除',
  },
  {
    key: 'pointsLedger',
    label: '积分流水',
    period: 'P10Y',
    text: '每笔自发生之日起保存10年（会计凭证），期满删除；注销后去除与您的关联',
  },
  {
    key: 'auditLog',
    label: '个人信息访问记录',
    period: 'P3Y',
    text: '每条自记录之日起保存3年，期满删除；注销后不再与您关联',
  },
  {
    key: 'issuedCards',
    label: '服务台办理的会员卡',
    period: 'P2Y',
    text: '卡上登记的姓名和手机号在绑定后立即删除；办卡后2年内未绑定的，期满删除',
  },
  {
    key: 'parkingSessions',
    label: '停车场出入记录',
    period: 'P30D',
    text: '车牌（加密保存）及出入场时间自离场起保存30天，期满删除，其加密密钥随后销毁',
  },
  {
    key: 'receiptClaims',
    label: '小票积分申请',
    period: 'P10Y',
    text: '小票照片在审核后立即删除（30天内未审核的自动关闭并删除）；门店、金额、小票日期和小票号的加密摘要随积分流水保存10年；注销时未审核的申请连同照片立即删除，其余去除与您的关联',
  },
]

export function keptRecord(key: RecordKey): KeptRecord {
  const record = KEPT_RECORDS.find((r) => r.key === key)
  if (!record) throw new Error(`record ${key} is not in the data inventory`)
  return record
}

const BY_KEY = new Map(INVENTORY.map((f) => [f.key, f]))

export function inventoryField(key: FieldKey): InventoryField {
  const field = BY_KEY.get(key)
  if (!field) throw new Error(`field ${key} is not in the data inventory`)
  return field
}

/** The personal fields the join form asks for, in form order. */
export const JOIN_FIELDS: readonly FieldKey[] = ['name', 'gender', 'province', 'birthDate', 'phone']

/** Fields stored encrypted in the identity store. */
export const ENCRYPTED_FIELDS: readonly FieldKey[] = INVENTORY.filter((f) => f.encrypted).map((f) => f.key)

export function fieldsForPurpose(purpose: PurposeId): InventoryField[] {
  return INVENTORY.filter((f) => f.purposes.includes(purpose))
}
