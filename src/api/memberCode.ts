/**
 * The member code on the phone (issue #11): the secret the server issued is kept in the
 * mini-program's storage so the code keeps turning offline (a basement car park). The secret
 * comes from the server's random generator: crypto-js's own throws in WeChat.
 */
import Taro from '@tarojs/taro'
import type { MemberCodeSecret } from '@/domain/contracts/memberCode'
import { hexToBytes, memberCodeToken } from '@/domain/points/memberCode'
import { cryptoJsHmacSha1 } from './hmacSha1'

const STORAGE_KEY = 'member-code'

/** The token to show at `nowMs`. */
export function tokenOf(code: MemberCodeSecret, nowMs: number): string {
  return memberCodeToken(code.codeId, cryptoJsHmacSha1, hexToBytes(code.secret), nowMs)
}

function isSecret(value: unknown): value is MemberCodeSecret {
  const v = value as Partial<MemberCodeSecret> | null
  return typeof v?.codeId === 'string' && typeof v.secret === 'string' && /^[0-9a-f]{40}$/.test(v.secret)
}

export function storedCode(): MemberCodeSecret | null {
  try {
    const value: unknown = Taro.getStorageSync(STORAGE_KEY)
    return isSecret(value) ? value : null
  } catch (_error) {
    return null
  }
}

export function storeCode(code: MemberCodeSecret): void {
  Taro.setStorageSync(STORAGE_KEY, code)
}
