import { randomBytes, randomUUID } from 'node:crypto'
// node:timers rather than the globals: jest fake timers must not freeze the database.
import { clearTimeout, setImmediate as realSetImmediate, setTimeout } from 'node:timers'
import { Aggregator, Query, find, update as applyUpdate } from 'mingo'
import type { Options as MingoOptions } from 'mingo/types'
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

const HINT = 'Please check your request, but if the problem cannot be solved, contact us.'

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
  conflict: (message: string) =>
    new WireError(
      'DATABASE_TRANSACTION_CONFLICT',
      `[ResourceUnavailable.TransactionConflict] ${message}. ${HINT}`,
    ),
}

/** CloudBase limits reproduced locally. */
export const LIMITS = {
  defaultGetLimit: 100,
  maxGetLimit: 1000,
  maxResultBytes: 1024 * 1024,
  lockWaitMs: 5000,
  transactionIdleMs: 30_000,
}

const MINGO: Partial<MingoOptions> = { scriptEnabled: false }

/** Lets other callbacks run, so concurrent calls interleave as they do against a remote database. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve))
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
}

interface Transaction {
  id: string
  lastUsed: number
  locks: Set<string>
  watched: Set<string>
  writes: Map<string, PendingWrite>
  conflicted: boolean
}

interface Waiter {
  tx: Transaction
  resolve: () => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

/**
 * Transactions lock each document they touch (read or write) until commit or abort, so two
 * transactions on the same document run one after the other and never both commit a stale read.
 * Writes outside transactions do not wait for locks; they mark the transactions that saw the
 * document as conflicted, and those fail at commit with DATABASE_TRANSACTION_CONFLICT (which
 * runTransaction retries), as CloudBase does.
 */
class LockTable {
  private readonly held = new Map<string, { owner: Transaction; queue: Waiter[] }>()

  constructor(private readonly expire: (tx: Transaction) => void) {}

