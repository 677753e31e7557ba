/**
 * The one client for cloud functions. weapp: `Taro.cloud.callFunction`; H5: POST to the local
 * cloud's HTTP endpoint. Whatever happens on the way, the caller gets a `Result`: a network
 * failure is `NETWORK`, an answer that is not a Result is `INTERNAL`. Inputs and answers are
 * typed by the function's contract (src/domain/contracts), which the function is checked
 * against too.
 */
import Taro from '@tarojs/taro'

import type { Contract, InputOf, OutputOf } from '@/domain/contracts/contract'
import { CONTRACTS, type Contracts, type FunctionName } from '@/domain/contracts'
import { fail, failAt, failScored, failUntil, isErrorCode, type Result } from '@/domain/errors'

export interface CloudEvent {
  action: string
  data?: object
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Reads an answer as `{ ok: true, data } | { ok: false, code, message, field?, retryAfter? }`. */
export function toResult<T>(raw: unknown): Result<T> {
  if (!isRecord(raw)) return fail('INTERNAL')
  if (raw.ok === true && 'data' in raw) return { ok: true, data: raw.data as T }
  if (raw.ok === false && isErrorCode(raw.code)) {
    // Note: the message shown is the local zh-CN text for the code, never server-provided text.
    const field = typeof raw.field === 'string' && raw.field !== '' ? raw.field : undefined
    const wait = raw.retryAfter
    if (raw.code === 'RECEIPT_ALREADY_SCORED' && Number.isSafeInteger(raw.amountFen))
      return failScored(raw.amountFen as number, field)
    if (typeof raw.at === 'string' && !Number.isNaN(Date.parse(raw.at)))
      return failAt(raw.code, raw.at, field)
    return typeof wait === 'number' && Number.isInteger(wait) && wait >= 0
      ? failUntil(raw.code, wait, field)
      : fail(raw.code, field)
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

/** The platform reached the function but it failed (WeChat: errCode -504002): not a network problem. */
function isFunctionFailure(error: unknown): boolean {
  return isRecord(error) && error.errCode === -504002
}

/** An action without input is called without arguments; one whose fields are all optional, with or without. */
type InputArgs<In> = [In] extends [Record<string, never>]
  ? []
  : Record<never, never> extends In
    ? [input?: In]
    : [input: In]

/** Calls `action` of cloud function `name` with `input`, as its contract declares them. */
export async function callAction<F extends FunctionName, A extends keyof Contracts[F] & string>(
  name: F,
  action: A,
  ...args: InputArgs<InputOf<Contracts[F][A]>>
): Promise<Result<OutputOf<Contracts[F][A]>>> {
  const [input] = args as unknown[]
  const event: CloudEvent = input === undefined ? { action } : { action, data: input as object }
  let raw: unknown
  try {
    raw = await transport(name, event)
  } catch (error) {
    return isFunctionFailure(error) ? fail('INTERNAL') : fail('NETWORK')
  }
  return raw === UNREADABLE ? fail('INTERNAL') : toResult(raw)
}

export type Client<C extends Contract> = {
  [A in keyof C]: (...args: InputArgs<InputOf<C[A]>>) => Promise<Result<OutputOf<C[A]>>>
}

/** One stable function per action of `name` (pages pass them to hooks as dependencies). */
export function clientOf<F extends FunctionName>(name: F): Client<Contracts[F]> {
  const actions = Object.keys(CONTRACTS[name]).map((action) => [
    action,
    (...args: unknown[]) => (callAction as (...a: unknown[]) => Promise<unknown>)(name, action, ...args),
  ])
  return Object.fromEntries(actions) as Client<Contracts[F]>
}
