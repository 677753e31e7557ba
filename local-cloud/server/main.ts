/**
 * `npm start`'s server: opens local-cloud in a data directory (the main environment and the key
 * environment, each its own SQLite file), loads the built functions with `wx-server-sdk` swapped
 * for the stand-in, and serves the H5 app and the local HTTP API.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { createKeyMigration } from '../../cloudfunctions/scheduler/migration'
import { manifest } from '../../database/manifest'
import { DEMO_PERSONAS, seedDemo, seedDemoDevice, seedDemoGate } from '../../database/seed'
import { createLocalCloud, DATABASE_FILES } from '../runtime'
import * as sdk from '../sdk'
import { createRequestHandler } from './app'
import { aliasWxServerSdk, asCommonJs, findFunctions, httpAccessFunctions, loadFunctions } from './functions'
import { resolveKeys, type KeysReport } from './keys'
import { createSessionStore } from './sessions'
import { demoSubscribeTemplates } from './templates'
import { resolveWxPayDemoKeys, WXPAY_DEMO_FILE, wxPayNoticeEnv } from '../wxpay'

/** Written into a data directory we created, so `npm run reset` knows what it may wipe. */
export const DATA_DIR_MARKER = '.local-cloud'
const PID_FILE = 'server.pid'
/** The main environment's id locally (what getWXContext().ENV answers). */
const LOCAL_ENV = 'local-cloud'

export interface ServerOptions {
  /** Repository root: dist-h5/ and cloudfunctions/ are found under it. */
  root: string
  dataDir: string
  port: number
  host?: string
  /** Install SIGINT/SIGTERM handlers that close the server and the database. */
  handleSignals?: boolean
  /** Progress lines; standard output by default. */
  say?: (line: string) => void
}

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
}

export class PortBusyError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is busy`)
  }
}

/** A start-up failure the operator can fix (a malformed key …): its message is the whole story. */
export class StartupError extends Error {}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(error.code === 'EADDRINUSE' ? new PortBusyError(port) : error)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  // Bind first: a busy port fails fast, before the database is touched. The URL is printed only
  // once booted, so the placeholder answer is rarely seen.
  let handle: RequestListener = (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' })
    res.end('local-cloud is starting')
  }
  const server = createServer((req, res) => handle(req, res))
  const port = await listen(server, options.port, host)
  try {
    return await boot(options, server, `http://${host}:${port}/`, port, (ready) => (handle = ready))
  } catch (error) {
    server.close()
    throw error
  }
}

