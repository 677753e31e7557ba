/**
 * The staff actions: the caller as staff, invites (create, redeem, revoke), the staff list, and
 * disabling or enabling an account. Who may manage whom: src/domain/staff/rules.ts.
 */
import { randomBytes } from 'node:crypto'

import type { Caller } from '../../src/domain/access'
import type { StaffContract, StaffListEntry, StaffMember } from '../../src/domain/contracts/staff'
import { fail, ok } from '../../src/domain/errors'
import { STAFF_ROLE_TITLES } from '../../src/domain/staff/model'
import {
  INVITE_PAGE,
  inviteScene,
  mayManage,
  normaliseInviteCode,
  storesForRole,
} from '../../src/domain/staff/rules'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db } from '../common/db'
import type { RulesBook } from '../common/points/rules'
import type { Handlers } from '../common/router'
import { staffDocId, type StaffDoc, actingStaff } from '../common/staff'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'
import { createChannelReportActions } from './channelReport'
import { drawCode, type WxacodeApi } from '../common/wxacode'
import { createCardImportActions } from './cardImport'
import { inviteId, staffSubject, type Invites } from './invites'
import { createLookupActions } from './lookup'
import { createChannelActions } from './channels'
import { createMemberCodeStaffActions } from './memberCode'
import { createPartnerActions } from './partners'
import { createVoucherActions } from './vouchers'
import { createPointsActions } from './points'
import { createParkingActions } from './parking'
import { createReceiptReviewActions } from './receipts'
import type { FileStore } from '../common/files'
import { createParkingDeskActions } from './parkingDesk'
import { createParkPayStaffActions } from './parkpay'
import { createRewardActions } from './rewards'

/** More staff than a mall has; the list is one read. */
const MAX_STAFF = 1000

/**
 * The part of WeChat's openapi the staff function uses (config.json permissions): invites' codes
 * (`drawCode`) and channels' codes (`channelCode`), both through common/wxacode.ts.
 */
export type StaffOpenApi = WxacodeApi

export interface StaffDeps {
  db: Db
  /**
   * The key environment's database, opened on first use: the card import wraps cards' data keys,
   * the member lookup decrypts members' names and phones.
   */
  keyDb: () => Db
  openapi: StaffOpenApi
  vault: Vault
  clock: Clock
  audit: AuditLog
  stores: StoreDirectory
  invites: Invites
  /** The earning rules' versions, kept by the function instance. */
  rules: RulesBook
  /** Cloud storage: receipt photos under review. */
  files: FileStore
}

const memberView = (doc: StaffDoc): StaffMember => ({
  staffId: doc.staffId,
  role: doc.role,
  storeIds: [...(doc.storeIds ?? [])],
  ...(doc.counterId ? { counterId: doc.counterId } : {}),
  displayName: doc.displayName,
})

const listView = (doc: StaffDoc): StaffListEntry => ({ ...memberView(doc), status: doc.status })

