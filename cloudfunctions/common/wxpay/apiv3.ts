/**
 * WeChat Pay APIv3 with node:crypto (docs/deployment.md "WeChat Pay"): the verification and
 * decryption of the notices WeChat Pay sends, and the signature of the calls made to it.
 *
 * - A notice is signed with WeChat Pay's platform key (RSA-SHA256, base64 in `wechatpay-signature`)
 *   over `<wechatpay-timestamp>\n<wechatpay-nonce>\n<body>\n`; `wechatpay-serial` names the key
 *   (the WeChat Pay public key id). A notice older than NOTICE_MAX_AGE_MS is refused (replay).
 * - Its `resource` is AEAD_AES_256_GCM under the merchant's 32-byte APIv3 key: base64 ciphertext
 *   whose last 16 bytes are the tag, with `associated_data` and a 12-character `nonce`.
 * - A call to WeChat Pay carries `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,
 *   signature=…,timestamp=…,serial_no=…`, the signature (merchant private key, RSA-SHA256) over
 *   `<METHOD>\n<path?query>\n<timestamp>\n<nonce>\n<body>\n`.
 * - A sensitive field of a call (a plate) is encrypted with the WeChat Pay public key, RSA-OAEP
 *   (SHA-1, as WeChat Pay's APIv3 asks), base64; the call names the key in `Wechatpay-Serial`.
 */
import {
  constants,
  createDecipheriv,
  createSign,
  createVerify,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto'

/** WeChat Pay refuses, and so do we, a notice signed more than five minutes ago (or ahead). */
export const NOTICE_MAX_AGE_MS = 5 * 60_000

const TAG_BYTES = 16

export interface EncryptedResource {
  algorithm: string
  ciphertext: string
  associated_data?: string
  nonce: string
  original_type?: string
}

export type NoticeCheck = 'ok' | 'unsigned' | 'unknownSerial' | 'stale' | 'badSignature'

/** The message a notice's signature covers. */
export const noticeMessage = (timestamp: string, nonce: string, body: string) =>
  `${timestamp}\n${nonce}\n${body}\n`

/** Checks a notice's signature headers (lower-case names, as HTTP access hands them). */
export function verifyNotice(input: {
  headers: Record<string, string | undefined>
  body: string
  platformKeys: ReadonlyMap<string, KeyObject>
  nowMs: number
}): NoticeCheck {
  const { headers, body } = input
  const timestamp = headers['wechatpay-timestamp']
  const nonce = headers['wechatpay-nonce']
  const signature = headers['wechatpay-signature']
  const serial = headers['wechatpay-serial']
  if (!timestamp || !nonce || !signature || !serial || !/^\d{1,12}$/.test(timestamp)) return 'unsigned'
  const key = input.platformKeys.get(serial)
  if (!key) return 'unknownSerial'
  if (Math.abs(input.nowMs - Number(timestamp) * 1000) > NOTICE_MAX_AGE_MS) return 'stale'
  const verifier = createVerify('RSA-SHA256')
  verifier.update(noticeMessage(timestamp, nonce, body))
  return verifier.verify(key, signature, 'base64') ? 'ok' : 'badSignature'
}

/** The plaintext of a notice's resource; throws when it was tampered with or the key is wrong. */
export function decryptResource(resource: EncryptedResource, apiV3Key: Buffer): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error('wxpay: unsupported resource algorithm')
  const data = Buffer.from(resource.ciphertext, 'base64')
  if (data.length <= TAG_BYTES) throw new Error('wxpay: resource too short')
  const decipher = createDecipheriv('aes-256-gcm', apiV3Key, Buffer.from(resource.nonce, 'utf8'))
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
  return Buffer.concat([
    decipher.update(data.subarray(0, data.length - TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8')
}

/** RSA-SHA256 of `message` in base64. */
export function rsaSign(privateKey: KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64')
}

/** A nonce of 32 characters from [0-9A-Z]. */
export function nonceStr(): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  return Array.from(randomBytes(32), (b) => chars[b % chars.length]).join('')
}

/** The `Authorization` header of a call to WeChat Pay. */
export function authorization(input: {
  mchid: string
  serialNo: string
  privateKey: KeyObject
  method: string
  /** Path and query, e.g. `/v3/businesscircle/points/notify`. */
  url: string
  body: string
  timestampS: number
  nonce: string
}): string {
  const message = `${input.method}\n${input.url}\n${input.timestampS}\n${input.nonce}\n${input.body}\n`
  const signature = rsaSign(input.privateKey, message)
  return (
    `WECHATPAY2-SHA256-RSA2048 mchid="${input.mchid}",nonce_str="${input.nonce}",` +
    `signature="${signature}",timestamp="${input.timestampS}",serial_no="${input.serialNo}"`
  )
}

/** A sensitive field encrypted for WeChat Pay with its public key (RSA-OAEP), in base64. */
export function encryptSensitive(publicKey: KeyObject, text: string): string {
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(text, 'utf8'),
  ).toString('base64')
}
