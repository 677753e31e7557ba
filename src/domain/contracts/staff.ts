/**
 * The `staff` function's contract (docs/architecture.md, "The staff function"): who the caller
 * is as staff, joining the staff by a one-time invite, and the staff list of a store or of the
 * mall. Access is checked by the router; the store scope of a manager by the handlers (an
 * account can name several stores).
 */
import { empty, enumOf, listOf, required, schema, text } from '../input'
import { STAFF_ROLES, type StaffRole } from '../staff/model'
import { cardImportContract } from './cardImport'
import { action } from './contract'
import { lookupContract } from './lookup'
import { channelsContract } from './channels'
import { memberCodeStaffContract } from './memberCode'
import { partnersContract } from './partners'
import { vouchersContract } from './vouchers'
import { pointsContract } from './points'
import { parkingContract } from './parking'
import { receiptsStaffContract } from './receipts'
import { parkingDeskContract } from './parkingDesk'
import { parkPayStaffContract } from './parkpay'
import { rewardsContract } from './rewards'

/** Store ids are ours (`store-…`), counter ids too: generous bounds, existence is checked by the function. */
const ID_MAX = 64
/** More stores than one manager runs. */
const MAX_STORES = 50
/** Long enough for 「兰蔻专柜·导购 王小明」. */
export const STAFF_NAME_MAX = 30

/** A staff member as the staff screens show them. */
export interface StaffMember {
  staffId: string
  role: StaffRole
  /** Empty for the mall-wide roles (privacyOfficer, admin): every store. */
  storeIds: string[]
  counterId?: string
  displayName: string
}

export interface StaffListEntry extends StaffMember {
  status: 'active' | 'disabled'
}

export interface CreatedInvite {
  /** The one-time code; the server keeps only its keyed hash. */
  code: string
  /** ISO time after which the invite can no longer be taken (24 h). */
  expiresAt: string
  /** What the invite's mini-program code (wxacode.getUnlimited) carries: ≤ 32 characters. */
  scene: string
}

const staffId = () => required(ID_MAX, 'STAFF_UNKNOWN')
const inviteCode = () => required(32, 'INVITE_INVALID')

export const staffContract = {
  me: action<{ staff: StaffMember | null }>()({
    input: empty,
    access: ['shopper'],
    errors: [],
  }),
  createInvite: action<CreatedInvite>()({
    input: schema({
      role: enumOf(STAFF_ROLES, 'INVALID_ARGUMENT'),
      storeIds: listOf(required(ID_MAX, 'STAFF_STORES_INVALID'), MAX_STORES),
      counterId: text(ID_MAX),
      displayName: text(STAFF_NAME_MAX),
    }),
    access: ['manager', 'admin'],
    errors: ['STAFF_STORES_INVALID', 'STORE_UNKNOWN', 'COUNTER_UNKNOWN'],
  }),
  /** An open invite's mini-program code: base64 PNG (shown as `data:image/png;base64,<png>`). */
  inviteCode: action<{ png: string; scene: string }>()({
    input: schema({ code: inviteCode() }),
    access: ['manager', 'admin'],
    errors: ['INVITE_INVALID'],
  }),
  redeemInvite: action<{ staff: StaffMember }>()({
    input: schema({ code: inviteCode() }),
    access: ['shopper'],
    errors: ['INVITE_INVALID', 'ALREADY_STAFF'],
  }),
  revokeInvite: action<{ revoked: true }>()({
    input: schema({ code: inviteCode() }),
    access: ['manager', 'admin'],
    errors: ['INVITE_INVALID'],
  }),
  listStaff: action<{ staff: StaffListEntry[] }>()({
    input: empty,
    access: ['manager', 'privacyOfficer', 'admin'],
    errors: [],
  }),
  disableStaff: action<{ staff: StaffListEntry }>()({
    input: schema({ staffId: staffId() }),
    access: ['manager', 'admin'],
    errors: ['STAFF_UNKNOWN', 'STAFF_SELF'],
  }),
  enableStaff: action<{ staff: StaffListEntry }>()({
    input: schema({ staffId: staffId() }),
    access: ['manager', 'admin'],
    errors: ['STAFF_UNKNOWN', 'STAFF_SELF'],
  }),
  ...lookupContract,
  ...cardImportContract,
  ...partnersContract,
  ...channelsContract,
  ...memberCodeStaffContract,
  ...vouchersContract,
  ...pointsContract,
  ...parkingContract,
  ...receiptsStaffContract,
  ...parkingDeskContract,
  ...parkPayStaffContract,
  ...rewardsContract,
}

export type StaffContract = typeof staffContract
