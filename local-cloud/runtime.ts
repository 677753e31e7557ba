import './guard'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { currentInvocation, runInInvocation, type InvocationContext } from './context'
import { DatabaseEngine, seededRandom, yieldToEventLoop, type TransactionStepHook } from './engine'
import { validateManifest, type Manifest, type ManifestEnv } from './manifest'
import { CloudPayFake } from './cloudpay'
import { OpenApiFakes, Outbox } from './openapi'
import { plan } from './planner'
import {
  LOCAL_CLOUD_KEY,
  realSdk,
  registerWireHandler,
  unregisterWireHandler,
  type SdkInstance,
} from './real-sdk'
import { registerCloud, setCurrentCloud, unregisterCloud } from './registry'
import { CloudStorage, FILE_NOT_FOUND, StorageError } from './storage'
import { Store } from './store'
import { nestedDeeperThan } from '../src/domain/input'

export type { Manifest } from './manifest'
export type { OutboxItem, OutboxKind } from './openapi'
export type { WXContext } from './context'
export type { TransactionStep, TransactionStepHook } from './engine'

/* eslint-disable @typescript-eslint/no-explicit-any -- function modules take and return arbitrary JSON */
export interface FunctionModule {
  main: (event: any, context: any) => any
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export type FunctionLoader = () => FunctionModule

/**
 * Sees each wire request before it is answered (benchmarks count database operations). `env` is
 * the environment the request names; undefined: the main one.
 */
export type WireListener = (action: string, params: Record<string, unknown>, env?: string) => void

/** The real SDK's database type (from wx-server-sdk's typings), so services accept either. */
export type WxDatabase = ReturnType<typeof import('wx-server-sdk').database>

export interface LocalCloudOptions {
  /** Directory for the SQLite files (one per environment); absent: in-memory databases. */
  dataDir?: string
  manifest?: Manifest
  functions?: Record<string, FunctionLoader>
  /** Number answered by openapi.phonenumber.getPhoneNumber (default 13800138000). */
  phoneNumber?: string
  /** Environment id reported by getWXContext().ENV (default "local-cloud"). */
  env?: string
  /**
   * Id of the key environment (what `PI_KEY_ENV` names): a second environment of the same
   * account with its own database, holding the manifest's `env: 'keys'` collections. Default
   * `<env>-keys`. `database({ env })` with any other id fails as for a non-existent environment.
   */
  keyEnv?: string
  appId?: string
  /**
   * For tests: `get()` without `orderBy` answers its documents shuffled, as CloudBase promises no
   * order for it. A number is the seed; `true` takes it from LOCAL_CLOUD_SHUFFLE_SEED, else a
   * random one. The same seed and the same calls give the same orders (`cloud.shuffleSeed`).
   */
  shuffleUnordered?: boolean | number
}

/** The seed `shuffleUnordered: true` uses. */
function shuffleSeedOf(option: boolean | number | undefined): number | undefined {
  if (typeof option === 'number') return option >>> 0
  if (!option) return undefined
  const fromEnv = Number(process.env.LOCAL_CLOUD_SHUFFLE_SEED)
  return Number.isInteger(fromEnv) && process.env.LOCAL_CLOUD_SHUFFLE_SEED !== ''
    ? fromEnv >>> 0
    : Math.floor(Math.random() * 2 ** 32)
}

/** Who calls a function: what the platform would put in getWXContext(). */
export interface CallerContext {
  OPENID: string
  APPID?: string
  UNIONID?: string
  /** Default "wx_client" (a mini-program user). */
  SOURCE?: string
}

/** The `context` argument of main(event, context), as SCF passes it (the commonly used part). */
export interface ScfContext {
  request_id: string
  function_name: string
  function_version: string
  namespace: string
  memory_limit_in_mb: number
  time_limit_in_ms: number
  tencentcloud_region: string
  callbackWaitsForEmptyEventLoop: boolean
}

/** The call source local-cloud gives the payment platform's callbacks (not a WeChat user). */
export const PAY_CALLBACK_SOURCE = 'wxpay_callback'

/** Errors of invoke() itself, shaped like the client's `wx.cloud.callFunction` failures. */
export class InvokeError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(errMsg)
  }
}

export const MAX_FUNCTION_RESULT_BYTES = 1024 * 1024

/**
 * Events nested deeper than this are refused by invoke(): the JSON crossing below is recursive
 * and would overflow the stack. CloudBase documents sizes for events, no nesting limit (see the
 * README); the functions' own router refuses far shallower events (32 levels).
 */
