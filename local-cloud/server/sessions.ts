import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

/**
 * Dev sessions: a browser's cookie names who it plays. A shopper keeps one OPENID until it asks
 * for a new one; staff personas map to the fixed OPENIDs the seed registers as staff.
 */
export const SHOPPER = 'shopper'
export const NEW_SHOPPER = 'new-shopper'

export interface SessionView {
  persona: string
  openid: string
}

interface StoredSession {
  persona: string
  shopperOpenid: string
}

export interface SessionStore {
  /** The personas a session may switch to (`new-shopper` included). */
  readonly personas: readonly string[]
  get(id: string | undefined): SessionView | undefined
  /** Starts a session as a fresh shopper. */
  create(): { id: string; session: SessionView }
  /** Switches persona; returns undefined when the session or the persona is unknown. */
  switchPersona(id: string, persona: string): SessionView | undefined
}

export interface SessionStoreOptions {
  /** Fixed OPENIDs of the staff personas, e.g. `{ counter: 'o…', manager: 'o…' }`. */
  staff: Readonly<Record<string, string>>
  /** JSON file the sessions survive restarts in; memory only when absent. */
  file?: string
  /** Oldest sessions are forgotten beyond this many. */
  maxSessions?: number
}

/** A fresh shopper OPENID: 28 characters starting with `o`, like the platform's. */
export function newOpenid(): string {
  return 'o' + randomBytes(20).toString('base64url').slice(0, 27)
}

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { staff, file, maxSessions = 1000 } = options
  const sessions = new Map<string, StoredSession>()
  const personas = [
    SHOPPER,
    NEW_SHOPPER,
    ...Object.keys(staff).filter((p) => p !== SHOPPER && p !== NEW_SHOPPER),
  ]

  if (file && existsSync(file)) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { sessions?: Record<string, StoredSession> }
      for (const [id, s] of Object.entries(saved.sessions ?? {})) {
        if (typeof s?.persona === 'string' && typeof s?.shopperOpenid === 'string') sessions.set(id, s)
      }
    } catch (error) {
      console.warn(`local-cloud: ignoring unreadable sessions file (${(error as Error).message})`)
    }
  }

  const save = () => {
    if (!file) return
    const tmp = `${file}.tmp`
    writeFileSync(tmp, JSON.stringify({ sessions: Object.fromEntries(sessions) }), { mode: 0o600 })
    renameSync(tmp, file)
  }

  const view = (s: StoredSession): SessionView =>
    s.persona === SHOPPER || !Object.prototype.hasOwnProperty.call(staff, s.persona)
      ? { persona: SHOPPER, openid: s.shopperOpenid }
      : { persona: s.persona, openid: staff[s.persona] }

  return {
    personas,
    get(id) {
      const s = id ? sessions.get(id) : undefined
      return s && view(s)
    },
    create() {
      const id = randomBytes(24).toString('base64url')
      const s: StoredSession = { persona: SHOPPER, shopperOpenid: newOpenid() }
      sessions.set(id, s)
      while (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value as string)
      save()
      return { id, session: view(s) }
    },
    switchPersona(id, persona) {
      const s = sessions.get(id)
      if (!s || !personas.includes(persona)) return undefined
      if (persona === NEW_SHOPPER) {
        s.persona = SHOPPER
        s.shopperOpenid = newOpenid()
      } else {
        s.persona = persona
      }
      save()
      return view(s)
    },
  }
}
