import { createRequire } from 'node:module'
import path from 'node:path'

/**
 * The real wx-server-sdk, with only its transport replaced.
 *
 * Every CloudBase call of wx-server-sdk → @cloudbase/node-sdk → @cloudbase/database ends in
 * `request(args)` of node-sdk's `utils/tcbapirequester` (database, functions.invokeFunction,
 * wx.openApi …), which signs `args.params` and POSTs them. That one function is wrapped: when
 * the SDK instance was created by a LocalCloud (its config carries LOCAL_CLOUD_KEY), the params
 * go to that cloud's wire handler instead of the network; any other instance is untouched.
 * Everything above the transport (query builder, serialisers, result shapes, errMsg strings,
 * error codes, runTransaction) is the real SDK code.
 */

/** Key in the SDK config that names the LocalCloud answering its requests. */
export const LOCAL_CLOUD_KEY = '__localCloudId'

/**
 * `env`: the environment the request names (`database({ env })`, or the instance's `init({ env })`);
 * undefined for the current or default environment (DYNAMIC_CURRENT_ENV, none given).
 */
export type WireHandler = (action: string, params: Record<string, unknown>, env?: string) => Promise<unknown>

/** The subset of the wx-server-sdk export local-cloud uses. */
export interface RealSdk {
  version: string
  DYNAMIC_CURRENT_ENV: symbol
  createNewInstance(config: Record<string | symbol, unknown>): SdkInstance
}

export interface SdkInstance {
  init(config?: Record<string, unknown>): void
  database(config?: Record<string, unknown>): unknown
  callFunction(options: Record<string, unknown>): Promise<unknown>
  openapi: unknown
  cloudPay: unknown
  [api: string]: unknown
}

interface RequestArgs {
  config?: Record<string, unknown>
  params: Record<string, unknown>
}

interface RequesterModule {
  request(args: RequestArgs): Promise<unknown>
}

type Patchable = Record<string, unknown>

// The path form escapes jest's moduleNameMapper (which maps the bare name to local-cloud/sdk.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const realSdk = require('wx-server-sdk/index.js') as RealSdk

const handlers = new Map<string, WireHandler>()

export function registerWireHandler(id: string, handler: WireHandler): void {
  handlers.set(id, handler)
}

export function unregisterWireHandler(id: string): void {
  handlers.delete(id)
}

// CommonJS everywhere local-cloud runs (jest, the esbuild bundle of `npm start`).
const resolver = createRequire(__filename)

/** Resolves the copies wx-server-sdk itself loads, in case npm nested a second one somewhere. */
function packageDir(name: string, from: string): string {
  return path.dirname(resolver.resolve(`${name}/package.json`, { paths: [from] }))
}

const sdkDir = path.dirname(resolver.resolve('wx-server-sdk/index.js'))
const nodeSdkDir = packageDir('@cloudbase/node-sdk', sdkDir)
const databaseDir = packageDir('@cloudbase/database', nodeSdkDir)

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requester = require(path.join(nodeSdkDir, 'dist/utils/tcbapirequester.js')) as RequesterModule
// eslint-disable-next-line @typescript-eslint/no-require-imports
const metadata = require(path.join(nodeSdkDir, 'dist/utils/metadata.js')) as Patchable
// eslint-disable-next-line @typescript-eslint/no-require-imports
const databaseQuery = require(path.join(databaseDir, 'dist/commonjs/query.js')) as {
  Query: { prototype: Patchable }
}

const PATCHED = Symbol.for('local-cloud.patched')

function localId(config: unknown): string | undefined {
  const id = (config as Record<string, unknown> | undefined)?.[LOCAL_CLOUD_KEY]
  return typeof id === 'string' ? id : undefined
}

/**
 * The environment of a request: node-sdk keeps it as `envName` in the instance config (a string,
 * or a symbol for the current / default environment, resolved only on the real transport).
 */
function envOf(config: unknown): string | undefined {
  const name = (config as Record<string, unknown> | undefined)?.envName
  return typeof name === 'string' && name !== '' ? name : undefined
}

function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

const flags = requester as unknown as Record<symbol, unknown>

if (!flags[PATCHED]) {
  const original = requester.request.bind(requester)
  requester.request = async (args: RequestArgs): Promise<unknown> => {
    const id = localId(args.config)
    if (id === undefined) return original(args)
    const handler = handlers.get(id)
    if (!handler)
      throw new Error('local-cloud: this LocalCloud is closed (was cloud.close() called too early?)')
    const { action, instance: _instance, database: _database, ...params } = args.params
    const env = envOf(args.config)
    if (action === 'wx.openApi' || action === 'wx.wxPayApi') return handler(String(action), params, env)
    // Other requests travel as JSON on the real wire; copying keeps that contract honest.
    return jsonCopy(await handler(String(action), jsonCopy(params), env))
  }
  flags[PATCHED] = true

  // node-sdk probes a cloud metadata host on init to detect Tencent Cloud; locally that is a
  // pointless network request that can outlive a test, and the answer is always "no".
  metadata.lookupAppId = async () => ''

  // @cloudbase/database sends where().update/remove/count of a transaction's collection outside
  // the transaction, silently. CloudBase transactions accept single-document operations only, so
  // local-cloud refuses them instead of letting such code pass locally.
  const proto = databaseQuery.Query.prototype
  for (const method of ['update', 'remove', 'count', 'updateAndReturn'] as const) {
    const originalMethod = proto[method] as (...args: unknown[]) => Promise<unknown>
    proto[method] = function (
      this: { _transactionId?: string; _db: { config: unknown } },
      ...args: unknown[]
    ) {
      if (this._transactionId && localId(this._db.config) !== undefined) {
        return Promise.resolve({
          code: 'INVALID_PARAM',
          message: `[InvalidParameter] transactions only support single-document operations; where().${method}() is not allowed in a transaction`,
          requestId: '',
        })
      }
      return originalMethod.apply(this, args)
    }
  }
}
