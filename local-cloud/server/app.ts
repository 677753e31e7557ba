import type { IncomingMessage, ServerResponse } from 'node:http'
import { nestedDeeperThan } from '../../src/domain/input'
import { HttpError, parseCookies, readJson, sendFailure, sendJson } from './http'
import type { SessionStore, SessionView } from './sessions'
import { serveStatic } from './static'

/** The call source the local H5 build's calls carry (a WeChat client would say `wx_client`). */
export const H5_SOURCE = 'h5_local'

export const SESSION_COOKIE = 'lc_session'
const COOKIE_MAX_AGE_S = 30 * 24 * 3600
const FUNCTION_PATH = /^\/api\/functions\/([a-z][a-z0-9_-]{0,63})$/
const LOCAL_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** What the server needs of a LocalCloud (local-cloud/runtime.ts). */
export interface CloudPort {
  invoke(
    name: string,
    event: Record<string, unknown>,
    context: { OPENID: string; SOURCE?: string },
  ): Promise<unknown>
  /** Records of the openapi fakes (SMS …), newest first. */
  outbox: { list(): readonly unknown[] }
}

export interface AppOptions {
  cloud: CloudPort
  /** Names of the loaded functions; anything else answers 404. */
  functions: readonly string[]
  /** The H5 build (dist-h5/). */
  staticDir: string
  sessions: SessionStore
  /** One line per function call; silent when absent. */
  log?: (line: string) => void
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/** The local HTTP API of docs/architecture.md plus the H5 app, as one request handler. */
export function createRequestHandler(options: AppOptions): Handler {
  const { cloud, sessions, log } = options
  const functions = new Set(options.functions)

  /** The browser's session; a first visit gets a fresh shopper and the cookie. */
  const sessionOf = (req: IncomingMessage, res: ServerResponse): { id: string; session: SessionView } => {
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE)
    const session = sessions.get(id)
    if (id && session) return { id, session }
    const created = sessions.create()
    res.setHeader(
      'Set-Cookie',
      `${SESSION_COOKIE}=${created.id}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax`,
    )
    return created
  }

  const callFunction = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    if (!functions.has(name)) return sendFailure(res, 404, 'UNKNOWN_ACTION')
    const event = await readJson(req)
    // A deeply nested body is refused before anything walks it recursively (the functions'
    // router refuses it too, where CloudBase hands the event over).
    if (typeof event !== 'object' || event === null || Array.isArray(event) || nestedDeeperThan(event)) {
      throw new HttpError(400, 'INVALID_ARGUMENT')
    }
    const { session } = sessionOf(req, res)
    const started = Date.now()
    const result = await cloud.invoke(name, event as Record<string, unknown>, {
      OPENID: session.openid,
      // Not a WeChat client: consent receipts record this build's channel as 'h5'.
      SOURCE: H5_SOURCE,
    })
    log?.(
      `${name}.${describeAction(event)} → ${describeResult(result)} ${Date.now() - started} ms (${session.persona})`,
    )
    sendJson(res, 200, result ?? null)
  }

  const route = async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const method = req.method ?? 'GET'
    const fn = FUNCTION_PATH.exec(pathname)
    if (fn) {
      if (method !== 'POST') throw methodNotAllowed('POST')
      return callFunction(req, res, fn[1])
    }
    if (pathname === '/api/dev/session') {
      if (method !== 'GET') throw methodNotAllowed('GET')
      return sendJson(res, 200, sessionOf(req, res).session)
    }
    if (pathname === '/api/dev/persona') {
      if (method !== 'POST') throw methodNotAllowed('POST')
      const body = (await readJson(req)) as { persona?: unknown }
      const { id } = sessionOf(req, res)
      const persona = typeof body === 'object' && body !== null ? body.persona : undefined
      const switched = typeof persona === 'string' ? sessions.switchPersona(id, persona) : undefined
      if (!switched) throw new HttpError(400, 'INVALID_ARGUMENT')
      return sendJson(res, 200, switched)
    }
    if (pathname === '/api/dev/outbox') {
      if (method !== 'GET') throw methodNotAllowed('GET')
      return sendJson(res, 200, { items: cloud.outbox.list() })
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) return sendFailure(res, 404, 'UNKNOWN_ACTION')
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET, HEAD')
    return serveStatic(req, res, pathname, {
      root: options.staticDir,
      onDocument: (rq, rs) => void sessionOf(rq, rs),
    })
  }

  return async (req, res) => {
    try {
      // Note: only local host names, so a foreign web page cannot reach the dev API through DNS
      // rebinding; cross-origin writes are refused for the same reason.
      const host = req.headers.host ?? ''
      const url = new URL(req.url ?? '/', `http://${host || 'localhost'}`)
      if (!LOCAL_HOSTNAMES.has(url.hostname)) throw new HttpError(403, 'FORBIDDEN')
      const origin = req.headers.origin
      if (origin && req.method !== 'GET' && req.method !== 'HEAD' && origin !== `http://${host}`) {
        throw new HttpError(403, 'FORBIDDEN')
      }
      await route(req, res, url.pathname)
    } catch (error) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (error instanceof HttpError) return sendFailure(res, error.status, error.code, error.headers)
      console.error('local-cloud: request failed', req.method, req.url, error)
      sendFailure(res, 500, 'INTERNAL')
    }
  }
}

const methodNotAllowed = (allow: string) => new HttpError(405, 'INVALID_ARGUMENT', { Allow: allow })

function describeAction(event: object): string {
  const action = (event as { action?: unknown }).action
  return typeof action === 'string' && /^[\w-]{1,64}$/.test(action) ? action : '?'
}

function describeResult(result: unknown): string {
  if (typeof result !== 'object' || result === null) return String(result)
  const r = result as { ok?: unknown; code?: unknown }
  if (r.ok === true) return 'ok'
  return typeof r.code === 'string' ? r.code : 'answered'
}
