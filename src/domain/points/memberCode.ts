/**
 * The member code at the till (issue #11, E.3 rotating codes): a token that changes every 30 s,
 * computed on the phone from a per-member secret (RFC 6238 TOTP, HMAC-SHA-1), so it works
 * offline and a screenshot is worth nothing a minute later.
 *
 * The token is `MC` + a random code id (8 Crockford base32 characters, not the member id, not
 * the member number, not the phone) + the TOTP digits: 18 characters of A–Z and 0–9, which
 * every scanner reads and Code 128 and QR carry as they are. The server finds the secret by the
 * code id's keyed hash and checks the digits.
 *
 * Pure: the HMAC is injected, so the phone uses crypto-js and the server node:crypto.
 */

/** HMAC-SHA-1 of `message` under `key`. */
export type HmacSha1 = (key: Uint8Array, message: Uint8Array) => Uint8Array

export const MEMBER_CODE_STEP_SECONDS = 30
export const MEMBER_CODE_DIGITS = 8
export const MEMBER_CODE_PREFIX = 'MC'
export const CODE_ID_LENGTH = 8
/** RFC 4226 recommends at least 128 bits; 160 (the SHA-1 block output) as RFC 6238's example. */
export const MEMBER_CODE_SECRET_BYTES = 20

/** Crockford base32: no I, L, O, U (nothing a cashier or a scanner can misread). */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

const TOKEN = new RegExp(
  `^${MEMBER_CODE_PREFIX}([${CROCKFORD}]{${CODE_ID_LENGTH}})([0-9]{${MEMBER_CODE_DIGITS}})$`,
)

/** The 30-second step a time (ms since the epoch) falls in. */
export function stepAt(nowMs: number, stepSeconds = MEMBER_CODE_STEP_SECONDS): number {
  return Math.floor(nowMs / 1000 / stepSeconds)
}

/** Seconds left in the step of `nowMs`: what the countdown shows. */
export function secondsLeft(nowMs: number, stepSeconds = MEMBER_CODE_STEP_SECONDS): number {
  const intoStep = Math.floor(nowMs / 1000) % stepSeconds
  return stepSeconds - intoStep
}

/** The step counter as 8 bytes, big-endian (RFC 4226 §5.2). */
function counterBytes(step: number): Uint8Array {
  const bytes = new Uint8Array(8)
  let rest = step
  for (let i = 7; i >= 0; i--) {
    bytes[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
  return bytes
}

/** RFC 4226 HOTP with dynamic truncation; `digits` 6–8. */
export function hotp(
  hmac: HmacSha1,
  secret: Uint8Array,
  counter: number,
  digits = MEMBER_CODE_DIGITS,
): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('digits must be 6 to 8')
  const mac = hmac(secret, counterBytes(counter))
  const offset = mac[mac.length - 1] & 0x0f
  const binary =
    ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3]
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** RFC 6238 TOTP for the step of `nowMs`. */
export function totp(hmac: HmacSha1, secret: Uint8Array, nowMs: number, digits = MEMBER_CODE_DIGITS): string {
  return hotp(hmac, secret, stepAt(nowMs), digits)
}

export interface MemberCodeToken {
  codeId: string
  digits: string
}

/** The token shown at the till. */
export function memberCodeToken(codeId: string, hmac: HmacSha1, secret: Uint8Array, nowMs: number): string {
  return `${MEMBER_CODE_PREFIX}${codeId}${totp(hmac, secret, nowMs)}`
}

/**
 * A scanned or typed token: case, spaces and dashes are forgiven (a cashier typing it), and the
 * characters Crockford reads alike (O → 0, I/L → 1). Null when it is not a member code.
 */
export function parseMemberCode(text: string): MemberCodeToken | null {
  const cleaned = text.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '')
  if (!cleaned.startsWith(MEMBER_CODE_PREFIX)) return null
  const body = cleaned.slice(MEMBER_CODE_PREFIX.length).replace(/O/g, '0').replace(/[IL]/g, '1')
  const match = TOKEN.exec(MEMBER_CODE_PREFIX + body)
  return match ? { codeId: match[1], digits: match[2] } : null
}

/** A fresh code id from random bytes (at least CODE_ID_LENGTH of them). */
export function codeIdFrom(random: Uint8Array): string {
  if (random.length < CODE_ID_LENGTH) throw new RangeError('not enough random bytes')
  let id = ''
  for (let i = 0; i < CODE_ID_LENGTH; i++) id += CROCKFORD[random[i] % 32]
  return id
}

/** Hex text ↔ bytes: how the secret travels to the phone and sits in its storage. */
export function hexToBytes(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new RangeError('not hex')
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
