import './guard'
import { getWXContext as localGetWXContext, type WXContext } from './context'
import { LOCAL_CLOUD_KEY, realSdk, type SdkInstance } from './real-sdk'
import { resolveCloud, type CloudHandle } from './registry'

/**
 * Drop-in for `wx-server-sdk` (jest maps the name here; `npm start` swaps it in with a require
 * hook). Each call goes to the real wx-server-sdk code of the current LocalCloud, so results and
 * errors have the platform's shapes; getWXContext() answers per invocation.
 */

let initConfig: Record<string, unknown> | undefined

function notInitialised(): Error {
  // Same words as the real SDK's wrapCommonAPICheck.
  const error = new Error(
    "Cloud API isn't enabled, please call init first\n" +
      '请先调用 init 完成初始化后再调用其他云 API。init 方法可传入一个对象用于设置默认配置，详见文档。',
  ) as Error & { errCode: number; errMsg: string }
  error.errCode = -1
  error.errMsg = error.message
  return error
}

function api(): SdkInstance {
  if (!initConfig) throw notInitialised()
  return resolveCloud().sdk(initConfig)
}

/** Like the real init: the first call configures this process; later calls are ignored. */
export function init(config: Record<string, unknown> = {}): void {
  if (initConfig) return
  initConfig = { ...config }
}

export const DYNAMIC_CURRENT_ENV: symbol = realSdk.DYNAMIC_CURRENT_ENV
export const version: string = realSdk.version

export function getWXContext(): WXContext {
  return localGetWXContext()
}

/** Database members that are the same for every instance (command builders, constructors). */
const STATELESS = new Set(['command', 'serverDate', 'RegExp', 'Geo'])

let detached: Record<string, unknown> | undefined

/** A real SDK database bound to no cloud: only its stateless members are ever used. */
function detachedDatabase(settings: Record<string, unknown>): Record<string, unknown> {
  detached ??= realSdk.createNewInstance({ ...settings, [LOCAL_CLOUD_KEY]: 'detached' }).database() as Record<
    string,
    unknown
  >
  return detached
}

/**
 * Functions commonly call `cloud.database()` once at module load, before any LocalCloud exists
 * in a test file and across several clouds (one per test). The returned database therefore
 * resolves its cloud on each use: the invoking cloud inside an invocation, else the current one.
 */
export function database(config?: Record<string, unknown>): unknown {
  if (!initConfig) throw notInitialised()
  const settings = initConfig
  const perCloud = new WeakMap<CloudHandle, Record<string | symbol, unknown>>()
  const target = (): Record<string | symbol, unknown> => {
    const cloud = resolveCloud()
    let db = perCloud.get(cloud)
    if (!db) {
      db = cloud.sdk(settings).database(config) as Record<string | symbol, unknown>
      perCloud.set(cloud, db)
    }
    return db
  }
  return new Proxy(
    {},
    {
      get(_target, prop) {
        // `const _ = db.command` at module load must work before any cloud exists.
        if (typeof prop === 'string' && STATELESS.has(prop)) return detachedDatabase(settings)[prop]
        const db = target()
        const value = db[prop]
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(db) : value
      },
      has(_target, prop) {
        return prop in target()
      },
    },
  )
}

export function callFunction(options: Record<string, unknown>): Promise<unknown> {
  return api().callFunction(options)
}

/** Cloud storage, answered by the current LocalCloud's storage (local-cloud/storage.ts). */
function storage(name: string) {
  return (options: Record<string, unknown> = {}): Promise<unknown> => {
    if (!initConfig) return Promise.reject(notInitialised())
    return resolveCloud().storageCall(name, options)
  }
}

export const uploadFile = storage('uploadFile')
export const downloadFile = storage('downloadFile')
export const getTempFileURL = storage('getTempFileURL')
export const deleteFile = storage('deleteFile')

/** The real SDK's logger (CLS logging); locally it writes to the console. */
export function logger(): unknown {
  return (api().logger as () => unknown)()
}

/** A namespace resolved at call time (cloud.openapi.x.y(...), cloud.openapi({ appid })...). */
function lazyNamespace(name: 'openapi' | 'cloudPay'): Record<string, unknown> {
  const target = function () {}
  return new Proxy(target, {
    get(_target, prop) {
      return (api()[name] as Record<string | symbol, unknown>)[prop]
    },
    apply(_target, _this, args: unknown[]) {
      return (api()[name] as (...a: unknown[]) => unknown)(...args)
    },
  }) as unknown as Record<string, unknown>
}

export const openapi = lazyNamespace('openapi')
export const cloudPay = lazyNamespace('cloudPay')

const cloud = {
  init,
  DYNAMIC_CURRENT_ENV,
  version,
  getWXContext,
  database,
  callFunction,
  uploadFile,
  downloadFile,
  getTempFileURL,
  deleteFile,
  logger,
  openapi,
  cloudPay,
}

export default cloud
