/**
 * The mall's stores, kept per function instance for a short while. Stores are a few dozen
 * documents without personal information that change when a store opens or closes, so one read
 * of all of them serves every call of the next minute (the member centre names the member's
 * store, the join form lists the open ones, a sign-up checks that its store is open) instead of
 * a read per call. A change shows within `STORE_CACHE_MS`.
 */
import { inStoreScope, type StaffIdentity } from '../../src/domain/staff/model'
import type { Clock } from './clock'
import { COLLECTIONS, type Db, type Doc } from './db'

export const STORE_CACHE_MS = 60_000
/** More stores than any mall has; one `get()` holds them all. */
const MAX_STORES = 1000

export interface StoreDoc extends Doc {
  name: string
  city: string
  status: 'open' | 'closed'
  sort?: number
}

export interface StoreDirectory {
  /** Every store, open or closed, as read at most `STORE_CACHE_MS` ago. */
  all(db: Db): Promise<StoreDoc[]>
  byId(db: Db, id: string): Promise<StoreDoc | null>
}

/**
 * One directory per function instance (an instance serves one environment). Concurrent calls
 * that find it stale wait for the same read.
 */
export function createStoreDirectory(clock: Clock, ttlMs = STORE_CACHE_MS): StoreDirectory {
  let cached: { stores: StoreDoc[]; readAt: number } | null = null
  let reading: Promise<StoreDoc[]> | null = null

  function all(db: Db): Promise<StoreDoc[]> {
    if (cached && clock.now() - cached.readAt < ttlMs) return Promise.resolve(cached.stores)
    reading ??= db
      .collection(COLLECTIONS.stores)
      .limit(MAX_STORES)
      .get()
      .then(({ data }) => {
        const stores = data as StoreDoc[]
        cached = { stores, readAt: clock.now() }
        return stores
      })
      .finally(() => {
        reading = null
      })
    return reading
  }

  return {
    all,
    async byId(db, id) {
      return (await all(db)).find((store) => store._id === id) ?? null
    },
  }
}

/**
 * The stores a staff action covers: the one named, when it is in the caller's scope and exists
 * (else null), or every store of the caller's scope.
 */
export async function storesInScope(
  deps: { db: Db; stores: StoreDirectory },
  staff: StaffIdentity,
  storeId: string | undefined,
): Promise<string[] | null> {
  const { db, stores } = deps
  if (storeId) return inStoreScope(staff, storeId) && (await stores.byId(db, storeId)) ? [storeId] : null
  return staff.storeIds === 'all' ? (await stores.all(db)).map((s) => s._id) : [...staff.storeIds]
}
