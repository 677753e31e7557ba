/**
 * WeChat Pay's merchant configuration, from function environment variables (docs/deployment.md
 * "WeChat Pay 智慧商圈"): never in the database, never in the repository.
 *
 * - `WXPAY_MCHID`, `WXPAY_APPID` (the mini-program's AppID the 商圈 is bound to), `WXPAY_SUB_MCHID`
 *   (service-provider mode only);
 * - `WXPAY_APIV3_KEY`: the 32-character APIv3 key (notices' resources);
 * - `WXPAY_PUBLIC_KEY_ID` + `WXPAY_PUBLIC_KEY` (PEM): the WeChat Pay public key notices are
 *   verified with;
 * - `WXPAY_MERCHANT_SERIAL` + `WXPAY_MERCHANT_KEY` (PEM): the merchant certificate's serial and
 *   private key that sign the calls to WeChat Pay;
 * - `WXPAY_BRAND_ID`: the 商圈 brand id the parking sync names (`brandid`); without it, or
 *   without the WeChat Pay public key above, parking items are not sent (they end `failed`);
 * - `WXPAY_API_BASE`: where the calls go (`https://api.mch.weixin.qq.com` unless set).
 * PEM values may hold `\n` for their line breaks (the console's variables are one line).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'

export const WXPAY_API_BASE = 'https://api.mch.weixin.qq.com'

export interface NoticeKeys {
  apiV3Key: Buffer
  platformKeys: ReadonlyMap<string, KeyObject>
}

export interface CallerKeys {
  mchid: string
  appid: string
  subMchid?: string
  serialNo: string
  privateKey: KeyObject
  apiBase: string
  /** The 商圈 brand id (`brandid` of the parking sync). */
  brandId?: number
  /** The WeChat Pay public key sensitive fields are encrypted with, and its id. */
  platformKey?: { serial: string; key: KeyObject }
}

type Env = Record<string, string | undefined>

const pem = (value: string) => value.replace(/\\n/g, '\n')

function required(env: Env, name: string): string {
  const value = env[name]?.trim()
  if (!value) throw new Error(`wxpay: ${name} is not set`)
  return value
}

/** What verifies and decrypts notices. Throws naming the missing variable. */
export function noticeKeysFromEnv(env: Env = process.env): NoticeKeys {
  const apiV3Key = Buffer.from(required(env, 'WXPAY_APIV3_KEY'), 'utf8')
  if (apiV3Key.length !== 32) throw new Error('wxpay: WXPAY_APIV3_KEY is not 32 bytes')
  const platformKeys = new Map([
    [required(env, 'WXPAY_PUBLIC_KEY_ID'), createPublicKey(pem(required(env, 'WXPAY_PUBLIC_KEY')))],
  ])
  return { apiV3Key, platformKeys }
}

/** What signs the calls to WeChat Pay. Throws naming the missing variable. */
export function callerKeysFromEnv(env: Env = process.env): CallerKeys {
  const subMchid = env.WXPAY_SUB_MCHID?.trim()
  const brand = env.WXPAY_BRAND_ID?.trim()
  if (brand && !/^\d{1,12}$/.test(brand)) throw new Error('wxpay: WXPAY_BRAND_ID is not a number')
  const serial = env.WXPAY_PUBLIC_KEY_ID?.trim()
  const publicKey = env.WXPAY_PUBLIC_KEY?.trim()
  return {
    ...(brand ? { brandId: Number(brand) } : {}),
    ...(serial && publicKey ? { platformKey: { serial, key: createPublicKey(pem(publicKey)) } } : {}),
    mchid: required(env, 'WXPAY_MCHID'),
    appid: required(env, 'WXPAY_APPID'),
    ...(subMchid ? { subMchid } : {}),
    serialNo: required(env, 'WXPAY_MERCHANT_SERIAL'),
    privateKey: createPrivateKey(pem(required(env, 'WXPAY_MERCHANT_KEY'))),
    apiBase: env.WXPAY_API_BASE?.trim() || WXPAY_API_BASE,
  }
}
