/**
 * The signature of a device push (docs/deployment.md §7): base64 of HMAC-SHA256 under the
 * device's 32-byte secret over
 *
 *   `${method}\n${path}\n${timestamp}\n${nonce}\n${body}`
 *
 * with the method in capitals, the path as the function receives it (`/ingest/pos`), the Unix
 * time in seconds and the nonce of the `x-timestamp` and `x-nonce` headers, and the body's exact
 * text. Shared by the function, `npm run device:push` and the tests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export interface SignedParts {
  method: string
  path: string
  timestamp: string
  nonce: string
  body: string
}

/** Clock skew accepted between a device and the server, either way. */
export const MAX_SKEW_SECONDS = 300

export const TIMESTAMP = /^\d{1,12}$/
export const NONCE = /^[A-Za-z0-9_-]{16,64}$/

export const signingString = (parts: SignedParts): string =>
  [parts.method.toUpperCase(), parts.path, parts.timestamp, parts.nonce, parts.body].join('\n')

export function sign(secret: Buffer, parts: SignedParts): string {
  return createHmac('sha256', secret).update(signingString(parts), 'utf8').digest('base64')
}

/** Whether `signature` (base64) is the parts' signature, compared in constant time. */
export function signatureMatches(secret: Buffer, parts: SignedParts, signature: string): boolean {
  const expected = createHmac('sha256', secret).update(signingString(parts), 'utf8').digest()
  const given = Buffer.from(signature, 'base64')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
