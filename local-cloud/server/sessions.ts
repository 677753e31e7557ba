import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'

/**
 * Dev sessions: a browser's cookie names who it plays. A shopper keeps one OPENID until it asks
 * for a new one; staff personas map to the fixed OPENIDs the seed registers as staff.
 *
 * Sessions live in an SQLite file of the data directory, without a cap on their number: a flood
 * of cookie-less requests adds sessions but never pushes out one a browser uses. A session
 * unused for as long as its cookie lives (30 days) is forgotten.
 */
export const SHOPPER = 'shopper'
export const NEW_SHOPPER = 'new-shopper'

/** How long a session lives unused: the cookie's Max-Age. */
export const SESSION_IDLE_MS = 30 * 24 * 3600_000
/** A session's last use is written at most this often (reads stay reads). */
const SEEN_PRECISION_MS = 3600_000

export interface SessionView {
  persona: string
  openid: string
}

export interface SessionStore {
  /** The personas a session may switch to (`new-shopper` included). */
  readonly personas: readonly string[]
  get(id: string | undefined): SessionView | undefined
  /** Starts a session as a fresh shopper. */
  create(): { id: string; session: SessionView }
  /** Switches persona; returns undefined when the session or the persona is unknown. */
  switchPersona(id: string, persona: string): SessionView | undefined
  close(): void
}

export interface SessionStoreOptions {
  /** Fixed OPENIDs of the staff personas, e.g. `{ counter: 'o…', manager: 'o…' }`. */
  staff: Readonly<Record<string, string>>
  /** SQLite file the sessions survive restarts in; memory only when absent. */
  file?: string
  /** A JSON file of an older version's sessions: read into `file` once, then removed. */
  legacyFile?: string
  /** Milliseconds now (tests). */
  now?: () => number
}

interface Row {
  persona: string
  shopper_openid: string
  seen_at: number
}

/** A fresh shopper OPENID: 28 characters starting with `o`, like the platform's. */
export function newOpenid(): string {
  return 'o' + randomBytes(20).toString('base64url').slice(0, 27)
}

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { staff, file, legacyFile, now = Date.now } = options
  const personas = [
    SHOPPER,
    NEW_SHOPPER,
    ...Object.keys(staff).filter((p) => p !== SHOPPER && p !== NEW_SHOPPER),
  ]
  const db = new Database(file ?? ':memory:')
  if (file) db.pragma('journal_mode = WAL')
  db.exec(`CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, persona TEXT NOT NULL, shopper_openid TEXT NOT NULL, seen_at INTEGER NOT NULL
  )`)
  db.exec('CREATE INDEX IF NOT EXISTS sessions_seen ON sessions (seen_at)')
  const find = db.prepare<[string], Row>('SELECT persona, shopper_openid, seen_at FROM sessions WHERE id = ?')
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO sessions (id, persona, shopper_openid, seen_at) VALUES (?, ?, ?, ?)',
  )
  const update = db.prepare<[string, string, number, string]>(
    'UPDATE sessions SET persona = ?, shopper_openid = ?, seen_at = ? WHERE id = ?',
  )
  const touch = db.prepare<[number, string]>('UPDATE sessions SET seen_at = ? WHERE id = ?')
  const expire = db.prepare<[number]>('DELETE FROM sessions WHERE seen_at < ?')

  if (legacyFile && existsSync(legacyFile)) {
    try {
      const saved = JSON.parse(readFileSync(legacyFile, 'utf8')) as {
        sessions?: Record<string, { persona?: unknown; shopperOpenid?: unknown }>
      }
      db.transaction(() => {
        for (const [id, s] of Object.entries(saved.sessions ?? {}))
          if (typeof s?.persona === 'string' && typeof s?.shopperOpenid === 'string')
            insert.run(id, s.persona, s.shopperOpenid, now())
      })()
      rmSync(legacyFile, { force: true })
    } catch (error) {
      console.warn(`local-cloud: ignoring unreadable sessions file (${(error as Error).message})`)
    }
  }
  expire.run(now() - SESSION_IDLE_MS)

  const view = (row: Row): SessionView =>
    row.persona === SHOPPER || !Object.prototype.hasOwnProperty.call(staff, row.persona)
      ? { persona: SHOPPER, openid: row.shopper_openid }
      : { persona: row.persona, openid: staff[row.persona] }

  const live = (id: string | undefined): Row | undefined => {
    const row = id ? find.get(id) : undefined
    if (!row || !id) return undefined
    const at = now()
    if (row.seen_at < at - SESSION_IDLE_MS) return undefined
    if (row.seen_at < at - SEEN_PRECISION_MS) touch.run(at, id)
    return row
  }

  return {
    personas,
    get: (id) => {
      const row = live(id)
      return row && view(row)
    },
    create() {
      const id = randomBytes(24).toString('base64url')
      const row: Row = { persona: SHOPPER, shopper_openid: newOpenid(), seen_at: now() }
      insert.run(id, row.persona, row.shopper_openid, row.seen_at)
      return { id, session: view(row) }
    },
    switchPersona(id, persona) {
      const row = live(id)
      if (!row || !personas.includes(persona)) return undefined
      const next: Row =
        persona === NEW_SHOPPER
          ? { persona: SHOPPER, shopper_openid: newOpenid(), seen_at: now() }
          : { ...row, persona, seen_at: now() }
      update.run(next.persona, next.shopper_openid, next.seen_at, id)
      return view(next)
    },
    close: () => db.close(),
  }
}
