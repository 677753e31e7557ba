/**
 * The counter's member lookup (4.2.2.1, L-7, L-14): by the last four digits of the member
 * number, within the staff member's stores, answered masked; a full reveal of one field with a
 * reason from a fixed list, at most REVEAL_DAILY_LIMIT a day per staff member; and the
 * manager's change of a member's attribution. Every read of a member's information is an audit
 * entry under the staff member's name and the purpose `membership` (会员基础服务: identifying
 * members and serving them, which a shopper at the counter asks for).
 *
 * Who is shown: active members whose basic consent holds now. A child waiting for a guardian
 * is held with the minimum for nothing but the guardian's consent (L-5), and a member whose
 * consent does not hold (a notice not yet agreed again) may not be processed: neither is shown,
 * not even without personal fields — a card with tier and points still says "this person is a
 * member here" to whoever stands at the counter. Deleted members have no record any more.
 */
import { actingStaff } from '../common/staff'
import type { Caller } from '../../src/domain/access'
import type { LookedUpMember, lookupContract } from '../../src/domain/contracts/lookup'
import { fail, failUntil, ok, secondsToChinaMidnight } from '../../src/domain/errors'
import type { FieldKey } from '../../src/domain/identity/inventory'
import { TIER_LABELS } from '../../src/domain/member/model'
import { inStoreScope, type StaffIdentity } from '../../src/domain/staff/model'
import {
  LOOKUP_MAX_RESULTS,
  maskMemberNo,
  REVEAL_DAILY_LIMIT,
  type RevealField,
} from '../../src/domain/staff/lookup'
import { allows } from '../../src/domain/consent/rules'
import { staffActor, type AuditLog, type AuditRecorder } from '../common/audit'
import type { Channel } from '../../src/domain/channel/model'
import { moveSignUp } from '../common/channels'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import { createIdentityStore } from '../common/identity'
import { createKeyStore, type KeyStore } from '../common/keystore'
import type { MemberDoc } from '../common/members/model'
import { createDailyCounts, requesterOf } from '../common/quota'
import type { Handlers } from '../common/router'
import { forReader, staffReader } from '../common/scope'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

export interface LookupDeps {
  db: Db
  /** The key environment's database, opened when a member's data is first decrypted. */
  keyDb?: () => Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  stores: StoreDirectory
}

/** The purpose of every read at the counter: the member's basic service. */
const PURPOSE = 'membership' as const
const SHOWN: FieldKey[] = ['name', 'phone']
const REVEAL_KIND = 'staff-reveal'

type LookupHandlers = Omit<Handlers<typeof lookupContract, { status: 'active' }>, 'channelReport'>

/** A member the staff member may serve: active and of their stores (consent is checked on reading). */
export async function servableMember(db: Db, staff: StaffIdentity, ref: string): Promise<MemberDoc | null> {
  const record = (await getDoc(db, COLLECTIONS.members, ref)) as MemberDoc | null
  if (!record || record.status !== 'active' || !inStoreScope(staff, record.storeId)) return null
  return record
}

/** The identity store over the key environment, opened when a member's data is first decrypted. */
export function keyStoreOf(deps: LookupDeps): KeyStore {
  if (!deps.keyDb) throw new Error('the staff function needs the key environment to read members')
  return createKeyStore({ db: deps.keyDb(), vault: deps.vault, clock: deps.clock })
}

/** The identity store; `keys`: a key store this call already opened keys with. */
function identityStoreOf(deps: LookupDeps, keys = keyStoreOf(deps)) {
  const { db, vault, audit, clock } = deps
  return createIdentityStore({ db, vault, audit, clock, keys })
}

/**
 * Members as the counter sees them (L-7): each name and phone read under the staff member's
 * name and the purpose `membership`, into `entries`, and masked. A member whose consent does
 * not hold is not read and not shown; the refusal is audited. Shared by every lookup.
 */
export function createMemberCards(deps: LookupDeps) {
  const { db, stores } = deps

  async function channelName(channelId: string): Promise<string> {
    const channel = (await getDoc(db, COLLECTIONS.channels, channelId)) as Channel | null
    return channel?.name ?? channelId
  }

  return async function cards(
    staff: StaffIdentity,
    records: MemberDoc[],
    entries: AuditRecorder,
    keys?: KeyStore,
  ): Promise<LookedUpMember[]> {
    const actor = staffActor(staff.id)
    const reader = staffReader(staff.id)
    const store = identityStoreOf(deps, keys)
    const members: LookedUpMember[] = []
    for (const record of records) {
      if (!allows(record, PURPOSE)) {
        await entries.record({
          actor,
          action: 'read',
          purpose: PURPOSE,
          memberId: record._id,
          fields: SHOWN,
          success: false,
        })
        continue
      }
      const values = await store.read(record._id, SHOWN, { purpose: PURPOSE, actor, audit: entries })
      if (!values) continue
      const masked = forReader(values, reader)
      const storeDoc = await stores.byId(db, record.storeId)
      members.push({
        ref: record._id,
        name: masked.name ?? '',
        phone: masked.phone ?? '',
        memberNo: maskMemberNo(record.memberNo),
        tier: record.tier,
        tierLabel: TIER_LABELS[record.tier],
        points: record.points,
        store: { id: record.storeId, name: storeDoc?.name ?? record.storeId },
        ...(record.source && staff.role !== 'counter'
          ? {
              source: {
                channelId: record.source.channelId,
                name: await channelName(record.source.channelId),
              },
            }
          : {}),
      })
    }
    return members
  }
}

