import { randomBytes, randomUUID } from 'node:crypto'
// node:timers rather than the globals: jest fake timers must not freeze the database.
import { clearTimeout, setImmediate as realSetImmediate, setTimeout } from 'node:timers'
import { Aggregator, Query, find, update as applyUpdate } from 'mingo'
import type { Options as MingoOptions } from 'mingo/types'
import { isEqual } from 'mingo/util'
import { clone, isPlainObject, parseWire, toWire } from './codec'
import { plan } from './planner'
import { DuplicateKeyError, isValidCollectionName, type Doc, type DocId, type Store } from './store'

/**
 * The database half of the wire protocol: answers the requests @cloudbase/database sends
 * (`database.getDocument`, `database.modifyDocument` …) from SQLite, in the response shapes the
 * library expects, so the real SDK code above it produces CloudBase's return values and errors.
 */

export type WireParams = Record<string, unknown>
export type WireResponse = Record<string, unknown>

/** Error answer of the CloudBase API: wx-server-sdk maps `code` to an errCode (-502005 …). */
export class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

// The suffix CloudBase appends to its database errors.
const HINT = 'Please check your request, but if the problem persists, contact us.'

export const errors = {
  collectionNotExist: (name: string) =>
    new WireError(
      'DATABASE_COLLECTION_NOT_EXIST',
      `[ResourceNotFound] Db or Table not exist: ${name}. ${HINT}`,
    ),
  collectionExists: (name: string) =>
    new WireError('DATABASE_COLLECTION_ALREADY_EXIST', `[ResourceInUse] Table exist: ${name}. ${HINT}`),
  invalidParam: (message: string) => new WireError('INVALID_PARAM', `[InvalidParameter] ${message}. ${HINT}`),
  failed: (message: string) =>
    new WireError('DATABASE_REQUEST_FAILED', `[FailedOperation] ${message}. ${HINT}`),
  // The texts of these two are CloudBase's own, as the integration tests of
  // TencentCloudBase/node-sdk (test/database/unit/transaction.test.ts) receive them.
  conflict: () =>
    new WireError(
      'DATABASE_TRANSACTION_CONFLICT',
      `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. ${HINT}`,
    ),
  transactionNotExist: () =>
    new WireError(
      'DATABASE_TRANSACTION_FAIL',
      `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. ${HINT}`,
    ),
}

/** CloudBase limits reproduced locally. */
export const LIMITS = {
  defaultGetLimit: 100,
  maxGetLimit: 1000,
  maxResultBytes: 1024 * 1024,
  /** A transaction not committed or aborted by then is aborted: its locks go, its writes too. */
  transactionLifetimeMs: 30_000,
}

const MINGO: Partial<MingoOptions> = { scriptEnabled: false }

/** Lets other callbacks run, so concurrent calls interleave as they do against a remote database. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve))
}

/** 1 or -1 when `order` sorts by `_id` alone. */
function idOrder(order: Record<string, unknown>): 1 | -1 | undefined {
  const keys = Object.keys(order)
  if (keys.length !== 1 || keys[0] !== '_id') return undefined
  return order._id === 1 ? 1 : order._id === -1 ? -1 : undefined
}

/** CloudBase auto ids are 32 lowercase hex characters. */
export function newDocId(): string {
  return randomBytes(16).toString('hex')
}

function docKey(collection: string, id: DocId): string {
  return `${collection}\u0000${typeof id}\u0000${id}`
}

interface PendingWrite {
  collection: string
  id: DocId
  /** null: removed in the transaction. */
  doc: Doc | null
  /**
   * The committed version the write replaces (undefined: none). The transaction holds the
   * document from its first write to its end and no one wrote it after the snapshot, so this is
   * also the committed version at the commit.
   */
  previous: Doc | undefined
}

interface Transaction {
  id: string
  /** Fixed by the transaction's first operation, as MongoDB (CloudBase's database) does. */
  snapshot: boolean
  /**
   * Committed versions, as of the snapshot, of the documents others wrote since (null: it did
   * not exist). Reads return them; a write to one of them is a conflict.
   */
  before: Map<string, Doc | null>
  /** Committed versions this transaction read from the store (what its snapshot shows of them). */
  reads: Map<string, Doc | undefined>
  writes: Map<string, PendingWrite>
  locks: Set<string>
  expiry: NodeJS.Timeout
}

