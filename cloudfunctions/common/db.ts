/**
 * The part of the wx-server-sdk database API that server modules use, typed with promises.
 * The SDK's own typings return `Promise | void | string` (callback style), and local-cloud
 * implements the same API, so services depend on this interface and `index.ts` casts once.
 */
export type Doc = Record<string, unknown> & { _id: string }

export interface DbCommand {
  eq(value: unknown): unknown
  neq(value: unknown): unknown
  lt(value: unknown): unknown
  lte(value: unknown): unknown
  gt(value: unknown): unknown
  gte(value: unknown): unknown
  in(values: unknown[]): unknown
  nin(values: unknown[]): unknown
  exists(flag: boolean): unknown
  inc(by: number): unknown
  remove(): unknown
  addToSet(value: unknown): unknown
  /** Appends a value, or `{ each, slice }`: the values, then keeps the last `-slice` of the array. */
  push(value: unknown): unknown
  pull(value: unknown): unknown
  /** Replaces a field's value whole (an object is otherwise merged path by path). */
  set(value: unknown): unknown
  /** Matches documents that match any of `conditions`. */
  or(conditions: Record<string, unknown>[]): Record<string, unknown>
}

export interface UpdateResult {
  stats: { updated: number }
}

export interface RemoveResult {
  stats: { removed: number }
}

export interface DbQuery {
  where(condition: Record<string, unknown>): DbQuery
  orderBy(field: string, order: 'asc' | 'desc'): DbQuery
  limit(max: number): DbQuery
  skip(offset: number): DbQuery
  get(): Promise<{ data: Doc[] }>
  count(): Promise<{ total: number }>
  update(options: { data: Record<string, unknown> }): Promise<UpdateResult>
  remove(): Promise<RemoveResult>
}

export interface DbDocument {
  /** `data` is null for a missing document: open the database with `throwOnNotFound: false`. */
  get(): Promise<{ data: Doc | null }>
  set(options: { data: Record<string, unknown> }): Promise<unknown>
  update(options: { data: Record<string, unknown> }): Promise<UpdateResult>
  remove(): Promise<RemoveResult>
}

export interface DbCollection extends DbQuery {
  doc(id: string): DbDocument
  add(options: { data: Record<string, unknown> }): Promise<{ _id: string | number }>
  /** Several documents in one request. */
  add(options: { data: Record<string, unknown>[] }): Promise<{ _ids: Array<string | number> }>
}

/** The operations CloudBase allows inside a transaction: single documents only. */
export interface DbTransaction {
  collection(name: string): {
    doc(id: string): DbDocument
    add(options: { data: Record<string, unknown> }): Promise<{ _id: string | number }>
  }
}

export interface Db {
  command: DbCommand
  collection(name: string): DbCollection
  /**
   * The SDK's: runs `fn` in a transaction, a throw rolls back. It reruns `fn` only for an error
   * whose `code` is the conflict, which wx-server-sdk's own errors lack: call inTransaction().
   */
  runTransaction<T>(fn: (tx: DbTransaction) => Promise<T>): Promise<T>
}

/**
 * The one cast from an SDK database (wx-server-sdk's or local-cloud's, whose declared types are
 * callback-style unions) to the promise-typed interface above.
 */
export function asDb(database: object): Db {
  return database as Db
}

/** The options every function opens its database with: a missing doc reads as `data: null`. */
export const DB_OPTIONS = { throwOnNotFound: false } as const

/**
 * Collection names, in one place so a typo is a compile error. All are in the main environment
 * but `memberKeys`, `deviceKeys` and `parkingKeys`, which are in the key environment (`PI_KEY_ENV`, see
 * keystore.ts).
 */
export const COLLECTIONS = {
  members: 'members',
  identities: 'identities',
  memberKeys: 'member_keys',
  identityIndex: 'identity_index',
  consentReceipts: 'consent_receipts',
  smsCodes: 'sms_codes',
  smsQuota: 'sms_quota',
  auditLog: 'audit_log',
  auditDays: 'audit_days',
  auditChains: 'audit_chains',
  auditRedactions: 'audit_redactions',
  counters: 'counters',
  settings: 'settings',
  stores: 'stores',
  storeCounters: 'store_counters',
  channels: 'channels',
  channelDays: 'channel_days',
  pointsRules: 'points_rules',
  rewards: 'rewards',
  staff: 'staff',
  staffInvites: 'staff_invites',
  cards: 'cards',
  pointsLedger: 'points_ledger',
  pointsDays: 'points_days',
  pointsRefunds: 'points_refunds',
  campaigns: 'campaigns',
  campaignClaims: 'campaign_claims',
  partners: 'partners',
  memberCodes: 'member_codes',
  pointsClosings: 'points_closings',
  devices: 'devices',
  deviceKeys: 'device_keys',
  ingestNonces: 'ingest_nonces',
  carParks: 'car_parks',
  parkingEvents: 'parking_events',
  parkingPlates: 'parking_plates',
  parkingSessions: 'parking_sessions',
  parkingTariffs: 'parking_tariffs',
  parkingKeys: 'parking_keys',
  parkingDays: 'parking_days',
  receiptClaims: 'receipt_claims',
  tierChanges: 'tier_changes',
  parkingPayments: 'parking_payments',
  joinOffers: 'join_offers',
} as const

