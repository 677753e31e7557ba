/**
 * The data inventory (3.1, 4.1.1): every item of customer information the product may hold,
 * with why it is held and how it is protected. It is the single source of truth: the sign-up
 * form, the privacy notice, the encryption policy, masking and the data export read it, and a
 * field that is not here cannot be stored.
 */
import { SUBSCRIBE_TOPIC_IDS, type PurposeId } from '../consent/purposes'

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

export type FieldCategory = 'account' | 'identity' | 'demographic' | 'contact' | 'whereabouts'

export type MaskKind =
  'none' | 'name' | 'phone' | 'birthDate' | 'idNumber' | 'address' | 'email' | 'plate' | 'hidden'

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
  /** Where it is collected. */
  collectedAt: 'launch' | 'join' | 'profile' | 'parking' | 'card' | 'guardian'
  /** identity: the separate encrypted identity store; member: the pseudonymous member record. */
  store: 'identity' | 'member'
  /** Encrypted per field with the member's data key (AES-256-GCM). */
  encrypted: boolean
  /** Looked up through a keyed HMAC blind index, never by plaintext (5.1). */
  blindIndex: boolean
  mask: MaskKind
  retention: Retention
  /** Maximum length of the stored text. */
  maxLength: number
}

const UNTIL_CANCELLED: Retention = {
  until: 'cancellation',
  text: '会员存续期间保存；注销会员后立即删除',
}

export const INVENTORY: readonly InventoryField[] = [
  {
    key: 'openid',
    label: '微信用户标识',
    category: 'account',
    // The keyed hash recognises the member; the encrypted value addresses the subscribe messages
    // the member allowed, read only under that topic's consent.
    purposes: ['membership', ...SUBSCRIBE_TOPIC_IDS],
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
  {
    key: 'gender',
    label: '性别',
    category: 'demographic',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'join',
    store: 'member',
    encrypted: false,
    blindIndex: false,
    mask: 'none',
    retention: UNTIL_CANCELLED,
    maxLength: 6,
  },
  {
    key: 'province',
    label: '所在省份',
    category: 'demographic',
    purposes: ['membership'],
    sensitive: false,
    required: false,
    collectedAt: 'join',
    store: 'member',
    encrypted: false,
    blindIndex: false,
    mask: 'none',
    retention: UNTIL_CANCELLED,
    maxLength: 2,
  },
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
    purposes: ['parking'],
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
  // A guardian's consent for a member under 14 (L-5): who consented and how to reach them.
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
]

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
