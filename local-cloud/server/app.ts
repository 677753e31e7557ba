import type { IncomingMessage, ServerResponse } from 'node:http'
import { nestedDeeperThan } from '../../src/domain/input'
import { HttpError, parseCookies, readBody, readJson, readText, sendFailure, sendJson } from './http'
import type { SessionStore, SessionView } from './sessions'
import { devParkingRoute } from './devParking'
import { serveStatic } from './static'

/** The call source the local H5 build's calls carry (a WeChat client would say `wx_client`). */
export const H5_SOURCE = 'h5_local'

export const SESSION_COOKIE = 'lc_session'
const COOKIE_MAX_AGE_S = 30 * 24 * 3600
const FUNCTION_PATH = /^\/api\/functions\/([a-z][a-z0-9_-]{0,63})$/
/** CloudBase's HTTP access service: `/<function>` and anything under it, for callers outside WeChat. */
const HTTP_ACCESS_PATH = /^\/http\/([a-z][a-z0-9_-]{0,63})(\/[^?]*)?$/
/** Who calls through HTTP access: no WeChat user. */
export const HTTP_SOURCE = 'http'
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
  /** Cloud storage (local-cloud/storage.ts): uploads from the H5 build, temporary URLs. */
  storage?: {
    upload(cloudPath: string, content: Buffer, owner: string): { fileID: string }
    readTemp(urlOrToken: string): Buffer | undefined
  }
  /** The fake payment step of local-cloud's cloudPay (local-cloud/cloudpay.ts). */
  payOrder?(outTradeNo: string, times?: number): Promise<boolean>
}

/** `wx.cloud.uploadFile` of the H5 build: the raw file as the body, `cloudPath` in the query. */
const UPLOAD_PATH = '/api/storage/upload'
const TEMP_PATH = /^\/api\/storage\/temp\/([A-Za-z0-9_-]{1,64})$/
/** A photo of a receipt is far smaller; CloudBase itself allows more. */
const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024

/** The content type of what a temporary URL serves: the image formats a page shows, else bytes. */
function contentTypeOf(content: Buffer): string {
  if (content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png'
  if (content[0] === 0xff && content[1] === 0xd8) return 'image/jpeg'
  return 'application/octet-stream'
}

export interface AppOptions {
  cloud: CloudPort
  /** Names of the loaded functions; anything else answers 404. */
  functions: readonly string[]
  /** Functions reachable through HTTP access (`"httpAccess": true` in their config.json). */
  httpFunctions?: readonly string[]
  /** The H5 build (dist-h5/). */
  staticDir: string
  sessions: SessionStore
  /** One line per function call; silent when absent. */
  log?: (line: string) => void
  /** The demo car park's gate, for the dev panel's 模拟入场 / 模拟出场 (devParking.ts). */
  demoGate?: { deviceId: string; secret: string }
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

  const httpFunctions = new Set(options.httpFunctions ?? [])

  /**
   * An HTTP access call: the function gets CloudBase's integration event (the raw body as text,
   * lower-case headers, no WeChat user) and answers `{ statusCode, headers, body }`; any other
   * answer is sent as JSON with 200, as the service does.
   */
  const callHttpAccess = async (
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    sub: string,
    url: URL,
  ) => {
    if (!httpFunctions.has(name) || !functions.has(name)) return sendFailure(res, 404, 'UNKNOWN_ACTION')
    const headers: Record<string, string> = {}
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    const event = {
      path: `/${name}${sub}`,
      httpMethod: req.method ?? 'GET',
      headers,
      queryStringParameters: Object.fromEntries(url.searchParams),
      body: await readText(req),
      isBase64Encoded: false,
    }
    const started = Date.now()
    const result = (await cloud.invoke(name, event, { OPENID: '', SOURCE: HTTP_SOURCE })) as {
      statusCode?: unknown
      headers?: unknown
      body?: unknown
    } | null
    const integrated = typeof result === 'object' && result !== null && typeof result.statusCode === 'number'
    const status = integrated ? (result.statusCode as number) : 200
    log?.(`${name}${sub} (http) → ${status} ${Date.now() - started} ms`)
    if (!integrated) return sendJson(res, 200, result ?? null)
    const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body ?? '')
    const extra = typeof result.headers === 'object' && result.headers !== null ? result.headers : {}
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...(extra as Record<string, string>),
      'Content-Length': Buffer.byteLength(body),
    })
    res.end(body)
  }

  const payOrder = cloud.payOrder?.bind(cloud)
  const devParking = devParkingRoute({
    invokeHttp: (name, event) => cloud.invoke(name, event, { OPENID: '', SOURCE: HTTP_SOURCE }),
    ...(payOrder ? { payOrder } : {}),
    ...(options.demoGate ? { gate: options.demoGate } : {}),
  })

  const route = async (req: IncomingMessage, res: ServerResponse, pathname: string, url: URL) => {
    const method = req.method ?? 'GET'
    if (await devParking(req, res, pathname)) return
    const access = HTTP_ACCESS_PATH.exec(pathname)
    if (access) return callHttpAccess(req, res, access[1], access[2] ?? '', url)
    const fn = FUNCTION_PATH.exec(pathname)
    if (fn) {
      if (method !== 'POST') throw methodNotAllowed('POST')
      return callFunction(req, res, fn[1])
    }
    if (pathname === UPLOAD_PATH) {
      if (method !== 'POST') throw methodNotAllowed('POST')
      if (!cloud.storage) return sendFailure(res, 404, 'UNKNOWN_ACTION')
      const { session } = sessionOf(req, res)
      const content = await readBody(req, UPLOAD_LIMIT_BYTES)
      try {
        const file = cloud.storage.upload(url.searchParams.get('cloudPath') ?? '', content, session.openid)
        log?.(`storage upload ${content.length} bytes (${session.persona})`)
        return sendJson(res, 200, { fileID: file.fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' })
      } catch (_error) {
        throw new HttpError(400, 'INVALID_ARGUMENT')
      }
    }
    const temp = TEMP_PATH.exec(pathname)
    if (temp) {
      if (method !== 'GET') throw methodNotAllowed('GET')
      const content = cloud.storage?.readTemp(temp[1])
      if (!content) return sendFailure(res, 404, 'UNKNOWN_ACTION')
      res.writeHead(200, {
        'Content-Type': contentTypeOf(content),
        'Content-Length': content.length,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      })
      return void res.end(content)
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
      await route(req, res, url.pathname, url)
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
