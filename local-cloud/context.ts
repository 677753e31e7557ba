import { AsyncLocalStorage } from 'node:async_hooks'

/** What the platform knows about one function invocation. */
export interface InvocationContext {
  /** The LocalCloud running the invocation (a test may hold several). */
  cloudId: string
  functionName: string
  requestId: string
  OPENID?: string
  APPID?: string
  UNIONID?: string
  ENV: string
  SOURCE: string
}

export interface WXContext {
  OPENID?: string
  APPID?: string
  UNIONID?: string
  ENV?: string
  SOURCE?: string
}

const storage = new AsyncLocalStorage<InvocationContext>()

export function runInInvocation<T>(context: InvocationContext, fn: () => T): T {
  return storage.run(context, fn)
}

export function currentInvocation(): InvocationContext | undefined {
  return storage.getStore()
}

/**
 * cloud.getWXContext(): the caller of the current invocation. Outside an invocation the real
 * SDK finds no WX_CONTEXT_KEYS in the environment and returns an empty object; so does this.
 */
export function getWXContext(): WXContext {
  const context = storage.getStore()
  if (!context) return {}
  const out: WXContext = {}
  if (context.OPENID !== undefined) out.OPENID = context.OPENID
  if (context.APPID !== undefined) out.APPID = context.APPID
  if (context.UNIONID !== undefined) out.UNIONID = context.UNIONID
  out.ENV = context.ENV
  out.SOURCE = context.SOURCE
  return out
}