export function createStaffActions(deps: StaffDeps): Handlers<StaffContract, { status: 'active' }> {
  const { db, vault, clock, stores, invites, openapi } = deps
  const staffDocs = () => db.collection(COLLECTIONS.staff)

  async function byStaffId(staffId: string): Promise<StaffDoc | null> {
    const { data } = await staffDocs().where({ staffId }).limit(1).get()
    return (data[0] as StaffDoc | undefined) ?? null
  }

  /** The canonical code of an open invite the caller may manage, else null. */
  async function openInScope(caller: Caller, code: string): Promise<string | null> {
    const canonical = normaliseInviteCode(code)
    const invite = canonical ? await invites.open(canonical) : null
    return invite && mayManage(actingStaff(caller), invite.role, invite.storeIds) ? canonical : null
  }

  async function setStatus(caller: Caller, staffId: string, status: StaffDoc['status']) {
    const actor = actingStaff(caller)
    const target = await byStaffId(staffId)
    if (!target || !mayManage(actor, target.role, target.storeIds ?? []))
      return fail('STAFF_UNKNOWN', 'staffId')
    // An admin cannot disable themselves, so some active admin always remains.
    if (target.staffId === actor.id) return fail('STAFF_SELF', 'staffId')
    if (target.status !== status) {
      await staffDocs()
        .doc(target._id)
        .update({ data: { status, updatedAt: new Date(clock.now()), updatedBy: actor.id } })
      await invites.record(staffActor(actor.id), 'update', staffSubject(target.staffId))
    }
    return ok({ staff: listView({ ...target, status }) })
  }

  return {
    async me(_input, { caller }) {
      const doc = (await getDoc(db, COLLECTIONS.staff, staffDocId(vault, caller.openid))) as StaffDoc | null
      return ok({ staff: doc && doc.status === 'active' ? memberView(doc) : null })
    },

    async createInvite(input, { caller }) {
      const actor = actingStaff(caller)
      const storeIds = storesForRole(input.role, input.storeIds)
      if (!storeIds) return fail('STAFF_STORES_INVALID', 'storeIds')
      if (!mayManage(actor, input.role, storeIds)) return fail('FORBIDDEN', 'role')
      for (const id of storeIds) if (!(await stores.byId(db, id))) return fail('STORE_UNKNOWN', 'storeIds')
      const { role, counterId, displayName } = input
      if (counterId) {
        if (role !== 'counter') return fail('INVALID_ARGUMENT', 'counterId')
        const counter = await getDoc(db, COLLECTIONS.storeCounters, counterId)
        if (!counter || counter.storeId !== storeIds[0]) return fail('COUNTER_UNKNOWN', 'counterId')
      }
      const created = await invites.create(staffActor(actor.id), {
        role,
        storeIds,
        ...(counterId ? { counterId } : {}),
        ...(displayName ? { displayName } : {}),
      })
      return ok(created)
    },

    async redeemInvite({ code }, { caller }) {
      const canonical = normaliseInviteCode(code)
      if (!canonical) return fail('INVITE_INVALID', 'code')
      const docId = staffDocId(vault, caller.openid)
      if (await getDoc(db, COLLECTIONS.staff, docId)) return fail('ALREADY_STAFF')
      const invite = await invites.open(canonical)
      if (!invite) return fail('INVITE_INVALID', 'code')
      const staffId = `staff-${randomBytes(8).toString('hex')}`
      if (!(await invites.take(invite._id, staffId))) return fail('INVITE_INVALID', 'code')
      const doc: StaffDoc = {
        _id: docId,
        staffId,
        role: invite.role,
        storeIds: [...invite.storeIds],
        ...(invite.counterId ? { counterId: invite.counterId } : {}),
        displayName: invite.displayName ?? STAFF_ROLE_TITLES[invite.role],
        status: 'active',
        createdAt: new Date(clock.now()),
      }
      if (!(await addUnique(db, COLLECTIONS.staff, doc))) {
        // The same WeChat user joined by another invite meanwhile: this one is given back.
        await invites.release(invite._id, staffId)
        return fail('ALREADY_STAFF')
      }
      await invites.record(staffActor(staffId), 'create', staffSubject(staffId))
      return ok({ staff: memberView(doc) })
    },

    async inviteCode({ code }, { caller }) {
      const canonical = await openInScope(caller, code)
      if (!canonical) return fail('INVITE_INVALID', 'code')
      return ok(await drawCode(openapi, inviteScene(canonical), INVITE_PAGE))
    },

    async revokeInvite({ code }, { caller }) {
      const canonical = await openInScope(caller, code)
      if (!canonical) return fail('INVITE_INVALID', 'code')
      if (!(await invites.revoke(staffActor(actingStaff(caller).id), inviteId(vault, canonical))))
        return fail('INVITE_INVALID', 'code')
      return ok({ revoked: true as const })
    },

    async listStaff(_input, { caller }) {
      const actor = actingStaff(caller)
      const { data } = await staffDocs().orderBy('staffId', 'asc').limit(MAX_STAFF).get()
      const docs = data as StaffDoc[]
      const visible =
        actor.storeIds === 'all'
          ? docs
          : docs.filter((doc) => (doc.storeIds ?? []).some((id) => actor.storeIds.includes(id)))
      return ok({ staff: visible.map(listView) })
    },

    disableStaff: ({ staffId }, { caller }) => setStatus(caller, staffId, 'disabled'),
    enableStaff: ({ staffId }, { caller }) => setStatus(caller, staffId, 'active'),
    ...createLookupActions(deps),
    ...createChannelReportActions(deps),
    ...createCardImportActions(deps),
    ...createPartnerActions(deps),
    ...createChannelActions(deps),
    ...createMemberCodeStaffActions(deps),
    ...createVoucherActions(deps),
    ...createReceiptReviewActions(deps),
    ...createPointsActions(deps),
    ...createParkingActions(deps),
    ...createParkingDeskActions(deps),
    ...createParkPayStaffActions(deps),
    ...createRewardActions(deps),
  }
}