export async function getDoc(db: Db, collection: string, id: string): Promise<Doc | null> {
  const { data } = await db.collection(collection).doc(id).get()
  return data ?? null
}

/** What a failed call says: wx-server-sdk's `errMsg`, else the message. */
function errorText(error: object): string {
  const { errMsg, message } = error as { errMsg?: unknown; message?: unknown }
  return typeof errMsg === 'string' ? errMsg : typeof message === 'string' ? message : ''
}

/**
 * True when an `add` failed because a document with that `_id` (or unique index value) exists.
 * CloudBase answers DATABASE_REQUEST_FAILED (-502001 through wx-server-sdk) with MongoDB's
 * "E11000 duplicate key error" text. Both must match: -502001 is any failed database request,
 * and the words alone could come from anywhere.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { errCode, code } = error as { errCode?: unknown; code?: unknown }
  if (errCode !== -502001 && code !== 'DATABASE_REQUEST_FAILED') return false
  return /E11000 duplicate key|duplicate key error/i.test(errorText(error))
}

/** CloudBase's code for a write conflict between transactions. */
export const TRANSACTION_CONFLICT = 'DATABASE_TRANSACTION_CONFLICT'

/** A conflict to throw from inside a transaction that must rerun (what it read has changed). */
export function transactionConflict(): Error {
  return Object.assign(new Error('[ResourceUnavailable.TransactionConflict] rerun'), {
    code: TRANSACTION_CONFLICT,
  })
}

/**
 * True for a write conflict between transactions, in either shape: the raw answer (`code`, what a
 * commit throws) or wx-server-sdk's error for a document operation (errCode -501001, which its
 * table gives every code it does not know, with CloudBase's text in errMsg).
 */
export function isTransactionConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { errCode, code } = error as { errCode?: unknown; code?: unknown }
  if (code === TRANSACTION_CONFLICT) return true
  return errCode === -501001 && errorText(error).includes('[ResourceUnavailable.TransactionConflict]')
}

/**
 * Runs `fn` in a transaction, rerun on a write conflict. On CloudBase a write to a document another
 * open transaction holds fails at once (the guide's page on transactions); the SDK's
 * runTransaction reruns `fn` for it (3 more times) only when the error carries the conflict's
 * `code`, which wx-server-sdk 4.0.2 drops: the conflict is rethrown with it. After the last run the
 * conflict is thrown (isTransactionConflict): callers answer it as a business outcome.
 */
export function inTransaction<T>(db: Db, fn: (tx: DbTransaction) => Promise<T>): Promise<T> {
  return db.runTransaction(async (tx) => {
    try {
      return await fn(tx)
    } catch (error) {
      if (!isTransactionConflict(error)) throw error
      throw Object.assign(new Error(errorText(error as object)), { code: TRANSACTION_CONFLICT })
    }
  })
}

/**
 * Adds a document with a fixed `_id`; false when it already exists. This is the one primitive
 * that is atomic across concurrent callers everywhere, so uniqueness rests on it.
 */
export async function addUnique(db: Db, collection: string, data: Doc): Promise<boolean> {
  try {
    await db.collection(collection).add({ data })
    return true
  } catch (error) {
    if (isDuplicateKeyError(error)) return false
    throw error
  }
}

/** `_.gte(a).and(_.lte(b))`: one range on one field (DbCommand's typing has no `and`). */
export const between = (low: unknown, high: unknown): unknown =>
  (low as { and(other: unknown): unknown }).and(high)

/**
 * `run` (a whole transaction) again after a write conflict that outlived the SDK's reruns, after a
 * random moment growing with each attempt, `runs` times at most; the last conflict is thrown. Each
 * rerun reads afresh. For documents many callers write at once (a member's balance at the till,
 * a payment its callbacks settle).
 */
export async function rerunOnConflict<T>(run: () => Promise<T>, runs: number): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run()
    } catch (error) {
      if (!isTransactionConflict(error) || attempt === runs) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt))
    }
  }
}
