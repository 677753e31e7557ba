import Database from 'better-sqlite3'
import { fromStorage, toStorage } from './codec'
import type { ManifestIndex } from './manifest'

export type DocId = string | number
export type Doc = Record<string, unknown> & { _id: DocId }

/** Raised when an insert or update would duplicate `_id` or a unique index key. */
export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly index: string,
    readonly key: string,
  ) {
    super(`duplicate key: ${collection}.${index} ${key}`)
  }
}

export interface IndexInfo {
  name: string
  fields: string[]
  unique: boolean
}

interface CollectionInfo {
  name: string
  table: string
  indexes: IndexInfo[]
}

export interface Row {
  rowid: number
  doc: Doc
}

/**
 * SQL conditions whose union selects a superset of the documents a query can match. Each part
 * is run as its own subquery so that SQLite can answer it from one index (an OR across
 * differently indexed expressions would make it scan the table).
 */
export interface Narrowing {
  parts: Array<{ sql: string; params: unknown[] }>
}

const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,64}$/

export function isValidCollectionName(name: unknown): name is string {
  return typeof name === 'string' && COLLECTION_NAME.test(name)
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

function jsonPath(segments: string[]): string {
  return '$' + segments.map((segment) => `."${segment.replace(/"/g, '""')}"`).join('')
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

/**
 * The indexed expression for a field. Dates are stored as `{"$date": ms}`, so the expression
 * prefers the millisecond value: dates then compare as numbers and range queries on them can
 * use the index. The expression text must be identical in CREATE INDEX and in queries.
 */
export function fieldExpression(field: string): string {
  if (field === '_id') return 'id'
  const segments = field.split('.')
  return (
    `coalesce(json_extract(doc, ${sqlString(jsonPath([...segments, '$date']))}), ` +
    `json_extract(doc, ${sqlString(jsonPath(segments))}))`
  )
}

/**
 * True when the field or one of its parents is an array in the stored document. MongoDB matches
 * `{tags: 'x'}` against `tags: ['x', 'y']`, which an equality on the JSON text cannot see, so
 * such documents are always kept as candidates (they have their own partial index).
 */
export function arrayFlagExpression(field: string): string {
  const segments = field.split('.')
  const checks = segments.map(
    (_segment, i) => `json_type(doc, ${sqlString(jsonPath(segments.slice(0, i + 1)))}) = 'array'`,
  )
  return `(${checks.join(' OR ')})`
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null)

/** True when `next` lacks a field or an array element that `previous` has: data was deleted. */
export function dropsData(previous: unknown, next: unknown): boolean {
  if (Array.isArray(previous))
    return (
      !Array.isArray(next) ||
      next.length < previous.length ||
      previous.some((value, i) => dropsData(value, next[i]))
    )
  if (isPlainObject(previous))
    return (
      !isPlainObject(next) ||
      Object.entries(previous).some(([key, value]) => !(key in next) || dropsData(value, next[key]))
    )
  return false
}

/** SQLite storage: one table per collection, documents as JSON text, WAL journal. */
export class Store {
  readonly sqlite: Database.Database
  private readonly collections = new Map<string, CollectionInfo>()
  private readonly inFile: boolean
  /** A write deleted data (a document, or a part of one) since the last checkpoint. */
  private erased = false

  constructor(file: string | undefined) {
    this.sqlite = new Database(file ?? ':memory:')
    this.inFile = file !== undefined
    // Deleting a member must leave nothing recoverable in the file (7.2): freed pages are zeroed
    // instead of keeping the removed wrapped key and old ciphertexts as free-page residue.
    this.sqlite.pragma('secure_delete = ON')
    if (file) {
      this.sqlite.pragma('journal_mode = WAL')
      // NORMAL in WAL mode: a committed write survives a crash of the process (not of the machine).
      this.sqlite.pragma('synchronous = NORMAL')
      // A checkpoint every 10,000 pages of log (SQLite's default: 1,000) — each copies the pages
      // the log holds, once however often they were written, and syncs the file; a write that
      // touches a document and its indexes dirties tens of pages, so at the default a stream of
      // writes paid a sync every few dozen calls. The log is cut back to 64 MB after one.
      this.sqlite.pragma('wal_autocheckpoint = 10000')
      this.sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
    }
    this.sqlite.exec(
      'CREATE TABLE IF NOT EXISTS _lc_collections (name TEXT PRIMARY KEY, table_name TEXT NOT NULL, created_at INTEGER NOT NULL);' +
        'CREATE TABLE IF NOT EXISTS _lc_indexes (collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (collection, name));',
    )
    const rows = this.sqlite.prepare('SELECT name, table_name FROM _lc_collections').all() as Array<{
      name: string
      table_name: string
    }>
    for (const row of rows)
      this.collections.set(row.name, { name: row.name, table: row.table_name, indexes: [] })
    const indexes = this.sqlite.prepare('SELECT collection, spec FROM _lc_indexes').all() as Array<{
      collection: string
      spec: string
    }>
    for (const row of indexes)
      this.collections.get(row.collection)?.indexes.push(JSON.parse(row.spec) as IndexInfo)
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close()
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name)
  }

  collectionNames(): string[] {
    return [...this.collections.keys()]
  }

  /** Creates the collection; false when it already exists. */
  createCollection(name: string): boolean {
    if (this.collections.has(name)) return false
    if (!isValidCollectionName(name)) throw new Error(`invalid collection name: ${name}`)
    const table = `c_${name}`
    this.sqlite.exec(`CREATE TABLE IF NOT EXISTS ${quoteIdent(table)} (id PRIMARY KEY, doc TEXT NOT NULL)`)
    this.sqlite
      .prepare('INSERT INTO _lc_collections (name, table_name, created_at) VALUES (?, ?, ?)')
      .run(name, table, Date.now())
    this.collections.set(name, { name, table, indexes: [] })
    return true
  }

  indexes(name: string): IndexInfo[] {
    return this.info(name).indexes
  }

  /** Creates (or keeps) an expression index for a manifest index; returns the SQLite index names. */
  ensureIndex(collection: string, index: ManifestIndex): string[] {
    const info = this.info(collection)
    const fields = index.fields.map((f) => f.field)
    const spec: IndexInfo = { name: index.name, fields, unique: Boolean(index.unique) }
    const base = `${info.table}__${index.name}`
    const created: string[] = []
    const exprs = fields.map((field) => fieldExpression(field)).join(', ')
    this.sqlite.exec(
      `CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdent(`ix_${base}`)} ON ${quoteIdent(info.table)} (${exprs})`,
    )
    created.push(`ix_${base}`)
    if (fields[0] !== '_id') {
      this.sqlite.exec(
        `CREATE INDEX IF NOT EXISTS ${quoteIdent(`ixa_${base}`)} ON ${quoteIdent(info.table)} (id) WHERE ${arrayFlagExpression(fields[0])}`,
      )
      created.push(`ixa_${base}`)
    }
    this.sqlite
      .prepare('INSERT OR REPLACE INTO _lc_indexes (collection, name, spec) VALUES (?, ?, ?)')
      .run(collection, index.name, JSON.stringify(spec))
    info.indexes = [...info.indexes.filter((i) => i.name !== index.name), spec]
    return created
  }

  getById(collection: string, id: DocId): Doc | undefined {
    const row = this.statement(collection, 'byId', (t) => `SELECT doc FROM ${t} WHERE id = ?`).get(id) as
      { doc: string } | undefined
    return row ? fromStorage<Doc>(row.doc) : undefined
  }

  /**
   * The candidate query for a scan: every row, or the union of the narrowing's index lookups; in
   * natural (insertion) order, or in `_id` order (`byId`: 1 ascending, -1 descending).
   */
  scanQuery(collection: string, narrowing?: Narrowing, byId?: 1 | -1): { sql: string; params: unknown[] } {
    const table = quoteIdent(this.info(collection).table)
    const order = byId ? `ORDER BY id ${byId === 1 ? 'ASC' : 'DESC'}` : 'ORDER BY rowid'
    if (!narrowing) return { sql: `SELECT rowid, doc FROM ${table} ${order}`, params: [] }
    // In `_id` order, one condition (the planner's `_id` conditions are single) goes straight into
    // the WHERE, so that a page stopped early reads only what it returns: as `rowid IN (…)`
    // SQLite would first collect every match — for a cursor's `_id > last`, the whole rest of the
    // collection on every page. In insertion order the set stays: a range on `id` with
    // `ORDER BY rowid` would be answered by a scan of the table.
    if (byId && narrowing.parts.length === 1) {
      const [part] = narrowing.parts
      return { sql: `SELECT rowid, doc FROM ${table} WHERE ${part.sql} ${order}`, params: part.params }
    }
    const union = narrowing.parts
      .map((part) => `SELECT rowid FROM ${table} WHERE ${part.sql}`)
      .join(' UNION ALL ')
    return {
      sql: `SELECT rowid, doc FROM ${table} WHERE rowid IN (${union}) ${order}`,
      params: narrowing.parts.flatMap((part) => part.params),
    }
  }

  /** Rows in natural (insertion) order or in `_id` order, optionally narrowed by an index condition. */
  *scan(collection: string, narrowing?: Narrowing, byId?: 1 | -1): Generator<Row> {
    const { sql, params } = this.scanQuery(collection, narrowing, byId)
    const statement = this.sqlite.prepare(sql)
    for (const row of statement.iterate(...params) as IterableIterator<{
      rowid: number
      doc: string
    }>) {
      yield { rowid: row.rowid, doc: fromStorage<Doc>(row.doc) }
    }
  }

  count(collection: string): number {
    const row = this.statement(collection, 'count', (t) => `SELECT count(*) AS n FROM ${t}`).get() as {
      n: number
    }
    return row.n
  }

  insert(collection: string, doc: Doc): void {
    try {
      this.statement(collection, 'insert', (t) => `INSERT INTO ${t} (id, doc) VALUES (?, ?)`).run(
        doc._id,
        toStorage(doc),
      )
    } catch (error) {
      throw this.translate(collection, error, doc)
    }
  }

  /** Replaces a document; `previous` (what it replaces) tells whether data was deleted. */
  replace(collection: string, doc: Doc, previous?: Doc): void {
    try {
      this.statement(collection, 'replace', (t) => `UPDATE ${t} SET doc = ? WHERE id = ?`).run(
        toStorage(doc),
        doc._id,
      )
    } catch (error) {
      throw this.translate(collection, error, doc)
    }
    if (previous && dropsData(previous, doc)) this.erased = true
  }

  remove(collection: string, id: DocId): boolean {
    const removed =
      this.statement(collection, 'remove', (t) => `DELETE FROM ${t} WHERE id = ?`).run(id).changes > 0
    if (removed) this.erased = true
    return removed
  }

  /**
   * After a deletion (7.2): writes the write-ahead log into the database file and truncates the
   * log to zero bytes. secure_delete zeroes what a deletion frees, but the `-wal` file keeps the
   * earlier versions of the pages (the deleted document as it was written) until a checkpoint,
   * and SQLite reuses the log from its start afterwards, leaving older frames behind the new
   * ones: a crash, or a copy of the data directory, would keep them. Nothing to do without a
   * deletion since the last checkpoint, or in memory. A checkpoint that could not finish (a
   * reader) is tried again at the next call.
   */
  checkpointAfterErasure(): void {
    if (!this.erased || !this.inFile || !this.sqlite.open) return
    const [result] = this.sqlite.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>
    if (result?.busy === 0) this.erased = false
  }

  /** Runs fn atomically (all or nothing). */
  atomically<T>(fn: () => T): T {
    return this.sqlite.transaction(fn)()
  }

  private info(name: string): CollectionInfo {
    const info = this.collections.get(name)
    if (!info) throw new Error(`collection ${name} does not exist`)
    return info
  }

  private readonly statements = new Map<string, Database.Statement>()

  private statement(collection: string, kind: string, sql: (table: string) => string): Database.Statement {
    const key = `${collection}\u0000${kind}`
    let statement = this.statements.get(key)
    if (!statement) {
      statement = this.sqlite.prepare(sql(quoteIdent(this.info(collection).table)))
      this.statements.set(key, statement)
    }
    return statement
  }

  private translate(collection: string, error: unknown, doc: Doc): unknown {
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
      const message = (error as Error).message
      const match = /index '([^']+)'/.exec(message)
      if (!match || message.includes('.id'))
        return new DuplicateKeyError(collection, '_id_', `{ _id: ${JSON.stringify(doc._id)} }`)
      const spec = this.info(collection).indexes.find((index) => match[1].endsWith(`__${index.name}`))
      const key = spec ? spec.fields.map((f) => `${f}: ${JSON.stringify(lookup(doc, f))}`).join(', ') : ''
      return new DuplicateKeyError(collection, spec?.name ?? match[1], `{ ${key} }`)
    }
    return error
  }
}

function lookup(doc: unknown, path: string): unknown {
  let value: unknown = doc
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}
