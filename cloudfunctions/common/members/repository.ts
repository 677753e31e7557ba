/**
 * Finding members and stores: the caller's member record through the claim on their OPENID's
 * blind index (L-17: the caller comes from the platform) — or, for a caller the function instance
 * has seen, through the member id that claim named (callers.ts) — and the stores a member
 * belongs to.
 */
import type { Caller } from '../../../src/domain/access'
import type { StoreOption } from '../../../src/domain/member/model'
import { COLLECTIONS, getDoc, type Db } from '../db'
import type { Claims } from '../identity'
import type { StoreDirectory, StoreDoc } from '../stores'
import type { CallerCache } from './callers'
import type { MemberDoc } from './model'

/** The open stores a sign-up form lists at most. */
const MAX_STORES = 100

export interface MemberRepository {
  /** The caller's member record (active or waiting for a guardian), if any. */
  memberOf(caller: Caller): Promise<MemberDoc | null>
  /**
   * The member the caller's claim names and that member's record, whatever its state (none when
   * a sign-up or a deletion died half-way): what a deletion that can be run again starts from.
   */
  claimOf(caller: Caller): Promise<{ memberId: string | null; member: MemberDoc | null }>
  /** The member record, fresh from the database. */
  get(memberId: string): Promise<MemberDoc | null>
}

/** A record `memberOf` answers. */
const answered = (member: MemberDoc | null): member is MemberDoc =>
  member !== null && (member.status === 'active' || member.status === 'guardian_pending')

export function createMemberRepository({
  db,
  claims,
  callers,
}: {
  db: Db
  claims: Claims
  /** Kept by the function instance across calls: the member ids of the callers it has seen. */
  callers: CallerCache
}): MemberRepository {
  const get = async (memberId: string) =>
    (await getDoc(db, COLLECTIONS.members, memberId)) as MemberDoc | null

  async function claimOf(caller: Caller) {
    const claimId = claims.idOf('openid', caller.openid)
    const remembered = callers.get(claimId)
    const seen = remembered === undefined ? null : await get(remembered)
    if (answered(seen)) return { memberId: remembered as string, member: seen }
    // Not seen, or the member is gone or not answered any more: the claim tells (it may name a
    // member who joined again since).
    if (remembered !== undefined) callers.delete(claimId)
    const memberId = await claims.holderOf(claimId)
    if (!memberId) return { memberId, member: null }
    const member = memberId === remembered ? seen : await get(memberId)
    if (answered(member)) callers.set(claimId, memberId)
    return { memberId, member }
  }

  return {
    get,
    claimOf,
    async memberOf(caller) {
      const { member } = await claimOf(caller)
      return answered(member) ? member : null
    },
  }
}

export const storeOption = (store: StoreDoc): StoreOption => ({
  id: store._id,
  name: store.name,
  city: store.city,
})

/** Where the stores are read: the call's database through the function instance's store cache. */
export interface StoreAccess {
  db: Db
  stores: StoreDirectory
}

export async function storeOf({ db, stores }: StoreAccess, storeId: string): Promise<StoreOption> {
  const store = await stores.byId(db, storeId)
  // A store closed after the member joined still names the member's store.
  return store ? storeOption(store) : { id: storeId, name: '', city: '' }
}

export async function openStore({ db, stores }: StoreAccess, storeId: string): Promise<StoreDoc | null> {
  const store = await stores.byId(db, storeId)
  return store && store.status === 'open' ? store : null
}

/** The open stores in the order the mall set, then by name. */
export async function openStores({ db, stores }: StoreAccess): Promise<StoreOption[]> {
  return (await stores.all(db))
    .filter((store) => store.status === 'open')
    .sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.name.localeCompare(b.name, 'zh'))
    .slice(0, MAX_STORES)
    .map(storeOption)
}
