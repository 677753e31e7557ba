import http from 'node:http'
import https from 'node:https'

/**
 * The port through which calls reach WeChat Pay: HTTPS in production, a fake in local-cloud and
 * the tests (local-cloud/wxpay.ts: records each request in the outbox, can be told to fail).
 */
export interface PayRequest {
  method: 'POST'
  /** Path and query, e.g. `/v3/businesscircle/points/notify`. */
  url: string
  headers: Record<string, string>
  body: string
}

export interface PayResponse {
  status: number
  body: string
}

export type PayPort = (request: PayRequest) => Promise<PayResponse>

/** Time a call may take before it counts as failed (and is retried later). */
const CALL_TIMEOUT_MS = 5000

/**
 * HTTPS with node:https (CloudBase's Node 16 runtime has no fetch); plain HTTP only for a local
 * stand-in (local-cloud's `/api/dev/wxpay`).
 */
export function httpsPort(apiBase: string): PayPort {
  return (request) =>
    new Promise((resolve, reject) => {
      const client = apiBase.startsWith('http:') ? http : https
      const call = client.request(
        `${apiBase}${request.url}`,
        {
          method: request.method,
          headers: { ...request.headers, 'Content-Length': Buffer.byteLength(request.body) },
          timeout: CALL_TIMEOUT_MS,
        },
        (answer) => {
          const chunks: Buffer[] = []
          answer.on('data', (chunk: Buffer) => chunks.push(chunk))
          answer.on('end', () =>
            resolve({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          )
          answer.on('error', reject)
        },
      )
      call.on('timeout', () => call.destroy(new Error('wxpay: call timed out')))
      call.on('error', reject)
      call.end(request.body)
    })
}