export function createLookupActions(deps: LookupDeps): LookupHandlers {
  const { db, vault, clock, audit } = deps
  const _ = db.command
  const counts = createDailyCounts({ db, clock })
  const cards = createMemberCards(deps)

  /** The staff member's reveals today: the count document keyed by their OPENID's blind index. */
  const revealCount = (caller: Caller) => {
    const about = { requester: requesterOf(vault, caller.openid) }
    return { id: counts.idOf(REVEAL_KIND, about), about }
  }

  async function revealsLeft(caller: Caller): Promise<number> {
    return Math.max(0, REVEAL_DAILY_LIMIT - (await counts.count(revealCount(caller).id)))
  }

  const servable = (staff: StaffIdentity, ref: string) => servableMember(db, staff, ref)

  return {
    async lookupMember({ tail }, { caller }) {
      const staff = actingStaff(caller)
      const where: Record<string, unknown> = { memberNoTail: tail, status: 'active' }
      if (staff.storeIds !== 'all') where.storeId = _.in([...staff.storeIds])
      const { data } = await db
        .collection(COLLECTIONS.members)
        .where(where)
        .orderBy('memberNo', 'asc')
        .limit(LOOKUP_MAX_RESULTS + 1)
        .get()
      const entries = audit.batch()
      const members = await cards(staff, (data as MemberDoc[]).slice(0, LOOKUP_MAX_RESULTS), entries)
      await entries.flush()
      return ok({
        members,
        truncated: data.length > LOOKUP_MAX_RESULTS,
        revealsLeft: await revealsLeft(caller),
      })
    },

    async revealField({ ref, field, reason }, { caller }) {
      const staff = actingStaff(caller)
      const record = await servable(staff, ref)
      if (!record) return fail('LOOKUP_MEMBER_UNKNOWN', 'ref')
      const actor = staffActor(staff.id)
      const fields: FieldKey[] = [field]
      if (!allows(record, PURPOSE)) {
        await audit.record({
          actor,
          action: 'read',
          purpose: PURPOSE,
          memberId: ref,
          fields,
          success: false,
          reason,
        })
        return fail('PURPOSE_CONSENT_REQUIRED', PURPOSE)
      }
      const { id, about } = revealCount(caller)
      if (!(await counts.take(id, about, REVEAL_DAILY_LIMIT)))
        return failUntil('REVEAL_DAILY_LIMIT', secondsToChinaMidnight(clock.now()))
      const values = await identityStoreOf(deps).read(ref, fields, { purpose: PURPOSE, actor, reason })
      const value = values?.[field as RevealField]
      if (value === undefined) {
        await counts.giveBack(id)
        return fail('LOOKUP_MEMBER_UNKNOWN', 'ref')
      }
      return ok({ field, value, revealsLeft: await revealsLeft(caller) })
    },

    async reassignSource({ ref, channelId, reason }, { caller }) {
      const staff = actingStaff(caller)
      const record = await servable(staff, ref)
      if (!record) return fail('LOOKUP_MEMBER_UNKNOWN', 'ref')
      const channel = (await getDoc(db, COLLECTIONS.channels, channelId)) as Channel | null
      if (!channel || channel.status !== 'open' || channel.storeId !== record.storeId)
        return fail('REASSIGN_CHANNEL_INVALID', 'channelId')
      const view = { channelId: channel._id, name: channel.name }
      const old = record.source
      if (old?.channelId === channel._id) return ok({ source: view })
      // Counted on the day of the sign-up, where the old channel's count is.
      const at = old ? new Date(old.at) : new Date(record.joinedAt)
      const source = {
        kind: channel.kind,
        channelId: channel._id,
        storeId: channel.storeId,
        ...(channel.counterId ? { counterId: channel.counterId } : {}),
        at,
      }
      const now = new Date(clock.now())
      const change = { from: old?.channelId ?? null, to: channel._id, reason, by: staff.id, at: now }
      // Conditional on the attribution read: of concurrent or repeated changes one moves the count.
      const { stats } = await db
        .collection(COLLECTIONS.members)
        .where({ _id: ref, 'source.channelId': old ? old.channelId : _.exists(false) })
        .update({
          data: {
            source,
            // The first touch stays as it was (4.2.2.2), whatever later changes say.
            ...(old && !record.firstSource ? { firstSource: old } : {}),
            sourceChanges: _.addToSet(change),
          },
        })
      if (stats.updated !== 1) return fail('LOOKUP_MEMBER_UNKNOWN', 'ref')
      await audit.record({
        actor: staffActor(staff.id),
        action: 'update',
        purpose: PURPOSE,
        memberId: ref,
        fields: ['source'],
        success: true,
        reason,
      })
      await moveSignUp(db, old ?? null, source)
      return ok({ source: view })
    },
  }
}
