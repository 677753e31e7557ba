import { createHmac } from 'node:crypto'

import { cryptoJsHmacSha1 } from '../../../src/api/hmacSha1'
import {
  bytesToHex,
  codeIdFrom,
  hexToBytes,
  memberCodeToken,
  parseMemberCode,
  secondsLeft,
  stepAt,
  totp,
  type HmacSha1,
} from '../../../src/domain/points/memberCode'

const hmac: HmacSha1 = (key, message) => new Uint8Array(createHmac('sha1', key).update(message).digest())

/** RFC 6238 appendix B, SHA-1: the 20-byte ASCII secret "12345678901234567890", 8 digits. */
const RFC_SECRET = new TextEncoder().encode('12345678901234567890')
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

describe('member code TOTP', () => {
  it.each(RFC_VECTORS)('matches RFC 6238 at T=%i s', (seconds, expected) => {
    expect(totp(hmac, RFC_SECRET, seconds * 1000)).toBe(expected)
  })

  it('gives 6 digits when asked, the low digits of the 8', () => {
    expect(totp(hmac, RFC_SECRET, 59_000, 6)).toBe('287082')
    expect(() => totp(hmac, RFC_SECRET, 59_000, 5)).toThrow(RangeError)
  })

  it('steps every 30 s and counts down to the next step', () => {
    expect(stepAt(59_000)).toBe(1)
    expect(stepAt(60_000)).toBe(2)
    expect(secondsLeft(60_000)).toBe(30)
    expect(secondsLeft(89_500)).toBe(1)
  })
})

describe('member code token', () => {
  const secret = hexToBytes('00112233445566778899aabbccddeeff00112233')
  const codeId = codeIdFrom(new Uint8Array([0, 1, 2, 3, 30, 31, 200, 255]))

  it('is MC + a Crockford code id + 8 digits: 18 scanner-safe characters', () => {
    expect(codeId).toBe('0123YZ8Z')
    const token = memberCodeToken(codeId, hmac, secret, Date.parse('2026-12-07T02:00:00Z'))
    expect(token).toMatch(/^MC[0-9A-HJKMNP-TV-Z]{8}[0-9]{8}$/)
    expect(token.length).toBeLessThanOrEqual(20)
    expect(parseMemberCode(token)).toEqual({ codeId, digits: token.slice(10) })
  })

  it('carries nothing but the code id and the digits: no member number, no phone', () => {
    const memberNo = '202400001234'
    const phone = '13812345678'
    const token = memberCodeToken(codeId, hmac, secret, 0)
    expect(token).not.toContain(memberNo)
    expect(token).not.toContain(phone)
    expect(token).not.toContain(phone.slice(-4) + memberNo.slice(-4))
    expect(token.slice(2, 10)).toBe(codeId)
  })

  it('forgives what a cashier types: case, spaces, dashes, O for 0 and I or L for 1', () => {
    expect(parseMemberCode(' mc-0123 yz8z-1234 5678 ')).toEqual({ codeId: '0123YZ8Z', digits: '12345678' })
    expect(parseMemberCode('MCO123YZ8Z12345678')).toEqual({ codeId: '0123YZ8Z', digits: '12345678' })
    expect(parseMemberCode('MCI123YZ8Z12345678')?.codeId).toBe('1123YZ8Z')
  })

  it('refuses what is not a member code', () => {
    for (const text of [
      '',
      'MC',
      '0123YZ8Z12345678',
      'MC0123YZ8Z1234567',
      'MC0123YZ8Z123456789',
      'MCU123YZ8Z12345678',
      'XX0123YZ8Z12345678',
    ])
      expect(parseMemberCode(text)).toBeNull()
  })

  it('round-trips the secret as hex', () => {
    expect(bytesToHex(secret)).toBe('00112233445566778899aabbccddeeff00112233')
    expect(() => hexToBytes('abc')).toThrow(RangeError)
  })
})

describe('the phone’s HMAC (crypto-js)', () => {
  it.each(RFC_VECTORS)('gives the same RFC 6238 code as node:crypto at T=%i s', (seconds, expected) => {
    expect(totp(cryptoJsHmacSha1, RFC_SECRET, seconds * 1000)).toBe(expected)
  })
})
