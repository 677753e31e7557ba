/**
 * The `ingest` cloud function (issue #11; docs/deployment.md §7): signed pushes from the mall's
 * devices — a store's POS today, a car park's gates next — behind CloudBase's HTTP access
 * service (`config.json`: `"httpAccess": true`, path `/ingest`). It never answers a mini-program
 * call: the caller is a device, known only by its signature.
 *
 * A push is `POST /ingest/<kind>` with a JSON body of at most 64 KB and the headers `x-device-id`,
 * `x-timestamp` (Unix seconds), `x-nonce` (16–64 characters of A–Z a–z 0–9 _ -) and
 * `x-signature` (signature.ts). In this order it is refused:
 * - a path that names no device kind: 404 INGEST_PATH_UNKNOWN; another method than POST: 405;
 * - a body over 64 KB: 413 INGEST_BODY_TOO_LARGE;
 * - headers missing or malformed: 401 DEVICE_SIGNATURE_INVALID;
 * - a timestamp more than 300 s from the server's clock, either way: 401 DEVICE_CLOCK_SKEW;
 * - a device not registered, disabled, or without its secret: 401 DEVICE_UNKNOWN;
 * - a signature that does not match (constant-time): 401 DEVICE_SIGNATURE_INVALID;
 * - a device of another kind than the path's: 403 DEVICE_KIND_MISMATCH;
 * - a nonce the device used before: 409 DEVICE_NONCE_REPLAYED (`ingest_nonces/<device>:<nonce>`
 *   is created with add(), so of two identical pushes at once exactly one passes);
 * - a body that is not a JSON object: 400 INGEST_BODY_INVALID;
 * then the device kind's handler (handlers.ts) answers. Every answer is
 * `{ ok: true, data }` or `{ ok: false, code, message }` (Chinese message), never a stack trace.
 */
import * as cloud from 'wx-server-sdk'

import { fail, ok, type ErrorCode, type Result } from '../../src/domain/errors'
import { nestedDeeperThan } from '../../src/domain/input'
import { createAuditLog } from '../common/audit'
import { auditSignerFromEnv, createAuditChain } from '../common/chain'
import { systemClock, type Clock } from '../common/clock'
import { addUnique, COLLECTIONS } from '../common/db'
import { createDevices } from '../common/devices'
import { openDatabases } from '../common/platform'
import { createReceipts } from '../common/points/receipts'
import { createTariffBook } from '../common/parking/tariffs'
import { createRulesBook } from '../common/points/rules'
import { createStoreDirectory } from '../common/stores'
import { vaultFromEnv } from '../common/vault'
import { HANDLERS, type IngestDeps } from './handlers'
import { MAX_SKEW_SECONDS, NONCE, signatureMatches, TIMESTAMP } from './signature'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

/** The largest body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024

const DEVICE_ID = /^[A-Za-z0-9_-]{1,64}$/
const PATH = /^\/ingest\/([a-z]+)\/?$/

/** CloudBase's HTTP access event (integration request). */
interface HttpEvent {
  path: string
  httpMethod: string
  headers: Record<string, string>
  body: string
  isBase64Encoded?: boolean
}

export interface HttpAnswer {
  statusCode: number
  headers: Record<string, string>
  body: string
}

export interface IngestFunctionOptions {
  clock?: Clock
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  INGEST_PATH_UNKNOWN: 404,
  INGEST_BODY_TOO_LARGE: 413,
  DEVICE_UNKNOWN: 401,
  DEVICE_SIGNATURE_INVALID: 401,
  DEVICE_CLOCK_SKEW: 401,
  DEVICE_KIND_MISMATCH: 403,
  FORBIDDEN: 403,
  DEVICE_NONCE_REPLAYED: 409,
  RECEIPT_ALREADY_SCORED: 409,
  PARKING_BUSY: 503,
  PARKING_EVENT_INVALID: 400,
  PLATE_INVALID: 400,
  INVALID_ARGUMENT: 400,
  TEXT_INVALID: 400,
  FIELD_TOO_LONG: 400,
  INGEST_BODY_INVALID: 400,
  INGEST_TIME_INVALID: 400,
  RECEIPT_INVALID: 400,
  AMOUNT_INVALID: 400,
  MEMBER_ID_REQUIRED: 400,
  INTERNAL: 500,
}

/** The HTTP status of an answer: a refusal the push itself can fix is 4xx, a business one 422. */
export const statusOf = (answer: Result<unknown>): number => (answer.ok ? 200 : (STATUS[answer.code] ?? 422))