async function boot(
  options: ServerOptions,
  server: Server,
  url: string,
  port: number,
  serve: (handler: RequestListener) => void,
): Promise<RunningServer> {
  const say = options.say ?? ((line: string) => process.stdout.write(line + '\n'))
  const root = path.resolve(options.root)
  const dataDir = path.resolve(options.dataDir)
  const shown = (p: string) => (p.startsWith(root + path.sep) ? path.relative(root, p) : p)

  const fresh = !existsSync(dataDir) || readdirSync(dataDir).length === 0
  mkdirSync(dataDir, { recursive: true })
  if (fresh) writeFileSync(path.join(dataDir, DATA_DIR_MARKER), 'local-cloud data directory\n')
  say(`local-cloud: data in ${shown(dataDir)}${fresh ? ' (new)' : ''}`)

  let keys: KeysReport
  try {
    keys = resolveKeys(dataDir)
  } catch (error) {
    throw new StartupError(`local-cloud: ${(error as Error).message}`)
  }
  for (const [name, value] of Object.entries(keys.keys)) process.env[name] = value
  if (keys.generated.length > 0)
    say(`local-cloud: generated local keys ${keys.generated.join(', ')} → ${shown(keys.file)}`)
  if (keys.fromEnv.length > 0) say(`local-cloud: keys from the environment: ${keys.fromEnv.join(', ')}`)
  if (!process.env.SUBSCRIBE_TEMPLATES) process.env.SUBSCRIBE_TEMPLATES = demoSubscribeTemplates()
  if (!process.env.WXPAY_APIV3_KEY) {
    // The demo stand-in for WeChat Pay's keys, for `npm run wxpay:replay` (local only).
    const wxpay = resolveWxPayDemoKeys(dataDir)
    Object.assign(process.env, wxPayNoticeEnv(wxpay.keys))
    if (wxpay.generated)
      say(`local-cloud: generated demo WeChat Pay keys → ${shown(path.join(dataDir, WXPAY_DEMO_FILE))}`)
  }
  const hadDatabase = existsSync(path.join(dataDir, DATABASE_FILES.main))
  if (hadDatabase && keys.generated.some((k) => k !== 'PI_MASTER_KEY_ID')) {
    console.warn(
      'local-cloud: new keys for existing data: identities stored before are unreadable (npm run reset)',
    )
  }

  const functionsRoot = path.join(root, 'cloudfunctions')
  const found = findFunctions(functionsRoot)
  if (found.unbuilt.length > 0) {
    console.warn(`local-cloud: not built, not served: ${found.unbuilt.join(', ')} (npm run build:functions)`)
  }
  const removeAlias = aliasWxServerSdk(asCommonJs(sdk as unknown as Record<string, unknown>))
  // Loaded now rather than on first call, so a broken bundle shows at start.
  const functions = loadFunctions(functionsRoot, found.built)

  // The functions read the key environment's id from PI_KEY_ENV, as on CloudBase; locally it
  // defaults to a second environment beside the main one.
  const keyEnv = process.env.PI_KEY_ENV?.trim() || `${LOCAL_ENV}-keys`
  if (keyEnv === LOCAL_ENV)
    throw new StartupError(`local-cloud: PI_KEY_ENV must not be ${LOCAL_ENV}, the main environment`)
  const cloud = createLocalCloud({ dataDir, manifest, functions, env: LOCAL_ENV, keyEnv })
  process.env.PI_KEY_ENV = cloud.keyEnv
  cloud.use()
  // The seed adds only missing documents: on the first run that is all of them.
  const added = await seedDemo(cloud.database(DB_OPTIONS), {
    keyDatabase: cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }),
    showcase: true,
  })
  if (added > 0) say(`local-cloud: ${hadDatabase ? '' : 'first run: '}seeded demo data (${added} documents)`)
  const demoPos = await seedDemoDevice(
    cloud.database(DB_OPTIONS),
    cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }),
  )
  if (demoPos)
    say(
      `local-cloud: DEMO POS of the demo store: device ${demoPos.deviceId}, DEMO secret ${demoPos.secret} ` +
        '(local key environment only; npm run device:push)',
    )
  const demoGate = await seedDemoGate(
    cloud.database(DB_OPTIONS),
    cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }),
  )
  // The demo sub-merchant of local-cloud's cloudPay fake (parking payments).
  if (!process.env.WXPAY_SUB_MCH_ID) process.env.WXPAY_SUB_MCH_ID = 'demo-sub-mch'
  // Data written before the key store (an older checkout's .data): its keys move now, as the
  // scheduler's sweep does on CloudBase.
  const migrated = await createKeyMigration({
    db: asDb(cloud.database(DB_OPTIONS)),
    keyDb: asDb(cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv })),
    clock: systemClock,
  }).run()
  if (migrated.moved > 0)
    say(`local-cloud: moved ${migrated.moved} data keys into the key environment (${cloud.keyEnv})`)

  const sessions = createSessionStore({
    staff: DEMO_PERSONAS,
    file: path.join(dataDir, 'sessions.sqlite'),
    legacyFile: path.join(dataDir, 'sessions.json'),
  })
  serve(
    createRequestHandler({
      cloud,
      functions: found.built,
      httpFunctions: httpAccessFunctions(functionsRoot, found.built),
      staticDir: path.join(root, 'dist-h5'),
      sessions,
      log: (line) => say(`  ${line}`),
      ...(demoGate ? { demoGate } : {}),
    }),
  )
  writeFileSync(path.join(dataDir, PID_FILE), String(process.pid))
  say(
    `local-cloud: functions ${found.built.join(', ') || '(none)'}; personas ${sessions.personas.join(', ')}`,
  )

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const force = setTimeout(() => server.closeAllConnections(), 2000)
      await closed
      clearTimeout(force)
      cloud.close()
      sessions.close()
      removeAlias()
      rmSync(path.join(dataDir, PID_FILE), { force: true })
    })())

  if (options.handleSignals) {
    let firstSignalAt = 0
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        // Note: Ctrl+C under `npm start` arrives twice (from the terminal and forwarded by npm);
        // only a deliberate second press forces the exit.
        if (Date.now() - firstSignalAt < 1000) return
        console.warn(`local-cloud: ${signal} again, exiting now`)
        process.exit(1)
      }
      firstSignalAt = Date.now()
      say(`local-cloud: ${signal}: closing the server and the database`)
      close().then(
        () => process.exit(0),
        (error) => {
          console.error('local-cloud: shutdown failed', error)
          process.exit(1)
        },
      )
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }
  return { url, port, close }
}
