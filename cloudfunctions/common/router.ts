/**
 * The one entry point shape of every cloud function (docs/architecture.md, "Calling a function"):
 * validate the event, take the caller from the platform, run one action, answer a Result.
 */
import * as cloud from 'wx-server-sdk'

import { errorSummary, fail, type Result } from './errors'

/** Who is calling, from the platform only (L-17). */
export interface Caller {
  openid: string
  appid?: string
  /** The platform's call source (`wx_client`, `wx_devtools`, local-cloud's `h5` …). */
  source?: string
}

export type Handler = (data: Record<string, unknown>, caller: Caller) => Promise<Result<unknown>>

export interface RouterOptions {
  /** Function name, for logs. */
  name: string
  /** Where the caller comes from; the real (or stand-in) `cloud.getWXContext` by default. */
  getContext?: () => { OPENID?: string; APPID?: string; SOURCE?: string }
}

export type Main = ((event: unknown, context?: unknown) => Promise<Result<unknown>>) & {
  /** The action names, so tests can walk every action (a new one cannot be forgotten). */
  readonly actions: readonly string[]
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const ACTION = /^[A-Za-z][A-Za-z0-9]{0,39}$/

/**
 * `handlers` maps action names to handlers. Only the event's `action` and `data` are read:
 * `userInfo` (which WeChat adds), `openid`, `memberId` and anything else are ignored.
 */
export function createRouter(handlers: Record<string, Handler>, options: RouterOptions): Main {
  const getContext = options.getContext ?? (() => cloud.getWXContext())
  // A plain map lookup could reach Object.prototype members such as `constructor`.
  const table = new Map(Object.entries(handlers))

  async function main(event: unknown): Promise<Result<unknown>> {
    if (!isPlainObject(event) || typeof event.action !== 'string') return fail('INVALID_ARGUMENT')
    const data = event.data ?? {}
    if (!isPlainObject(data)) return fail('INVALID_ARGUMENT', 'data')
    const handler = ACTION.test(event.action) ? table.get(event.action) : undefined
    if (!handler) return fail('UNKNOWN_ACTION')

    try {
      const context = getContext()
      const openid = typeof context?.OPENID === 'string' ? context.OPENID : ''
      if (openid === '') return fail('UNAUTHENTICATED')
      const caller: Caller = { openid }
      if (typeof context.APPID === 'string') caller.appid = context.APPID
      if (typeof context.SOURCE === 'string') caller.source = context.SOURCE
      return await handler(data, caller)
    } catch (error) {
      console.error(`[${options.name}] ${event.action} failed`, errorSummary(error))
      return fail('INTERNAL')
    }
  }
  return Object.assign(main, { actions: Object.freeze([...table.keys()]) })
}
