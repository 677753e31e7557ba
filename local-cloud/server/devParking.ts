/**
 * The dev panel's parking helpers (local only, never deployed): the demo gate and the fake
 * payment step, so a shopper in `npm start` can park, pay and leave.
 *
 * - `POST /api/dev/gate { kind: 'entry' | 'exit', plate, minutesAgo? }`: the demo gate reports
 *   the plate now (or `minutesAgo`, up to a day, so a demo stay has a fee at once).
 *   The request is signed with the demo gate's secret and posted to `/ingest/carpark` exactly as
 *   a car park's system would (ingest's signature, nonce and clock checks all apply).
 * - `POST /api/dev/cloudpay { outTradeNo, times? }`: the payer paid the order in the fake pay
 *   sheet; WeChat Pay's result reaches the order's callback function (`times` deliveries, to try
 *   a repeated notice). A failed or cancelled payment needs no step: the page cancels the order.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

import { sign } from '../../cloudfunctions/ingest/signature'
import { HttpError, readJson, sendJson } from './http'

export interface DevParkingOptions {
  invokeHttp(name: string, event: Record<string, unknown>): Promise<unknown>
  payOrder?(outTradeNo: string, times?: number): Promise<boolean>
  /** The demo gate's device id and DEMO secret (base64); absent without keys. */
  gate?: { deviceId: string; secret: string }
}

const GATE_PATH = '/ingest/carpark'
const PLATE_CHARS = /^[\u4e00-\u9fa5A-Z0-9·]{6,10}$/
const OUT_TRADE_NO = /^[A-Za-z0-9_-]{1,32}$/

/** Answers the request when it is one of the dev parking routes; false otherwise. */
export function devParkingRoute(options: DevParkingOptions) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    if (pathname !== '/api/dev/gate' && pathname !== '/api/dev/cloudpay') return false
    if (req.method !== 'POST') throw new HttpError(405, 'INVALID_ARGUMENT', { Allow: 'POST' })
    const body = (await readJson(req)) as Record<string, unknown> | null
    if (typeof body !== 'object' || body === null) throw new HttpError(400, 'INVALID_ARGUMENT')
    if (pathname === '/api/dev/gate') {
      const { kind, plate, minutesAgo = 0 } = body
      if (!options.gate) throw new HttpError(404, 'UNKNOWN_ACTION')
      if ((kind !== 'entry' && kind !== 'exit') || typeof plate !== 'string' || !PLATE_CHARS.test(plate))
        throw new HttpError(400, 'INVALID_ARGUMENT')
      if (
        typeof minutesAgo !== 'number' ||
        !Number.isInteger(minutesAgo) ||
        minutesAgo < 0 ||
        minutesAgo > 1440
      )
        throw new HttpError(400, 'INVALID_ARGUMENT')
      const text = JSON.stringify({
        eventId: `demo-${randomBytes(8).toString('hex')}`,
        kind,
        plate,
        at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      })
      const timestamp = String(Math.floor(Date.now() / 1000))
      const nonce = randomBytes(16).toString('hex')
      const secret = Buffer.from(options.gate.secret, 'base64')
      const signature = sign(secret, { method: 'POST', path: GATE_PATH, timestamp, nonce, body: text })
      const answer = (await options.invokeHttp('ingest', {
        path: GATE_PATH,
        httpMethod: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-device-id': options.gate.deviceId,
          'x-timestamp': timestamp,
          'x-nonce': nonce,
          'x-signature': signature,
        },
        queryStringParameters: {},
        body: text,
        isBase64Encoded: false,
      })) as { statusCode?: number; body?: string } | null
      sendJson(res, 200, answer?.body ? JSON.parse(answer.body) : null)
      return true
    }
    const { outTradeNo, times } = body
    if (!options.payOrder || typeof outTradeNo !== 'string' || !OUT_TRADE_NO.test(outTradeNo))
      throw new HttpError(400, 'INVALID_ARGUMENT')
    const count = times === 2 ? 2 : 1
    sendJson(res, 200, { paid: await options.payOrder(outTradeNo, count) })
    return true
  }
}
