import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * local-cloud over HTTP, in CloudBase's wire protocol, for the contract test: the real,
 * unpatched wx-server-sdk in another process is pointed here with
 * `TCB_CONTEXT_CNFG={"URL":"<url>"}` and dummy `TENCENTCLOUD_SECRETID` / `TENCENTCLOUD_SECRETKEY`.
 *
 * What @cloudbase/node-sdk 3.17 sends (utils/tcbapirequester.js): `POST <URL>?env=<env>&seqId=…`
 * with a TC3-HMAC-SHA256 `Authorization` header and a JSON body holding the request's params
 * (`action`, `collectionName`, `query` …) plus its own fields (`envName`, tokens). It expects
 * HTTP 200 with a JSON body: the API's answer, or `{ code, message, requestId }` for an error
 * (which it turns into the errCode / errMsg the SDK user sees). Every other status is a
 * transport error. This module decodes the request, hands `(action, params)` to the same wire
 * handler the in-process stand-in uses (`LocalCloud.wire`) and answers its result as that body.
 *
 * Only JSON actions (database.*, functions.invokeFunction) travel this way; `wx.openApi` uses
 * multipart bodies and protobuf and is not served.
 */

/** `env`: the environment the request names (the body's `envName`), if any. */
export type WireHandler = (action: string, params: Record<string, unknown>, env?: string) => Promise<unknown>

export interface WireServerOptions {
  /** The secret id the client must sign with (the dummy TENCENTCLOUD_SECRETID); any when absent. */
  secretId?: string
  host?: string
  port?: number
}

export interface WireServer {
  /** The value for `TCB_CONTEXT_CNFG`'s `URL`. */
  readonly url: string
  /** Requests answered so far, by action. */
  readonly requests: Map<string, number>
  close(): Promise<void>
}

/** Fields node-sdk adds to every request body; they are not parameters of the API call. */
const TRANSPORT_FIELDS = [
  'action',
  'envName',
  'wxCloudApiToken',
  'wxCloudbaseAccesstoken',
  'tcb_sessionToken',
  'sessionToken',
  'crossAuthorizationToken',
] as const

const MAX_BODY_BYTES = 8 * 1024 * 1024

function errorBody(code: string, message: string): Record<string, unknown> {
  return { code, message, requestId: randomUUID() }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

/** The credential id of a TC3 Authorization header (`TC3-HMAC-SHA256 Credential=<id>/<date>/…`). */
function credentialOf(header: string | undefined): string | undefined {
  return /^TC3-HMAC-SHA256 Credential=([^/,\s]+)\//.exec(header ?? '')?.[1]
}

async function answer(
  handler: WireHandler,
  options: WireServerOptions,
  counts: Map<string, number>,
  request: http.IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  if (request.method !== 'POST') return { status: 405, body: errorBody('INVALID_PARAM', 'POST only') }
  const credential = credentialOf(request.headers.authorization)
  if (!credential || (options.secretId !== undefined && credential !== options.secretId)) {
    return {
      status: 200,
      body: errorBody('SIGN_PARAM_INVALID', '[AuthFailure] the request is not signed with the expected key'),
    }
  }
  let payload: unknown
  try {
    payload = JSON.parse(await readBody(request))
  } catch {
    return { status: 200, body: errorBody('INVALID_PARAM', '[InvalidParameter] body is not JSON') }
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { status: 200, body: errorBody('INVALID_PARAM', '[InvalidParameter] body must be an object') }
  }
  const body = payload as Record<string, unknown>
  const action = typeof body.action === 'string' ? body.action : ''
  if (action === '' || action === 'wx.openApi') {
    return {
      status: 200,
      body: errorBody('INVALID_PARAM', `[InvalidParameter] wire-server does not serve "${action}"`),
    }
  }
  const params: Record<string, unknown> = { ...body }
  for (const field of TRANSPORT_FIELDS) delete params[field]
  counts.set(action, (counts.get(action) ?? 0) + 1)
  const env = typeof body.envName === 'string' && body.envName !== '' ? body.envName : undefined
  return { status: 200, body: await handler(action, params, env) }
}

/**
 * Serves `handler` (usually `cloud.wire.bind(cloud)`) on 127.0.0.1 and a free port by default.
 * A handler that takes the environment routes each request to it; one that does not (two
 * parameters) answers every environment from the main database.
 */
export function startWireServer(handler: WireHandler, options: WireServerOptions = {}): Promise<WireServer> {
  const requests = new Map<string, number>()
  const server = http.createServer((request, response) => {
    answer(handler, options, requests, request)
      .catch((error: unknown) => ({
        status: 500,
        body: errorBody('SYS_ERR', `wire-server: ${(error as Error)?.message ?? String(error)}`),
      }))
      .then(({ status, body }) => {
        const text = JSON.stringify(body ?? {})
        response.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        })
        response.end(text)
      })
  })
  const host = options.host ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://${host}:${port}/admin`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
