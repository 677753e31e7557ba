/**
 * WeChat Pay 智慧商圈 in local-cloud (issue #11): notices signed and encrypted as WeChat Pay does,
 * for `npm run wxpay:replay` and the tests, with demo keys; and a fake of WeChat Pay's API that
 * records each call in the outbox and can be told to fail.
 *
 * The demo keys (a platform key pair standing in for WeChat Pay's, and an APIv3 key) are generated
 * into the data directory at the first start (`wxpay-demo.json`, never committed) and handed to
 * the functions as the WXPAY_* variables production sets (docs/deployment.md).
 */
import { createCipheriv, createPrivateKey, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { noticeMessage, rsaSign } from '../cloudfunctions/common/wxpay/apiv3'
import type { PayPort, PayRequest } from '../cloudfunctions/common/wxpay/port'
import type { Outbox } from './openapi'

export const WXPAY_DEMO_FILE = 'wxpay-demo.json'

/** The demo stand-in for WeChat Pay's keys: labelled as demo, local only. */
export interface WxPayDemoKeys {
  label: 'demo: local-cloud only'
  apiV3Key: string
  publicKeyId: string
  publicKeyPem: string
  /** What signs the replayed notices (WeChat Pay keeps its own). */
  privateKeyPem: string
}

export function generateWxPayDemoKeys(): WxPayDemoKeys {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    label: 'demo: local-cloud only',
    // 32 characters, like the APIv3 key the merchant platform lets one set.
    apiV3Key: randomBytes(24).toString('base64url'),
    publicKeyId: `PUB_KEY_ID_DEMO${randomBytes(8).toString('hex').toUpperCase()}`,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}

/** The data directory's demo keys, generated on first use. */
export function resolveWxPayDemoKeys(dataDir: string): { keys: WxPayDemoKeys; generated: boolean } {
  const file = path.join(dataDir, WXPAY_DEMO_FILE)
  if (existsSync(file))
    return { keys: JSON.parse(readFileSync(file, 'utf8')) as WxPayDemoKeys, generated: false }
  const keys = generateWxPayDemoKeys()
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 })
  return { keys, generated: true }
}

/** The variables the `wxpay` function reads, for the demo keys. */
export function wxPayNoticeEnv(keys: WxPayDemoKeys): Record<string, string> {
  return {
    WXPAY_APIV3_KEY: keys.apiV3Key,
    WXPAY_PUBLIC_KEY_ID: keys.publicKeyId,
    WXPAY_PUBLIC_KEY: keys.publicKeyPem,
  }
}

export type NoticeKind = 'transaction' | 'refund' | 'auth'

export const EVENT_TYPES: Record<NoticeKind, string> = {
  transaction: 'MALL_TRANSACTION.SUCCESS',
  refund: 'MALL_REFUND.SUCCESS',
  auth: 'MALL_AUTH.ACTIVATE_CARD',
}

export interface NoticeInput {
  kind: NoticeKind
  openid: string
  /** Fen: the payment's amount (transaction), the refunded amount (refund). */
  amountFen?: number
  transactionId?: string
  refundId?: string
  /** The payment's amount, for a refund (defaults to the refunded amount). */
  payAmountFen?: number
  /** Epoch ms the notice is signed at (and the payment's time). */
  nowMs?: number
  mchid?: string
  appid?: string
  /** The notice's id: the same for every delivery of one notice. */
  noticeId?: string
}

const CHINA_OFFSET_MS = 8 * 3600_000
const chinaIso = (ms: number) => `${new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`

/** The decrypted content of a notice, in WeChat Pay's field names. */
export function noticeResource(input: NoticeInput): Record<string, unknown> {
  const now = input.nowMs ?? Date.now()
  const base = {
    mchid: input.mchid ?? '1900000001',
    openid: input.openid,
  }
  if (input.kind === 'auth')
    return { ...base, code: `demo-${randomBytes(4).toString('hex')}`, auth_type: 'REGISTERED_MODE' }
  const transaction = {
    ...base,
    merchant_name: '示例商场',
    shop_name: '示例商场一层',
    shop_number: '1',
    appid: input.appid ?? 'wx0000000000000000',
    transaction_id: input.transactionId ?? `42000${randomBytes(8).toString('hex')}`,
    commit_tag: 'DEMO',
    auth_type: 'REGISTERED_MODE',
    code: '',
  }
  if (input.kind === 'transaction')
    return { ...transaction, amount: input.amountFen ?? 10000, time_end: chinaIso(now) }
  return {
    ...transaction,
    refund_id: input.refundId ?? `50300${randomBytes(8).toString('hex')}`,
    pay_amount: input.payAmountFen ?? input.amountFen ?? 10000,
    refund_amount: input.amountFen ?? 10000,
    refund_time: chinaIso(now),
  }
}

/** A notice as WeChat Pay posts it: signed headers and the JSON body with the encrypted resource. */
export function buildNotice(
  keys: Pick<WxPayDemoKeys, 'apiV3Key' | 'publicKeyId' | 'privateKeyPem'>,
  input: NoticeInput,
  resource: Record<string, unknown> = noticeResource(input),
): { headers: Record<string, string>; body: string } {
  const now = input.nowMs ?? Date.now()
  const nonce = randomBytes(6).toString('hex')
  const associated = 'businesscircle'
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keys.apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associated, 'utf8'))
  const sealed = Buffer.concat([
    cipher.update(JSON.stringify(resource), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ])
  const body = JSON.stringify({
    id: input.noticeId ?? randomUUID(),
    create_time: chinaIso(now),
    resource_type: 'encrypt-resource',
    event_type: EVENT_TYPES[input.kind],
    summary: '商圈通知',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: sealed.toString('base64'),
      associated_data: associated,
      nonce,
    },
  })
  const timestamp = String(Math.floor(now / 1000))
  const headerNonce = randomBytes(16).toString('hex')
  return {
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': headerNonce,
      'wechatpay-serial': keys.publicKeyId,
      'wechatpay-signature': rsaSign(
        createPrivateKey(keys.privateKeyPem),
        noticeMessage(timestamp, headerNonce, body),
      ),
    },
    body,
  }
}

/**
 * A fake of WeChat Pay's API: answers 204 and records the request in the outbox (kind `wxpay`,
 * payload `{ url, headers, body }` with the body parsed), or fails as told.
 */
export function createWxPayFake(outbox: Outbox) {
  const failures: number[] = []
  const port: PayPort = async (request: PayRequest) => {
    const status = failures.shift()
    if (status !== undefined)
      return { status, body: JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统繁忙' }) }
    outbox.record(
      'wxpay',
      { url: request.url, headers: request.headers, body: JSON.parse(request.body) as unknown },
      { status: 204 },
    )
    return { status: 204, body: '' }
  }
  return {
    port,
    /** The next `count` calls answer `status` (500 unless said). */
    failNext(count: number, status = 500) {
      for (let i = 0; i < count; i++) failures.push(status)
    },
  }
}
