/**
 * HMAC-SHA-1 on the phone for the member code's TOTP: crypto-js's core and HMAC-SHA-1 only
 * (about 10 KB, against 67 KB for the whole library), over bytes as the domain's TOTP takes them.
 */
import CryptoJS from 'crypto-js/core'
import HmacSHA1 from 'crypto-js/hmac-sha1'
import type { HmacSha1 } from '@/domain/points/memberCode'

function toWords(bytes: Uint8Array): CryptoJS.lib.WordArray {
  const words: number[] = []
  bytes.forEach((byte, i) => {
    words[i >>> 2] = (words[i >>> 2] ?? 0) | (byte << (24 - (i % 4) * 8))
  })
  return CryptoJS.lib.WordArray.create(words, bytes.length)
}

function toBytes(words: CryptoJS.lib.WordArray): Uint8Array {
  const bytes = new Uint8Array(words.sigBytes)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (words.words[i >>> 2] >>> (24 - (i % 4) * 8)) & 0xff
  return bytes
}

export const cryptoJsHmacSha1: HmacSha1 = (key, message) => toBytes(HmacSHA1(toWords(message), toWords(key)))
