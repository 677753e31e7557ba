#!/usr/bin/env node
// npm run test:e2e: start `npm start`'s server on a free port with a fresh data directory, run the
// browser tests (node --test) against it, stop it, and end with `N passed, N failed[, N skipped]`.
import { spawn } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { tapTotals, totalsLine } from '../../scripts/lib/totals.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '../..')
const RESULTS = path.join(ROOT, 'test-results')
const SERVER_LOG = path.join(RESULTS, 'e2e-server.log')
const TAP = path.join(RESULTS, 'e2e.tap')
// A cold start builds the H5 app first: minutes on a slow CI machine.
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT_MS || 10 * 60_000)

mkdirSync(RESULTS, { recursive: true })
rmSync(TAP, { force: true })
rmSync(path.join(RESULTS, 'screenshots'), { recursive: true, force: true })
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lc-e2e-'))
const serverLog = createWriteStream(SERVER_LOG)

const server = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
  cwd: ROOT,
  env: { ...process.env, PORT: '0', LC_DATA_DIR: dataDir },
  stdio: ['ignore', 'pipe', 'pipe'],
})
server.stdout.pipe(serverLog, { end: false })
server.stderr.pipe(serverLog, { end: false })
const serverExited = new Promise((resolve) => server.on('exit', (code, signal) => resolve(signal ?? code)))

function stopServer() {
  if (server.exitCode !== null || server.signalCode !== null) return serverExited
  server.kill('SIGTERM')
  const kill = setTimeout(() => server.kill('SIGKILL'), 10_000)
  return serverExited.finally(() => clearTimeout(kill))
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => stopServer().then(() => process.exit(130)))
}

function waitForUrl() {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    )
    server.stdout.on('data', (chunk) => {
      seen += chunk.toString()
      const match = /Ready: (http:\/\/\S+)/.exec(seen)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    serverExited.then((status) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${status}) before printing its URL`))
    })
  })
}

// `npm run test:e2e -- staff campaign` runs only the files whose names contain one of the words.
const only = process.argv.slice(2)

function runTests(baseUrl) {
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => only.length === 0 || only.some((word) => f.includes(word)))
    .sort()
    .map((f) => path.join(HERE, f))
  const child = spawn(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${TAP}`,
      ...files,
    ],
    { cwd: ROOT, env: { ...process.env, E2E_BASE_URL: baseUrl, E2E_DATA_DIR: dataDir }, stdio: 'inherit' },
  )
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)))
}

let exitCode = 1
try {
  console.log('Starting the local server (a cold start builds the H5 app first) …')
  const url = await waitForUrl()
  console.log(`Server ready at ${url} (data in ${dataDir})`)
  exitCode = await runTests(url)
} catch (error) {
  console.error(`e2e: ${error.message}; server log: ${path.relative(ROOT, SERVER_LOG)}`)
  console.error(readFileSync(SERVER_LOG, 'utf8').split('\n').slice(-40).join('\n'))
} finally {
  await stopServer()
  serverLog.end()
}

const totals = existsSync(TAP) ? tapTotals(TAP) : undefined
if (exitCode === 0 && totals && totals.failed === 0 && totals.passed > 0) {
  rmSync(dataDir, { recursive: true, force: true })
} else {
  exitCode = exitCode || 1
  console.error(`e2e: kept the data directory for inspection: ${dataDir}`)
}
if (totals) console.log(totalsLine(totals))
process.exit(exitCode)