/** One request of a transaction, as a step hook sees it once the engine has answered it. */
export interface TransactionStep {
  transactionId: string
  /** `database.startTransaction`, `database.getDocument`, … `database.commitTransaction`. */
  action: string
  collection?: string
  /** The error code of the answer, when the step failed. */
  error?: string
}

/** Runs between the steps of transactions: the step waits for it before its answer goes back. */
export type TransactionStepHook = (step: TransactionStep) => void | Promise<void>

interface Waiter {
  resolve: () => void
  reject: (error: Error) => void
}

/** The document locks open transactions hold, and the plain writes waiting for them. */
class LockTable {
  private readonly held = new Map<string, { owner: Transaction; waiters: Waiter[] }>()

  holder(key: string): Transaction | undefined {
    return this.held.get(key)?.owner
  }

  take(key: string, tx: Transaction): void {
    if (!this.held.has(key)) this.held.set(key, { owner: tx, waiters: [] })
    tx.locks.add(key)
  }

  /**
   * Resolves when the lock on `key` is released. Check `holder()` again after it: a lock can be
   * taken again before the waiter runs.
   */
  released(key: string): Promise<void> {
    const entry = this.held.get(key)
    if (!entry) return Promise.resolve()
    return new Promise((resolve, reject) => entry.waiters.push({ resolve, reject }))
  }

  releaseAll(tx: Transaction): void {
    for (const key of tx.locks) {
      const entry = this.held.get(key)
      if (!entry || entry.owner !== tx) continue
      this.held.delete(key)
      for (const waiter of entry.waiters) waiter.resolve()
    }
    tx.locks.clear()
  }

  clear(): void {
    for (const entry of this.held.values()) {
      for (const waiter of entry.waiters) waiter.reject(errors.failed('database closed'))
    }
    this.held.clear()
  }
}

function str(params: WireParams, key: string): string | undefined {
  const value = params[key]
  return typeof value === 'string' ? value : undefined
}

function parseObject(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined || text === '') return {}
  let value: unknown
  try {
    value = parseWire(text)
  } catch {
    throw errors.invalidParam(`${what} is not valid EJSON`)
  }
  if (!isPlainObject(value)) throw errors.invalidParam(`${what} must be an object`)
  return value
}

function byteLength(list: string[]): number {
  let total = 0
  for (const item of list) total += Buffer.byteLength(item)
  return total
}

const ID_MESSAGE = "Performing an update on the path '_id' would modify the immutable field '_id'"

/** A plain object, not a Date, RegExp or array: what a dotted path can step into by name. */
function isObjectLike(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]'
}

/** MongoDB's name of a value's type, as its error messages use it. */
function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'date'
  if (value instanceof RegExp) return 'regex'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return 'double'
  return typeof value
}

type PathState =
  | { blocked: false; value: unknown }
  /** A segment cannot be stepped into: `value` (at `parent`) is neither an object nor an array. */
  | { blocked: true; segment: string; parent: string; value: unknown }

/** Follows a dotted update path; a missing step is fine (an update creates it). */
function resolvePath(doc: Doc, path: string): PathState {
  let value: unknown = doc
  const segments = path.split('.')
  for (const [i, segment] of segments.entries()) {
    if (value === undefined) return { blocked: false, value }
    const steppable = Array.isArray(value) ? /^\d+$/.test(segment) : isObjectLike(value)
    if (!steppable) return { blocked: true, segment, parent: segments[i - 1], value }
    value = (value as Record<string, unknown>)[segment]
  }
  return { blocked: false, value }
}

/** Operators that create the fields on their path; the others do nothing where a path is missing. */
const CREATING = new Set(['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate'])
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop'])

/**
 * Refuses what MongoDB (CloudBase's database) refuses, with its wording: a path through a value
 * that has no fields, arithmetic on a non-number, array operators on a non-array.
 */
