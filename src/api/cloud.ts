/**
 * The one client for cloud functions. weapp: `Taro.cloud.callFunction`; H5: POST to the local
 * cloud's HTTP endpoint. Whatever happens on the way, the caller gets a `Result`: a network
 * failure is `NETWORK`, an answer that breaks the contract is `INTERNAL`.
 */
import Taro from '@tarojs/taro'
import { fail, isErrorCode, type Result } from '@/domain/errors'
import { isRecord, isString, type Guard } from './guards'

export type FunctionName = 'member'

export interface CloudEvent {
  action: string
  data?: object
}

/** Checks an answer against `{ ok: true, data } | { ok: false, code, message, field? }`. */
export function toResult<T>(raw: unknown, guard?: Guard<T>): Result<T> {
  if (!isRecord(raw)) return fail('INTERNAL')
  if (raw.ok === true && 'data' in raw) {
    return guard && !guard(raw.data) ? fail('INTERNAL') : { ok: true, data: raw.data as T }
  }
  if (raw.ok === false && isErrorCode(raw.code)) {
    // Note: the message shown is the local zh-CN text for the code, never server-provided text.
    return fail(raw.code, isString(raw.field) && raw.field !== '' ? raw.field : undefined)
  }
  return fail('INTERNAL')
}

/** What a transport returns when an answer arrived but cannot be read. */
const UNREADABLE = Symbol('unreadable answer')

async function callWeapp(name: FunctionName, event: CloudEvent): Promise<unknown> {
  const { result } = await Taro.cloud.callFunction({ name, data: event })
  return result
}

async function callHttp(name: FunctionName, event: CloudEvent): Promise<unknown> {
  const response = await fetch(`/api/functions/${name}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(event),
  })
  try {
    return await response.json()
  } catch (_error) {
    // A gateway error page instead of JSON means the server was not reached.
    if (!response.ok) throw new TypeError(`HTTP ${response.status}`)
    return UNREADABLE
  }
}

const transport = process.env.TARO_ENV === 'weapp' ? callWeapp : callHttp

/** Calls `action` of cloud function `name`; `guard` checks the answer's `data`. */
export async function callFunction<T>(
  name: FunctionName,
  action: string,
  data?: object,
  guard?: Guard<T>,
): Promise<Result<T>> {
  const event: CloudEvent = data === undefined ? { action } : { action, data }
  let raw: unknown
  try {
    raw = await transport(name, event)
  } catch (error) {
    return isFunctionFailure(error) ? fail('INTERNAL') : fail('NETWORK')
  }
  return raw === UNREADABLE ? fail('INTERNAL') : toResult(raw, guard)
}

/** The platform reached the function but it failed (WeChat: errCode -504002): not a network problem. */
function isFunctionFailure(error: unknown): boolean {
  return isRecord(error) && error.errCode === -504002
}