  async acquire(key: string, tx: Transaction): Promise<void> {
    const entry = this.held.get(key)
    if (!entry) {
      this.held.set(key, { owner: tx, queue: [] })
      tx.locks.add(key)
      return
    }
    if (entry.owner === tx) return
    if (Date.now() - entry.owner.lastUsed > LIMITS.transactionIdleMs) {
      // An abandoned transaction (never committed nor rolled back) expires like on CloudBase.
      this.expire(entry.owner)
      return this.acquire(key, tx)
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        tx,
        resolve,
        reject,
        timer: setTimeout(() => {
          entry.queue = entry.queue.filter((w) => w !== waiter)
          reject(
            errors.conflict('transaction lock wait timeout, the document is used by another transaction'),
          )
        }, LIMITS.lockWaitMs),
      }
      waiter.timer.unref?.()
      entry.queue.push(waiter)
    })
  }

  releaseAll(tx: Transaction): void {
    for (const key of tx.locks) {
      const entry = this.held.get(key)
      if (!entry || entry.owner !== tx) continue
      const next = entry.queue.shift()
      if (next) {
        clearTimeout(next.timer)
        entry.owner = next.tx
        next.tx.locks.add(key)
        next.resolve()
      } else {
        this.held.delete(key)
      }
    }
    tx.locks.clear()
  }

  clear(): void {
    for (const entry of this.held.values()) {
      for (const waiter of entry.queue) {
        clearTimeout(waiter.timer)
        waiter.reject(errors.failed('database closed'))
      }
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

function getPath(doc: unknown, path: string): unknown {
  let value = doc
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}

const ID_MESSAGE = "Performing an update on the path '_id' would modify the immutable field '_id'"

function checkModifier(doc: Doc, modifier: Record<string, unknown>): void {
  for (const [op, fields] of Object.entries(modifier)) {
    if (!op.startsWith('$')) throw errors.invalidParam(`unknown update operator: ${op}`)
    if (!isPlainObject(fields)) throw errors.invalidParam(`${op} expects an object`)
    for (const [path, operand] of Object.entries(fields)) {
      if (path === '_id' || path.startsWith('_id.')) throw errors.invalidParam(ID_MESSAGE)
      if (op === '$inc' || op === '$mul') {
        const current = getPath(doc, path)
        if (typeof operand !== 'number')
          throw errors.failed(
            `Cannot ${op.slice(1)} with non-numeric argument: {${path}: ${JSON.stringify(operand)}}`,
          )
        if (current !== undefined && current !== null && typeof current !== 'number') {
          throw errors.failed(
            `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${path}' of non-numeric type ${Array.isArray(current) ? 'array' : typeof current}`,
          )
        }
      }
    }
  }
}

/** Applies update operators to a copy of the document; returns the copy and whether it changed. */
function modify(doc: Doc, modifier: Record<string, unknown>): { doc: Doc; changed: boolean } {
  checkModifier(doc, modifier)
  const copy = clone(doc)
  let changed: string[]
  try {
    changed = applyUpdate(copy, modifier as never, undefined, undefined, { queryOptions: MINGO })
  } catch (error) {
    throw errors.failed((error as Error).message)
  }
  if (copy._id !== doc._id) throw errors.invalidParam(ID_MESSAGE)
  return { doc: copy, changed: changed.length > 0 }
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

export class DatabaseEngine {
  private readonly transactions = new Map<string, Transaction>()
  private readonly watchers = new Map<string, Set<Transaction>>()
  private readonly locks = new LockTable((tx) => this.finish(tx))

  constructor(
    private readonly store: Store,
    private readonly env: string,
  ) {}

  close(): void {
    this.locks.clear()
    this.transactions.clear()
    this.watchers.clear()
  }

  async handle(action: string, params: WireParams): Promise<WireResponse> {
    await yieldToEventLoop()
    try {
      const data = await this.dispatch(action, params)
      return { requestId: randomUUID(), ...data }
    } catch (error) {
      const wire =
        error instanceof WireError ? error : errors.failed(`local-cloud: ${(error as Error).message}`)
      return { code: wire.code, message: wire.message, requestId: randomUUID() }
    } finally {
      await yieldToEventLoop()
    }
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

  private *matching(collection: string, query: Record<string, unknown>): Generator<Doc> {
    let matcher: Query
    try {
      matcher = new Query(query, MINGO)
    } catch (error) {
      throw errors.invalidParam((error as Error).message)
    }
    for (const row of this.store.scan(collection, plan(query, this.store.indexes(collection)))) {
      if (matcher.test(row.doc)) yield row.doc
    }
  }

  private async getDocument(params: WireParams): Promise<WireResponse> {
    const collection = this.collection(params)
    const query = parseObject(str(params, 'query'), 'query')
    const projection = params.projection ? parseObject(str(params, 'projection'), 'projection') : undefined
    const tx = this.transaction(params)
    let docs: Doc[]
    if (params.queryType === 'DOC') {
      if (!validId(query._id)) throw errors.invalidParam('document id is required')
      const doc = tx
        ? await this.readInTransaction(tx, collection, query._id)
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
    if (order && Object.keys(order).length > 0) {
      const all = [...this.matching(collection, query)]
      try {
        return find(all, {}, undefined, MINGO).sort(order).skip(offset).limit(limit).all() as Doc[]
      } catch (error) {
        throw errors.invalidParam((error as Error).message)
      }
    }
    const out: Doc[] = []
    let skipped = 0
    for (const doc of this.matching(collection, query)) {
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

  /** Marks transactions that saw a document as conflicted when someone else writes it. */
  private touched(collection: string, id: DocId, writer?: Transaction): void {
    const watchers = this.watchers.get(docKey(collection, id))
    if (!watchers) return
    for (const tx of watchers) if (tx !== writer) tx.conflicted = true
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
      const id = data._id === undefined ? newDocId() : data._id
      if (!validId(id)) throw errors.invalidParam('_id must be a non-empty string or a number')
      return { ...data, _id: id } as Doc
    })
    const tx = this.transaction(params)
    if (tx) {
      for (const doc of docs) {
        const key = docKey(collection, doc._id)
        await this.locks.acquire(key, tx)
        const existing = tx.writes.get(key)
        const exists = existing
          ? existing.doc !== null
          : this.store.getById(collection, doc._id) !== undefined
        if (exists)
          throw this.duplicate(
            new DuplicateKeyError(collection, '_id_', `{ _id: ${JSON.stringify(doc._id)} }`),
          )
        this.watch(tx, key)
        tx.writes.set(key, { collection, id: doc._id, doc })
      }
    } else {
      try {
        this.store.atomically(() => {
          for (const doc of docs) this.store.insert(collection, doc)
        })
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw this.duplicate(error)
        throw error
      }
      for (const doc of docs) this.touched(collection, doc._id)
    }
    return { data: { insertedIds: docs.map((doc) => doc._id) } }
  }

  private write(collection: string, doc: Doc, insert: boolean): void {
    try {
      if (insert) this.store.insert(collection, doc)
      else this.store.replace(collection, doc)
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw this.duplicate(error)
      throw error
    }
    this.touched(collection, doc._id)
  }

  private async modifyDocument(params: WireParams): Promise<WireResponse> {
    const collection = this.collection(params)
    const query = parseObject(str(params, 'query'), 'query')
    const data = parseObject(str(params, 'data'), 'data')
    const merge = params.merge !== false
    const tx = this.transaction(params)
    if (params.queryType === 'DOC') {
      const id = query._id
      if (!validId(id)) throw errors.invalidParam('document id is required')
      const existing = tx
        ? await this.readInTransaction(tx, collection, id)
        : this.store.getById(collection, id)
      let next: Doc | undefined
      let updated = 0
      let upsertId: DocId | undefined
      if (!merge) {
        next = replacement(id, data)
        if (existing) updated = toWire(existing) === toWire(next) ? 0 : 1
        else if (params.upsert) upsertId = id
        else next = undefined
      } else if (existing) {
        const result = modify(existing, data)
        if (result.changed) {
          next = result.doc
          updated = 1
        }
      }
      if (next && (updated || upsertId !== undefined)) {
        if (tx) tx.writes.set(docKey(collection, id), { collection, id, doc: next })
        else this.write(collection, next, existing === undefined)
      }
      return { data: upsertId !== undefined ? { updated, upsert_id: upsertId } : { updated } }
    }
    if (tx) throw errors.invalidParam('transactions only support single-document operations (doc().update())')
    if (!merge) throw errors.invalidParam('set() needs a document id')
    const matched: Doc[] = []
    for (const doc of this.matching(collection, query)) {
      matched.push(doc)
      if (params.multi === false) break
    }
    const changed = matched.map((doc) => modify(doc, data)).filter((r) => r.changed)
    this.store.atomically(() => {
      for (const { doc } of changed) this.write(collection, doc, false)
    })
    return { data: { updated: changed.length } }
  }

  private async removeDocument(params: WireParams): Promise<WireResponse> {
    const collection = this.collection(params)
    const query = parseObject(str(params, 'query'), 'query')
    const tx = this.transaction(params)
    if (params.queryType === 'DOC') {
      const id = query._id
      if (!validId(id)) throw errors.invalidParam('document id is required')
      if (tx) {
        const existing = await this.readInTransaction(tx, collection, id)
        if (!existing) return { data: { deleted: 0 } }
        tx.writes.set(docKey(collection, id), { collection, id, doc: null })
        return { data: { deleted: 1 } }
      }
      const deleted = this.store.remove(collection, id) ? 1 : 0
      if (deleted) this.touched(collection, id)
      return { data: { deleted } }
    }
    if (tx) throw errors.invalidParam('transactions only support single-document operations (doc().remove())')
    const ids: DocId[] = []
    for (const doc of this.matching(collection, query)) {
      ids.push(doc._id)
      if (params.multi === false) break
    }
    this.store.atomically(() => {
      for (const id of ids) this.store.remove(collection, id)
    })
    for (const id of ids) this.touched(collection, id)
    return { data: { deleted: ids.length } }
  }

  // ---- transactions ------------------------------------------------------------------------

  private transaction(params: WireParams): Transaction | undefined {
    const id = params.transactionId
    if (id === undefined || id === null || id === '') return undefined
    const tx = this.transactions.get(String(id))
    if (!tx) throw errors.failed(`transaction ${String(id)} is not active (committed, aborted or expired)`)
    tx.lastUsed = Date.now()
    return tx
  }

  private watch(tx: Transaction, key: string): void {
    tx.watched.add(key)
    let set = this.watchers.get(key)
    if (!set) {
      set = new Set()
      this.watchers.set(key, set)
    }
    set.add(tx)
  }

  private async readInTransaction(tx: Transaction, collection: string, id: DocId): Promise<Doc | undefined> {
    const key = docKey(collection, id)
    await this.locks.acquire(key, tx)
    if (!this.transactions.has(tx.id)) {
      this.locks.releaseAll(tx)
      throw errors.conflict('transaction expired while waiting for a lock')
    }
    const pending = tx.writes.get(key)
    if (pending) return pending.doc ? clone(pending.doc) : undefined
    this.watch(tx, key)
    return this.store.getById(collection, id)
  }

  private startTransaction(): WireResponse {
    const id = randomBytes(16).toString('hex')
    this.transactions.set(id, {
      id,
      lastUsed: Date.now(),
      locks: new Set(),
      watched: new Set(),
      writes: new Map(),
      conflicted: false,
    })
    return { transactionId: id }
  }

  private finish(tx: Transaction): void {
    this.transactions.delete(tx.id)
    for (const key of tx.watched) {
      const set = this.watchers.get(key)
      set?.delete(tx)
      if (set && set.size === 0) this.watchers.delete(key)
    }
    tx.watched.clear()
    this.locks.releaseAll(tx)
  }

  private commitTransaction(params: WireParams): WireResponse {
    const tx = this.transaction(params)
    if (!tx) throw errors.invalidParam('transactionId is required')
    try {
      if (tx.conflicted)
        throw errors.conflict('a document read in this transaction was modified by another operation')
      const writes = [...tx.writes.values()]
      try {
        this.store.atomically(() => {
          for (const write of writes) {
            if (!this.store.hasCollection(write.collection)) throw errors.collectionNotExist(write.collection)
            if (write.doc === null) this.store.remove(write.collection, write.id)
            else if (this.store.getById(write.collection, write.id))
              this.store.replace(write.collection, write.doc)
            else this.store.insert(write.collection, write.doc)
          }
        })
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw this.duplicate(error)
        throw error
      }
      for (const write of writes) this.touched(write.collection, write.id, tx)
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