function checkModifier(doc: Doc, modifier: Record<string, unknown>): void {
  const id = JSON.stringify(doc._id)
  for (const [op, fields] of Object.entries(modifier)) {
    if (!op.startsWith('$')) throw errors.invalidParam(`unknown update operator: ${op}`)
    if (!isPlainObject(fields)) throw errors.invalidParam(`${op} expects an object`)
    for (const [path, operand] of Object.entries(fields)) {
      if (path === '_id' || path.startsWith('_id.')) throw errors.invalidParam(ID_MESSAGE)
      if ((op === '$inc' || op === '$mul') && typeof operand !== 'number')
        throw errors.failed(
          `Cannot ${op.slice(1)} with non-numeric argument: {${path}: ${JSON.stringify(operand)}}`,
        )
      const state = resolvePath(doc, path)
      if (state.blocked) {
        if (!CREATING.has(op)) continue
        throw errors.failed(
          `Cannot create field '${state.segment}' in element {${state.parent}: ${JSON.stringify(state.value)}}`,
        )
      }
      const current = state.value
      if (current === undefined) continue
      const type = typeName(current)
      if ((op === '$inc' || op === '$mul') && typeof current !== 'number')
        throw errors.failed(
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${id}} has the field '${path}' of non-numeric type ${type}`,
        )
      if (!ARRAY_OPERATORS.has(op) || Array.isArray(current)) continue
      const name = path.split('.').pop()
      switch (op) {
        case '$push':
          throw errors.failed(
            `The field '${path}' must be an array but is of type ${type} in document {_id: ${id}}`,
          )
        case '$addToSet':
          throw errors.failed(
            `Cannot apply $addToSet to non-array field. Field named '${name}' has non-array type ${type}`,
          )
        case '$pop':
          throw errors.failed(`Path '${path}' contains an element of non-array type '${type}'`)
        default:
          throw errors.failed('Cannot apply $pull to a non-array value')
      }
    }
  }
}

/**
 * NaN and Infinity travel as `{"$numberDouble":"NaN"}` and would be stored as null here: refused
 * instead (what CloudBase does with them: `npm run smoke`).
 */
function checkFinite(value: unknown, what: string, path = ''): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw errors.invalidParam(
        `${what} holds ${value} at ${path || 'its root'}; local-cloud stores no NaN or Infinity`,
      )
    return
  }
  if (Array.isArray(value))
    value.forEach((item, i) => checkFinite(item, what, path ? `${path}.${i}` : String(i)))
  else if (isObjectLike(value))
    for (const [key, item] of Object.entries(value)) checkFinite(item, what, path ? `${path}.${key}` : key)
}

const SIMPLE_OPERATORS = new Set(['$set', '$inc', '$unset'])

/**
 * `$set`, `$inc` and `$unset` on named fields (no array index, no array on the way), as mingo
 * applies them, without mingo's per-call set-up of every operator (most of a write's time here).
 * Undefined when the modifier needs more: mingo applies it. checkModifier has refused what
 * cannot be applied (a field created inside a non-object, `$inc` of a non-number).
 */
function modifySimply(copy: Doc, modifier: Record<string, unknown>): boolean | undefined {
  const ops = Object.entries(modifier)
  if (!ops.every(([op, fields]) => SIMPLE_OPERATORS.has(op) && isObjectLike(fields))) return undefined
  const targets: { op: string; key: string; value: unknown }[] = []
  for (const [op, fields] of ops) {
    for (const [path, value] of Object.entries(fields as Record<string, unknown>)) {
      const segments = path.split('.')
      if (segments.some((segment) => segment === '' || /^\d+$/.test(segment) || segment.startsWith('$')))
        return undefined
      if (op === '$inc' && typeof value !== 'number') return undefined
      let node: unknown = copy
      for (const segment of segments.slice(0, -1)) {
        if (Array.isArray(node)) return undefined
        const next: unknown = (node as Record<string, unknown>)[segment]
        if (next === undefined) {
          node = undefined
          break
        }
        if (!isObjectLike(next) || Array.isArray(next)) return undefined
        node = next
      }
      if (Array.isArray(node)) return undefined
      targets.push({ op, key: path, value })
    }
  }
  let changed = false
  for (const { op, key, value } of targets) {
    const segments = key.split('.')
    const last = segments[segments.length - 1]
    let parent = copy as Record<string, unknown>
    for (const segment of segments.slice(0, -1)) {
      if (parent[segment] === undefined) {
        if (op === '$unset') {
          parent = {}
          break
        }
        parent[segment] = {}
      }
      parent = parent[segment] as Record<string, unknown>
    }
    const current = parent[last]
    if (op === '$set') {
      if (isEqual(current, value)) continue
      parent[last] = value
    } else if (op === '$inc') {
      const next = ((current as number | undefined) || 0) + (value as number)
      if (next === current) continue
      parent[last] = next
    } else {
      if (!Object.prototype.hasOwnProperty.call(parent, last)) continue
      delete parent[last]
    }
    changed = true
  }
  return changed
}

/** Applies update operators to a copy of the document; returns the copy and whether it changed. */
export function modify(doc: Doc, modifier: Record<string, unknown>): { doc: Doc; changed: boolean } {
  checkModifier(doc, modifier)
  const copy = clone(doc)
  let changed = modifySimply(copy, modifier)
  if (changed === undefined) {
    try {
      changed = applyUpdate(copy, modifier as never, undefined, undefined, { queryOptions: MINGO }).length > 0
    } catch (error) {
      throw errors.failed((error as Error).message)
    }
  }
  if (copy._id !== doc._id) throw errors.invalidParam(ID_MESSAGE)
  return { doc: copy, changed }
}

function replacement(id: DocId, data: Record<string, unknown>): Doc {
  for (const key of Object.keys(data)) {
    if (key.startsWith('$'))
      throw errors.invalidParam(`set() data must not contain update operators (${key})`)
  }
  if ('_id' in data && data._id !== id) throw errors.invalidParam(ID_MESSAGE)
  return { ...data, _id: id }
}

function validId(id: unknown): id is DocId {
  return (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id))
}

function project(docs: Doc[], projection: Record<string, unknown> | undefined): Record<string, unknown>[] {
  if (!projection || Object.keys(projection).length === 0) return docs
  try {
    return find(docs, {}, projection as never, MINGO).all() as Record<string, unknown>[]
  } catch (error) {
    throw errors.invalidParam((error as Error).message)
  }
}

export interface EngineOptions {
  /**
   * Random numbers in [0, 1): when given, a `get()` without `orderBy` answers its documents in
   * an order drawn from it, as CloudBase promises no order for it.
   */
  shuffle?: () => number
}

/** A seeded generator of numbers in [0, 1) (mulberry32): the same seed, the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher–Yates, in place. */
function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

/**
 * Transactions follow the model of the cloud development guide's page 数据库事务 (事务 → 快照隔离):
 * reads in a transaction see a snapshot; a write takes the document's lock; a write of another
 * transaction to a locked document — or to one written by anybody since the snapshot — fails at
 * once with DATABASE_TRANSACTION_CONFLICT and ends that transaction (MongoDB aborts on a write
 * conflict); a plain write to a locked document waits until the lock goes (commit, abort, or
 * the holder's lifetime running out).
 */
export class DatabaseEngine {
  private readonly transactions = new Map<string, Transaction>()
  private readonly locks = new LockTable()
  private readonly stepHooks = new Set<TransactionStepHook>()

  constructor(
    private readonly store: Store,
    private readonly env: string,
    private readonly options: EngineOptions = {},
  ) {}

  close(): void {
    for (const tx of this.transactions.values()) clearTimeout(tx.expiry)
    this.locks.clear()
    this.transactions.clear()
  }

  /** Calls `hook` after every step of every transaction; answers a function that stops it. */
  onTransactionStep(hook: TransactionStepHook): () => void {
    this.stepHooks.add(hook)
    return () => {
      this.stepHooks.delete(hook)
    }
  }

  async handle(action: string, params: WireParams): Promise<WireResponse> {
    await yieldToEventLoop()
    let response: WireResponse
    try {
      const data = await this.dispatch(action, params)
      response = { requestId: randomUUID(), ...data }
    } catch (error) {
      const wire =
        error instanceof WireError ? error : errors.failed(`local-cloud: ${(error as Error).message}`)
      response = { code: wire.code, message: wire.message, requestId: randomUUID() }
    }
    const transactionId =
      action === 'database.startTransaction' ? response.transactionId : params.transactionId
    if (this.stepHooks.size > 0 && typeof transactionId === 'string' && transactionId !== '') {
      const step: TransactionStep = { transactionId, action }
      if (typeof params.collectionName === 'string') step.collection = params.collectionName
      if (typeof response.code === 'string') step.error = response.code
      for (const hook of [...this.stepHooks]) await hook(step)
    }
    await yieldToEventLoop()
    return response
  }

  private dispatch(action: string, params: WireParams): WireResponse | Promise<WireResponse> {
    switch (action) {
      case 'database.addCollection':
        return this.addCollection(params)
      case 'database.getDocument':
        return this.getDocument(params)
      case 'database.calculateDocument':
        return this.calculateDocument(params)
      case 'database.insertDocument':
        return this.insertDocument(params)
      case 'database.modifyDocument':
        return this.modifyDocument(params)
      case 'database.removeDocument':
        return this.removeDocument(params)
      case 'database.aggregateDocuments':
        return this.aggregateDocuments(params)
      case 'database.startTransaction':
        return this.startTransaction()
      case 'database.commitTransaction':
        return this.commitTransaction(params)
      case 'database.abortTransaction':
        return this.abortTransaction(params)
      default:
        throw errors.invalidParam(`local-cloud does not implement ${action}`)
    }
  }

  // ---- collections -------------------------------------------------------------------------

  private addCollection(params: WireParams): WireResponse {
    const name = params.collectionName
    if (!isValidCollectionName(name)) throw errors.invalidParam(`invalid collection name: ${String(name)}`)
    if (!this.store.createCollection(name)) throw errors.collectionExists(name)
    return {}
  }

  private collection(params: WireParams): string {
    const name = params.collectionName
    if (typeof name !== 'string' || name === '') throw errors.invalidParam('collectionName is required')
    if (!this.store.hasCollection(name)) throw errors.collectionNotExist(name)
    return name
  }

  // ---- reads -------------------------------------------------------------------------------

  private *matching(collection: string, query: Record<string, unknown>, byId?: 1 | -1): Generator<Doc> {
    let matcher: Query
    try {
      matcher = new Query(query, MINGO)
    } catch (error) {
      throw errors.invalidParam((error as Error).message)
    }
    for (const row of this.store.scan(collection, plan(query, this.store.indexes(collection)), byId)) {
      if (matcher.test(row.doc)) yield row.doc
    }
  }

  private getDocument(params: WireParams): WireResponse {
    const collection = this.collection(params)
    const query = parseObject(str(params, 'query'), 'query')
    const projection = params.projection ? parseObject(str(params, 'projection'), 'projection') : undefined
    const tx = this.transaction(params)
    let docs: Doc[]
    if (params.queryType === 'DOC') {
      if (!validId(query._id)) throw errors.invalidParam('document id is required')
      const doc = tx
        ? this.snapshotRead(tx, collection, query._id)
        : this.store.getById(collection, query._id)
      docs = doc ? [doc] : []
    } else {
      if (tx) throw errors.invalidParam('transactions only support single-document operations (doc().get())')
      docs = this.query(collection, query, params)
    }
    const list = project(docs, projection).map(toWire)
    if (byteLength(list) > LIMITS.maxResultBytes) {
      throw errors.failed('query result size exceed limit (1MB), use limit() / field() to fetch less')
    }
    return { data: { list } }
  }

  private query(collection: string, query: Record<string, unknown>, params: WireParams): Doc[] {
    const requested =
      typeof params.limit === 'number' && params.limit > 0 ? params.limit : LIMITS.defaultGetLimit
    const limit = Math.min(requested, LIMITS.maxGetLimit)
    const offset = typeof params.offset === 'number' && params.offset > 0 ? params.offset : 0
    const order = params.order ? parseObject(str(params, 'order'), 'order') : undefined
    const { shuffle } = this.options
    if (shuffle && !(order && Object.keys(order).length > 0)) {
      return shuffleInPlace([...this.matching(collection, query)], shuffle).slice(offset, offset + limit)
    }
    // Ordered by `_id` alone (a cursor's paging): the documents come in that order from the
    // primary key, so the scan stops at the page's end instead of sorting every match (ids compare
    // as SQLite does — numbers before strings, strings by code point — as MongoDB's do).
    const byId = order ? idOrder(order) : undefined
    if (order && Object.keys(order).length > 0 && !byId) {
      const all = [...this.matching(collection, query)]
      try {
        return find(all, {}, undefined, MINGO).sort(order).skip(offset).limit(limit).all() as Doc[]
      } catch (error) {
        throw errors.invalidParam((error as Error).message)
      }
    }
    const out: Doc[] = []
    let skipped = 0
    for (const doc of this.matching(collection, query, byId)) {
      if (skipped < offset) {
        skipped++
        continue
      }
      out.push(doc)
      if (out.length >= limit) break
    }
    return out
  }

  private calculateDocument(params: WireParams): WireResponse {
    const collection = this.collection(params)
    const query = parseObject(str(params, 'query'), 'query')
    if (Object.keys(query).length === 0) return { data: { total: this.store.count(collection) } }
    let total = 0
    for (const _doc of this.matching(collection, query)) total++
    return { data: { total } }
  }

  private aggregateDocuments(params: WireParams): WireResponse {
    const collection = this.collection(params)
    const stages = Array.isArray(params.stages) ? (params.stages as Array<Record<string, unknown>>) : []
    const pipeline = stages.map((stage) => {
      const key = String(stage.stageKey)
      let value: unknown
      try {
        value = parseWire(String(stage.stageValue))
      } catch {
        throw errors.invalidParam(`invalid aggregate stage ${key}`)
      }
      return { [key]: value }
    })
    const first = pipeline[0]?.$match
    const narrowing = isPlainObject(first) ? plan(first, this.store.indexes(collection)) : undefined
    const source = [...this.store.scan(collection, narrowing)].map((row) => row.doc)
    let result: unknown[]
    try {
      result = new Aggregator(pipeline, {
        ...MINGO,
        collectionResolver: (name: string) =>
          this.store.hasCollection(name) ? [...this.store.scan(name)].map((row) => row.doc) : [],
      }).run(source)
    } catch (error) {
      throw errors.failed((error as Error).message)
    }
    const list = result.map(toWire)
    if (byteLength(list) > LIMITS.maxResultBytes)
      throw errors.failed('aggregate result size exceed limit (1MB)')
    return { data: { list } }
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * A committed change of a document (a plain write or a commit): open transactions whose
   * snapshot is older keep the version they saw. `previous`: the committed version before it.
   */
  private committed(collection: string, id: DocId, previous: Doc | undefined, writer?: Transaction): void {
    const key = docKey(collection, id)
    for (const tx of this.transactions.values()) {
      if (tx === writer || !tx.snapshot || tx.before.has(key)) continue
      tx.before.set(key, previous ?? null)
    }
  }

  /**
   * Runs `write` once no open transaction holds any of `keys()`: a plain write queues behind a
   * transaction's lock. `write` runs synchronously right after the check, so that no transaction
   * can take a lock in between.
   */
  private async unlocked<T>(keys: () => string[], write: () => T): Promise<T> {
    for (;;) {
      const busy = keys().find((key) => this.locks.holder(key) !== undefined)
      if (busy === undefined) return write()
      await this.locks.released(busy)
    }
  }

  private duplicate(error: DuplicateKeyError): WireError {
    return errors.failed(
      `multiple write errors: [{write errors: [{E11000 duplicate key error collection: ${this.env}.${error.collection} index: ${error.index} dup key: ${error.key}}]}, {<nil>}]`,
    )
  }

  private async insertDocument(params: WireParams): Promise<WireResponse> {
    const collection = this.collection(params)
    const items = Array.isArray(params.data) ? params.data : []
    if (items.length === 0) throw errors.invalidParam('data is required')
    const docs = items.map((item) => {
      const data = parseObject(typeof item === 'string' ? item : JSON.stringify(item), 'data')
      checkFinite(data, 'the document')
      const id = data._id === undefined ? newDocId() : data._id
      if (!validId(id)) throw errors.invalidParam('_id must be a non-empty string or a number')
      return { ...data, _id: id } as Doc
    })
    const tx = this.transaction(params)
    if (tx) {
      for (const doc of docs) {
        const key = docKey(collection, doc._id)
        const exists = this.snapshotRead(tx, collection, doc._id) !== undefined
        this.assertWritable(tx, key)
        if (exists)
          throw this.duplicate(
            new DuplicateKeyError(collection, '_id_', `{ _id: ${JSON.stringify(doc._id)} }`),
          )
        this.locks.take(key, tx)
        tx.writes.set(key, { collection, id: doc._id, doc, previous: tx.writes.get(key)?.previous })
      }
      return { data: { insertedIds: docs.map((doc) => doc._id) } }
    }
    // An insert with the _id of a document a transaction holds (adds, say) waits for its outcome.
    return this.unlocked(
      () => docs.map((doc) => docKey(collection, doc._id)),
      () => {
        try {
          this.store.atomically(() => {
            for (const doc of docs) this.store.insert(collection, doc)
          })
        } catch (error) {
          if (error instanceof DuplicateKeyError) throw this.duplicate(error)
          throw error
        }
        for (const doc of docs) this.committed(collection, doc._id, undefined)
        return { data: { insertedIds: docs.map((doc) => doc._id) } }
      },
    )
  }

  /** A plain write of one document; `previous` undefined: it is new. */
  private write(collection: string, doc: Doc, previous: Doc | undefined): void {
    try {
      if (previous === undefined) this.store.insert(collection, doc)
      else this.store.replace(collection, doc, previous)
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw this.duplicate(error)
      throw error
    }
    this.committed(collection, doc._id, previous)
  }

  private async modifyDocument(params: WireParams): Promise<WireResponse> {
    const collection = this.collection(params)
    const query = parseObject(str(params, 'query'), 'query')
    const data = parseObject(str(params, 'data'), 'data')
    checkFinite(data, 'the update')
    const merge = params.merge !== false
    const tx = this.transaction(params)
    if (params.queryType === 'DOC') {
      const id = query._id
      if (!validId(id)) throw errors.invalidParam('document id is required')
      const modifyOne = () => this.modifyOne(tx, collection, id, data, merge, params.upsert === true)
      return tx ? modifyOne() : this.unlocked(() => [docKey(collection, id)], modifyOne)
    }
    if (tx) throw errors.invalidParam('transactions only support single-document operations (doc().update())')
    if (!merge) throw errors.invalidParam('set() needs a document id')
    const { keys, matched } = this.matcher(collection, query, params.multi !== false)
    return this.unlocked(keys, () => {
      const changed = matched()
        .map((previous) => ({ previous, ...modify(previous, data) }))
        .filter((r) => r.changed)
      try {
        this.store.atomically(() => {
          for (const { doc, previous } of changed) this.store.replace(collection, doc, previous)
        })
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw this.duplicate(error)
        throw error
      }
      for (const { doc, previous } of changed) this.committed(collection, doc._id, previous)
      return { data: { updated: changed.length } }
    })
  }

  /** `doc().update()` (merge) or `doc().set()`, in a transaction or not. */
  private modifyOne(
    tx: Transaction | undefined,
    collection: string,
    id: DocId,
    data: Record<string, unknown>,
    merge: boolean,
    upsert: boolean,
  ): WireResponse {
    const existing = tx ? this.snapshotRead(tx, collection, id) : this.store.getById(collection, id)
    let next: Doc | undefined
    let updated = 0
    let upsertId: DocId | undefined
    if (!merge) {
      next = replacement(id, data)
      if (existing) updated = toWire(existing) === toWire(next) ? 0 : 1
      else if (upsert) upsertId = id
      else next = undefined
    } else if (existing) {
      const result = modify(existing, data)
      if (result.changed) {
        next = result.doc
        updated = 1
      }
    }
    if (next && (updated || upsertId !== undefined)) {
      if (tx) {
        const key = docKey(collection, id)
        this.assertWritable(tx, key)
        this.locks.take(key, tx)
        tx.writes.set(key, { collection, id, doc: next, previous: this.replaced(tx, key, collection, id) })
      } else {
        this.write(collection, next, existing)
      }
    }
    return { data: upsertId !== undefined ? { updated, upsert_id: upsertId } : { updated } }
  }

  private async removeDocument(params: WireParams): Promise<WireResponse> {
    const collection = this.collection(params)
    const query = parseObject(str(params, 'query'), 'query')
    const tx = this.transaction(params)
    if (params.queryType === 'DOC') {
      const id = query._id
      if (!validId(id)) throw errors.invalidParam('document id is required')
      const key = docKey(collection, id)
      if (tx) {
        if (!this.snapshotRead(tx, collection, id)) return { data: { deleted: 0 } }
        this.assertWritable(tx, key)
        this.locks.take(key, tx)
        tx.writes.set(key, { collection, id, doc: null, previous: this.replaced(tx, key, collection, id) })
        return { data: { deleted: 1 } }
      }
      return this.unlocked(
        () => [key],
        () => {
          const previous = this.store.getById(collection, id)
          if (!previous) return { data: { deleted: 0 } }
          this.store.remove(collection, id)
          this.committed(collection, id, previous)
          return { data: { deleted: 1 } }
        },
      )
    }
    if (tx) throw errors.invalidParam('transactions only support single-document operations (doc().remove())')
    const { keys, matched } = this.matcher(collection, query, params.multi !== false)
    return this.unlocked(keys, () => {
      const docs = matched()
      this.store.atomically(() => {
        for (const doc of docs) this.store.remove(collection, doc._id)
      })
      for (const doc of docs) this.committed(collection, doc._id, doc)
      return { data: { deleted: docs.length } }
    })
  }

  /**
   * The documents a where().update/remove acts on: `keys` finds them (again after each wait for
   * a lock) and answers their lock keys; `matched` is what the last look found.
   */
  private matcher(collection: string, query: Record<string, unknown>, multi: boolean) {
    let found: Doc[] = []
    return {
      keys: () => {
        found = []
        for (const doc of this.matching(collection, query)) {
          found.push(doc)
          if (!multi) break
        }
        return found.map((doc) => docKey(collection, doc._id))
      },
      matched: () => found,
    }
  }

  // ---- transactions ------------------------------------------------------------------------

  private transaction(params: WireParams): Transaction | undefined {
    const id = params.transactionId
    if (id === undefined || id === null || id === '') return undefined
    const tx = this.transactions.get(String(id))
    if (!tx) throw errors.transactionNotExist()
    return tx
  }

  /** A document as the transaction sees it: its own write, else the snapshot. */
  private snapshotRead(tx: Transaction, collection: string, id: DocId): Doc | undefined {
    tx.snapshot = true
    const key = docKey(collection, id)
    const pending = tx.writes.get(key)
    if (pending) return pending.doc ? clone(pending.doc) : undefined
    if (tx.before.has(key)) {
      const seen = tx.before.get(key)
      return seen ? clone(seen) : undefined
    }
    // Read once: until someone writes it (then `before` holds this version), the store has it so.
    if (tx.reads.has(key)) return tx.reads.get(key)
    const doc = this.store.getById(collection, id)
    tx.reads.set(key, doc)
    return doc
  }

  /** The committed version a transaction's write of `key` replaces. */
  private replaced(tx: Transaction, key: string, collection: string, id: DocId): Doc | undefined {
    const pending = tx.writes.get(key)
    if (pending) return pending.previous
    if (tx.before.has(key)) return tx.before.get(key) ?? undefined
    return tx.reads.has(key) ? tx.reads.get(key) : this.store.getById(collection, id)
  }

  /**
   * A transaction may write a document unless another open transaction holds it or someone
   * wrote it after the snapshot. Otherwise it fails at once and is over, as on CloudBase
   * (MongoDB aborts a transaction on a write conflict; the SDK's rollback then finds nothing).
   */
  private assertWritable(tx: Transaction, key: string): void {
    const holder = this.locks.holder(key)
    if ((holder === undefined || holder === tx) && !tx.before.has(key)) return
    this.finish(tx)
    throw errors.conflict()
  }

  private startTransaction(): WireResponse {
    const id = randomBytes(16).toString('hex')
    const tx: Transaction = {
      id,
      snapshot: false,
      before: new Map(),
      reads: new Map(),
      writes: new Map(),
      locks: new Set(),
      // CloudBase ends a transaction neither committed nor aborted in time.
      expiry: setTimeout(() => this.finish(tx), LIMITS.transactionLifetimeMs),
    }
    tx.expiry.unref?.()
    this.transactions.set(id, tx)
    return { transactionId: id }
  }

  private finish(tx: Transaction): void {
    clearTimeout(tx.expiry)
    this.transactions.delete(tx.id)
    this.locks.releaseAll(tx)
  }

  private commitTransaction(params: WireParams): WireResponse {
    const tx = this.transaction(params)
    if (!tx) throw errors.invalidParam('transactionId is required')
    try {
      const writes = [...tx.writes.values()]
      try {
        this.store.atomically(() => {
          for (const write of writes) {
            if (!this.store.hasCollection(write.collection)) throw errors.collectionNotExist(write.collection)
            if (write.doc === null) this.store.remove(write.collection, write.id)
            else if (write.previous) this.store.replace(write.collection, write.doc, write.previous)
            else this.store.insert(write.collection, write.doc)
          }
        })
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw this.duplicate(error)
        throw error
      }
      for (const write of writes) {
        if (write.doc !== null || write.previous)
          this.committed(write.collection, write.id, write.previous, tx)
      }
      return {}
    } finally {
      this.finish(tx)
    }
  }

  private abortTransaction(params: WireParams): WireResponse {
    const tx = this.transaction(params)
    if (tx) this.finish(tx)
    return {}
  }
}
