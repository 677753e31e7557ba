/**
 * Finding members and stores: the caller's member record through the claim on their OPENID's
 * blind index (L-17: the caller comes from the platform), and the stores a member belongs to.
 */
import type { Caller } from '../../../src/domain/access'
import type { StoreOption } from '../../../src/domain/member/model'
import { COLLECTIONS, getDoc, type Db } from '../db'
import type { Claims } from '../identity'
import type { StoreDirectory, StoreDoc } from '../stores'
import type { MemberDoc } from './model'

/** The open stores a sign-up form lists at most. */
const MAX_STORES = 100

export interface MemberRepository {
  /** The caller's member record (active or waiting for a guardian), if any. */
  memberOf(caller: Caller): Promise<MemberDoc | null>
  /** The member record, fresh from the database. */
  get(memberId: string): Promise<MemberDoc | null>
}

export function createMemberRepository({ db, claims }: { db: Db; claims: Claims }): MemberRepository {
  const get = async (memberId: string) =>
    (await getDoc(db, COLLECTIONS.members, memberId)) as MemberDoc | null
  return {
    get,
    async memberOf(caller) {
      const memberId = await claims.holder('openid', caller.openid)
      if (!memberId) return null
      const member = await get(memberId)
      return member && (member.status === 'active' || member.status === 'guardian_pending') ? member : null
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