export const MAX_EVENT_NESTING = 1000

/** SQLite file of each environment inside the data directory. */
export const DATABASE_FILES: Record<'main' | ManifestEnv, string> = {
  main: 'local-cloud.sqlite',
  keys: 'local-cloud-keys.sqlite',
}

interface EnvDatabase {
  store: Store
  engine: DatabaseEngine
}

/**
 * The answer of CloudBase for a request naming an environment that does not exist. The code is
 * the one wx-server-sdk's error table maps to -501005 "invalid env" (its key spells it so).
 */
function invalidEnv(env: string): Record<string, unknown> {
  return {
    code: 'INVALIID_ENV',
    message: `[InvalidParameter] env "${env}" does not exist in this account (local-cloud knows the main and the key environment)`,
    requestId: randomUUID(),
  }
}

const FUNCTION_NOT_FOUND = (name: string) =>
  `[ResourceNotFound.FunctionName] FunctionName parameter could not be found (local-cloud has no function "${name}")`

/** Function results cross the platform as JSON: dates become strings, undefined becomes null. */
function serialiseResult(result: unknown): { value: unknown; text: string } {
  const text = JSON.stringify(result) ?? 'null'
  if (Buffer.byteLength(text) > MAX_FUNCTION_RESULT_BYTES) {
    throw new InvokeError(
      -604001,
      'cloud.callFunction:fail -604001 cloudfunction result size exceed limit (1MB)',
    )
  }
  return { value: JSON.parse(text) as unknown, text }
}

export class LocalCloud {
  readonly id = randomUUID()
  readonly env: string
  /** The key environment's id (`PI_KEY_ENV`). */
  readonly keyEnv: string
  readonly appId: string
  /** The seed of the order of unordered `get()` results; undefined: not shuffled. */
  readonly shuffleSeed: number | undefined
  readonly outbox = new Outbox()
  /** Cloud storage of the main environment (files under `storage/<env>/` of the data directory). */
  readonly storage: CloudStorage
  /** The fake of `cloud.cloudPay`: its orders, and `payOrder` the fake payment step. */
  readonly cloudPay: CloudPayFake
  /** One separate SQLite database per environment: main first, then the key environment. */
  private readonly databases = new Map<string, EnvDatabase>()
  private readonly fakes: OpenApiFakes
  private readonly functions = new Map<string, { loader: FunctionLoader; module?: FunctionModule }>()
  private readonly sdkInstances = new WeakMap<object, SdkInstance>()
  private readonly defaultInit: Record<string, unknown>
  private readonly wireListeners = new Set<WireListener>()
  private closed = false

