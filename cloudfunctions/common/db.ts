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
  exists(flag: boolean): unknown
  inc(by: number): unknown
  remove(): unknown
  addToSet(value: unknown): unknown
  pull(value: unknown): unknown
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
  /** Runs `fn` in a transaction, retried by the SDK on a commit conflict; a throw rolls back. */
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
 * but `memberKeys`, which is in the key environment (`PI_KEY_ENV`, see keystore.ts).
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
  counters: 'counters',
  settings: 'settings',
  stores: 'stores',
  storeCounters: 'store_counters',
  pointsRules: 'points_rules',
  rewards: 'rewards',
  staff: 'staff',
  cards: 'cards',
  pointsLedger: 'points_ledger',
  campaignClaims: 'campaign_claims',
} as const

export async function getDoc(db: Db, collection: string, id: string): Promise<Doc | null> {
  const { data } = await db.collection(collection).doc(id).get()
  return data ?? null
}

/**
 * True when an `add` failed because a document with that `_id` exists. CloudBase answers
 * -502001 with MongoDB's "E11000 duplicate key" text; local-cloud uses the same wording.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { errMsg, message } = error as { errMsg?: unknown; message?: unknown }
  const text = `${typeof errMsg === 'string' ? errMsg : ''} ${typeof message === 'string' ? message : ''}`
  return /duplicate key|E11000/i.test(text)
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