const respond = (answer: Result<unknown>, status = statusOf(answer)): HttpAnswer => ({
  statusCode: status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(answer),
})

function httpEvent(event: unknown): HttpEvent | null {
  if (typeof event !== 'object' || event === null) return null
  const { path, httpMethod, headers, body, isBase64Encoded } = event as Record<string, unknown>
  if (typeof path !== 'string' || typeof httpMethod !== 'string') return null
  if (typeof headers !== 'object' || headers === null) return null
  const lower: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers))
    if (typeof value === 'string') lower[name.toLowerCase()] = value
  const text = typeof body === 'string' ? body : ''
  return {
    path,
    httpMethod: httpMethod.toUpperCase(),
    headers: lower,
    body: isBase64Encoded === true ? Buffer.from(text, 'base64').toString('utf8') : text,
  }
}

export function createMain(options: IngestFunctionOptions = {}) {
  const clock = options.clock ?? systemClock
  // Kept by the function instance across its calls, as the other functions keep them.
  const stores = createStoreDirectory(clock)
  const rules = createRulesBook(clock)
  const tariffs = createTariffBook(clock)
  const auditChain = createAuditChain()

  function wire(): IngestDeps {
    const databases = openDatabases(cloud)
    const { db } = databases
    const audit = createAuditLog({ db, signer: auditSignerFromEnv(process.env), clock, chain: auditChain })
    return {
      db,
      keyDb: () => databases.keyDb(),
      vault: vaultFromEnv(process.env),
      clock,
      audit,
      rules,
      stores,
      tariffs,
    }
  }

  async function handle(raw: unknown): Promise<HttpAnswer> {
    const openid = cloud.getWXContext()?.OPENID
    if (typeof openid === 'string' && openid !== '') return respond(fail('FORBIDDEN'))
    const event = httpEvent(raw)
    if (!event) return respond(fail('INVALID_ARGUMENT'), 400)
    const kind = PATH.exec(event.path)?.[1]
    const handler =
      kind !== undefined && Object.prototype.hasOwnProperty.call(HANDLERS, kind) ? HANDLERS[kind] : undefined
    if (!handler) return respond(fail('INGEST_PATH_UNKNOWN'))
    if (event.httpMethod !== 'POST') return respond(fail('INVALID_ARGUMENT'), 405)
    if (Buffer.byteLength(event.body, 'utf8') > MAX_BODY_BYTES) return respond(fail('INGEST_BODY_TOO_LARGE'))

    const { headers } = event
    const deviceId = headers['x-device-id'] ?? ''
    const timestamp = headers['x-timestamp'] ?? ''
    const nonce = headers['x-nonce'] ?? ''
    const signature = headers['x-signature'] ?? ''
    if (!DEVICE_ID.test(deviceId) || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || signature === '')
      return respond(fail('DEVICE_SIGNATURE_INVALID'))
    if (Math.abs(clock.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS)
      return respond(fail('DEVICE_CLOCK_SKEW'))

    const deps = wire()
    const devices = createDevices(deps)
    const device = await devices.byId(deviceId)
    const secret = device && device.status === 'active' ? await devices.secretOf(device) : null
    if (!device || !secret) return respond(fail('DEVICE_UNKNOWN'))
    const parts = { method: event.httpMethod, path: event.path, timestamp, nonce, body: event.body }
    if (!signatureMatches(secret, parts, signature)) return respond(fail('DEVICE_SIGNATURE_INVALID'))
    if (device.kind !== handler.kind) return respond(fail('DEVICE_KIND_MISMATCH'))
    const seen = { _id: `${deviceId}:${nonce}`, deviceId, at: new Date(clock.now()) }
    if (!(await addUnique(deps.db, COLLECTIONS.ingestNonces, seen)))
      return respond(fail('DEVICE_NONCE_REPLAYED'))

    let body: unknown
    try {
      body = JSON.parse(event.body)
    } catch {
      return respond(fail('INGEST_BODY_INVALID'))
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body) || nestedDeeperThan(body))
      return respond(fail('INGEST_BODY_INVALID'))
    const answer = await handler.handle(body, { device, deps, receipts: createReceipts(deps) })
    return respond(answer.ok ? ok(answer.data) : answer)
  }

  return async (event: unknown): Promise<HttpAnswer> => {
    try {
      return await handle(event)
    } catch (error) {
      // The error's name only: messages of the platform may quote what was sent.
      console.error('[ingest] push failed:', error instanceof Error ? error.name : typeof error)
      return respond(fail('INTERNAL'))
    }
  }
}

export const main = createMain()