  constructor(options: LocalCloudOptions = {}) {
    // Before anything is opened or registered: a bad manifest must not leak a database.
    if (options.manifest) validateManifest(options.manifest)
    this.env = options.env ?? 'local-cloud'
    this.keyEnv = options.keyEnv ?? `${this.env}-keys`
    if (this.keyEnv === this.env)
      throw new Error('local-cloud: the key environment must differ from the main one')
    this.appId = options.appId ?? 'wx0000000000000000'
    if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true })
    const file = (role: keyof typeof DATABASE_FILES) =>
      options.dataDir ? path.join(options.dataDir, DATABASE_FILES[role]) : undefined
    this.shuffleSeed = shuffleSeedOf(options.shuffleUnordered)
    for (const [env, role, stream] of [
      [this.env, 'main', 0],
      [this.keyEnv, 'keys', 1],
    ] as const) {
      const store = new Store(file(role))
      const shuffle = this.shuffleSeed === undefined ? undefined : seededRandom(this.shuffleSeed + stream)
      this.databases.set(env, { store, engine: new DatabaseEngine(store, env, { shuffle }) })
    }
    this.storage = new CloudStorage(this.env, options.dataDir)
    this.fakes = new OpenApiFakes(this.outbox, {
      appId: this.appId,
      env: this.env,
      phoneNumber: options.phoneNumber ?? '13800138000',
    })
    this.cloudPay = new CloudPayFake(this.outbox, this.appId)
    this.defaultInit = { env: this.env }
    for (const [name, loader] of Object.entries(options.functions ?? {})) this.register(name, loader)
    registerWireHandler(this.id, (action, params, env) => this.wire(action, params, env))
    registerCloud(this)
    if (options.manifest) this.applyManifest(options.manifest)
  }

  /** The raw better-sqlite3 handle of the main environment (benchmarks, index inspection). */
  get sqlite(): BetterSqlite3.Database {
    return this.storeOf(this.env).sqlite
  }

  /** The raw better-sqlite3 handle of an environment (the main one or `keyEnv`). */
  sqliteOf(env: string): BetterSqlite3.Database {
    return this.storeOf(env).sqlite
  }

  /** Ids of the environments this cloud has: the main one, then the key environment. */
  envs(): string[] {
    return [...this.databases.keys()]
  }

  /** The environment id of a manifest collection: `keyEnv` for `env: 'keys'`, else the main one. */
  envOf(collection: { env?: ManifestEnv }): string {
    return collection.env === 'keys' ? this.keyEnv : this.env
  }

  /** Creates the manifest's collections and their indexes, each in its environment (idempotent). */
  applyManifest(manifest: Manifest): void {
    validateManifest(manifest)
    for (const collection of manifest.collections) {
      const store = this.storeOf(this.envOf(collection))
      store.createCollection(collection.name)
      for (const index of collection.indexes ?? []) store.ensureIndex(collection.name, index)
    }
  }

  /** Like the console's "add collection"; false when it already exists. */
  createCollection(name: string, env: string = this.env): boolean {
    return this.storeOf(env).createCollection(name)
  }

  collectionNames(env: string = this.env): string[] {
    return this.storeOf(env).collectionNames()
  }

  /**
   * SQLite's plan for the candidate rows of a where() query (after the SDK's serialisation,
   * e.g. `{ 'p.level': 2 }`): shows whether a manifest index narrows it or the table is scanned.
   */
  explain(collection: string, query: Record<string, unknown>, env: string = this.env): string[] {
    const store = this.storeOf(env)
    const { sql, params } = store.scanQuery(collection, plan(query, store.indexes(collection)))
    const rows = store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{
      detail: string
    }>
    return rows.map((row) => row.detail)
  }

  /** A real wx-server-sdk instance whose requests this cloud answers. */
  sdk(initConfig: Record<string, unknown> = this.defaultInit): SdkInstance {
    this.assertOpen()
    let instance = this.sdkInstances.get(initConfig)
    if (!instance) {
      instance = realSdk.createNewInstance({ ...initConfig, [LOCAL_CLOUD_KEY]: this.id })
      this.sdkInstances.set(initConfig, instance)
    }
    return instance
  }

  /**
   * `cloud.database(config)` of the real SDK, backed by this cloud: the main environment, or
   * with `{ env: cloud.keyEnv }` the key environment's separate database.
   */
  database(config?: { env?: string; throwOnNotFound?: boolean }): WxDatabase {
    return this.sdk().database(config) as WxDatabase
  }

  register(name: string, loader: FunctionLoader): void {
    this.functions.set(name, { loader })
  }

  /** The number openapi.phonenumber.getPhoneNumber answers, for one code or for all codes. */
  setPhoneNumber(phoneNumber: string, code?: string): void {
    this.fakes.setPhoneNumber(phoneNumber, code)
  }

  /**
   * Runs a function as the platform does for a mini-program call: the event crosses as JSON
   * (with `userInfo` injected), getWXContext() answers the caller, the result crosses as JSON
   * and is capped at 1 MB. Exceptions of main() are rethrown as they are; an event nested
   * deeper than MAX_EVENT_NESTING levels is refused (InvokeError -501007) before it is copied.
   */
  async invoke(name: string, event: unknown, caller: CallerContext): Promise<unknown> {
    this.assertOpen()
    if (nestedDeeperThan(event, MAX_EVENT_NESTING)) {
      throw new InvokeError(
        -501007,
        `cloud.callFunction:fail -501007 invalid parameters. event nested deeper than ${MAX_EVENT_NESTING} levels (local-cloud)`,
      )
    }
    const source = caller.SOURCE ?? 'wx_client'
    const appId = caller.APPID ?? this.appId
    const data = (JSON.parse(JSON.stringify(event ?? {})) ?? {}) as Record<string, unknown>
    if (source.split(',')[0].startsWith('wx_')) data.userInfo = { appId, openId: caller.OPENID }
    const result = await this.run(name, data, {
      OPENID: caller.OPENID,
      APPID: appId,
      UNIONID: caller.UNIONID,
      SOURCE: source,
    })
    return serialiseResult(result).value
  }

  /**
   * wx-server-sdk's storage calls (`uploadFile`, `downloadFile`, `getTempFileURL`, `deleteFile`)
   * with the SDK's answers; a file uploaded from a function is owned by the invocation's user.
   */
  async storageCall(name: string, options: Record<string, unknown>): Promise<unknown> {
    this.assertOpen()
    await yieldToEventLoop()
    const fail = (text: string) => {
      const error = new Error(`${name}:fail ${text}`) as Error & { errCode: number; errMsg: string }
      error.errCode = -1
      error.errMsg = error.message
      return error
    }
    const list = () => (Array.isArray(options.fileList) ? (options.fileList as unknown[]) : undefined)
    if (name === 'uploadFile') {
      const content = options.fileContent
      if (typeof options.cloudPath !== 'string' || !(Buffer.isBuffer(content) || typeof content === 'string'))
        throw fail('invalid parameters: cloudPath and fileContent (Buffer) are required')
      try {
        const file = this.storage.upload(
          options.cloudPath,
          Buffer.from(content),
          currentInvocation()?.OPENID ?? '',
        )
        return { fileID: file.fileID, statusCode: 200, errMsg: 'uploadFile:ok' }
      } catch (error) {
        if (error instanceof StorageError) throw fail(error.code)
        throw error
      }
    }
    if (name === 'downloadFile') {
      const content = typeof options.fileID === 'string' ? this.storage.read(options.fileID) : undefined
      if (!content) throw fail(FILE_NOT_FOUND)
      return { fileContent: Buffer.from(content), statusCode: 200, errMsg: 'downloadFile:ok' }
    }
    if (name === 'getTempFileURL') {
      const files = list()
      if (!files) throw fail('invalid parameters: fileList is required')
      return {
        fileList: files.map((item) => {
          const { fileID, maxAge } = (typeof item === 'string' ? { fileID: item } : item) as {
            fileID: string
            maxAge?: number
          }
          const url = typeof fileID === 'string' ? this.storage.tempUrl(fileID, maxAge) : undefined
          return url
            ? { fileID, tempFileURL: url, maxAge: maxAge ?? 86400, status: 0, errMsg: 'ok' }
            : { fileID, tempFileURL: '', status: -1, errMsg: FILE_NOT_FOUND }
        }),
        errMsg: 'getTempFileURL:ok',
      }
    }
    if (name === 'deleteFile') {
      const files = list()
      if (!files) throw fail('invalid parameters: fileList is required')
      return {
        fileList: files.map((fileID) =>
          typeof fileID === 'string' && this.storage.delete(fileID)
            ? { fileID, status: 0, errMsg: 'ok' }
            : { fileID, status: -1, errMsg: FILE_NOT_FOUND },
        ),
        errMsg: 'deleteFile:ok',
      }
    }
    throw fail(`local-cloud does not implement ${name}`)
  }

  /**
   * The fake payment step: the payer paid the cloudPay order `outTradeNo`; its result reaches the
   * order's callback function `times` times, as WeChat Pay calls it (no WeChat user). False for
   * an unknown, closed or refunded order.
   */
  payOrder(outTradeNo: string, times = 1): Promise<boolean> {
    return this.cloudPay.complete(
      outTradeNo,
      (name, event) => this.invoke(name, event, { OPENID: '', SOURCE: PAY_CALLBACK_SOURCE }),
      times,
    )
  }

  /** Makes this the cloud behind `wx-server-sdk` (local-cloud/sdk.ts). */
  use(): this {
    this.assertOpen()
    setCurrentCloud(this)
    return this
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    unregisterWireHandler(this.id)
    unregisterCloud(this)
    for (const { engine, store } of this.databases.values()) {
      engine.close()
      store.close()
    }
  }

  /** Calls `listener` for every wire request from now on; answers a function that stops it. */
  onWire(listener: WireListener): () => void {
    this.wireListeners.add(listener)
    return () => {
      this.wireListeners.delete(listener)
    }
  }

  /**
   * Calls `hook` after each step of every transaction in every environment (start, each
   * operation, commit, abort), and lets the step answer only when the hook is done: a test runs
   * competing work between two steps. Answers a function that stops it.
   */
  onTransactionStep(hook: TransactionStepHook): () => void {
    const stops = [...this.databases.values()].map(({ engine }) => engine.onTransactionStep(hook))
    return () => {
      for (const stop of stops) stop()
    }
  }

  /**
   * The wire-level entry: one CloudBase API request (`action` plus its params as the SDK sends
   * them, `env` the environment it names; undefined: the main one) → the response body. Plain
   * JSON in and out except `wx.openApi` (protobuf buffers).
   */
  async wire(action: string, params: Record<string, unknown>, env?: string): Promise<unknown> {
    if (this.closed) throw new Error('local-cloud: LocalCloud is closed')
    for (const listener of this.wireListeners) listener(action, params, env)
    if (action.startsWith('database.')) {
      const database = this.databases.get(env ?? this.env)
      if (!database) {
        await yieldToEventLoop()
        return invalidEnv(String(env))
      }
      const answer = await database.engine.handle(action, params)
      if (!currentInvocation()) this.checkpointAfterErasures()
      return answer
    }
    if (action === 'functions.invokeFunction') return this.invokeFromFunction(params)
    if (action === 'wx.openApi') {
      await yieldToEventLoop()
      const data = params.requestData
      const buffer = Buffer.isBuffer(data) ? data : Buffer.from(String(data ?? ''), 'base64')
      return this.fakes.handle(String(params.apiName), buffer)
    }
    if (action === 'wx.wxPayApi') {
      await yieldToEventLoop()
      const data = params.requestData
      const buffer = Buffer.isBuffer(data) ? data : Buffer.from(String(data ?? ''), 'base64')
      return this.cloudPay.handle(String(params.apiName), buffer)
    }
    return {
      code: 'INVALID_PARAM',
      message: `[InvalidParameter] local-cloud does not implement ${action}`,
      requestId: randomUUID(),
    }
  }

  private storeOf(env: string): Store {
    const database = this.databases.get(env)
    if (!database) throw new Error(`local-cloud: no environment "${env}" (${this.envs().join(', ')})`)
    return database.store
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('local-cloud: LocalCloud is closed')
  }

  private load(name: string): FunctionModule | undefined {
    const entry = this.functions.get(name)
    if (!entry) return undefined
    if (!entry.module) entry.module = entry.loader()
    return entry.module
  }

  private async run(
    name: string,
    event: Record<string, unknown>,
    caller: Pick<InvocationContext, 'OPENID' | 'APPID' | 'UNIONID' | 'SOURCE'>,
  ): Promise<unknown> {
    const fn = this.load(name)
    if (!fn) throw new InvokeError(-501000, `cloud.callFunction:fail -501000 ${FUNCTION_NOT_FOUND(name)}`)
    const requestId = randomUUID()
    const invocation: InvocationContext = {
      cloudId: this.id,
      functionName: name,
      requestId,
      ENV: this.env,
      ...caller,
    }
    const context: ScfContext = {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: this.env,
      memory_limit_in_mb: 256,
      time_limit_in_ms: 3000,
      tencentcloud_region: 'ap-shanghai',
      callbackWaitsForEmptyEventLoop: false,
    }
    await yieldToEventLoop()
    try {
      return await runInInvocation(invocation, async () => fn.main(event, context))
    } finally {
      this.checkpointAfterErasures()
    }
  }

  /**
   * What a function deleted leaves no earlier copy in the data directory once it has answered
   * (Store.checkpointAfterErasure), also after a kill -9; writes outside any invocation (tests,
   * scripts) are checkpointed one by one.
   */
  private checkpointAfterErasures(): void {
    if (this.closed) return
    for (const { store } of this.databases.values()) store.checkpointAfterErasure()
  }

  /** cloud.callFunction from inside a function: the callee sees the same user. */
  private async invokeFromFunction(params: Record<string, unknown>): Promise<unknown> {
    const name = String(params.function_name ?? '')
    const requestId = randomUUID()
    if (!this.functions.has(name)) {
      return { code: 'FUNCTIONS_EXECUTE_FAIL', message: FUNCTION_NOT_FOUND(name), requestId }
    }
    const parent = currentInvocation()
    let event: Record<string, unknown> = {}
    if (typeof params.request_data === 'string' && params.request_data !== '') {
      event = JSON.parse(params.request_data) as Record<string, unknown>
    }
    try {
      const result = await this.run(name, event, {
        OPENID: parent?.OPENID,
        APPID: parent?.APPID,
        UNIONID: parent?.UNIONID,
        SOURCE: parent ? `${parent.SOURCE.replace(/,scf$/, '')},scf` : 'scf',
      })
      return { requestId, data: { response_data: serialiseResult(result).text } }
    } catch (error) {
      const message =
        error instanceof InvokeError
          ? error.errMsg.replace(/^cloud\.callFunction:fail /, '')
          : `Error: ${(error as Error)?.message ?? String(error)}`
      return { code: 'FUNCTIONS_EXECUTE_FAIL', message, requestId }
    }
  }
}

export function createLocalCloud(options: LocalCloudOptions = {}): LocalCloud {
  return new LocalCloud(options)
}
