#!/usr/bin/env node
// npm start: build what is stale, then serve the H5 app against local-cloud with demo data.
//   PORT (default 10086; 0 picks a free one), LC_DATA_DIR (default .data), --rebuild forces builds.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { buildIfStale, functionSources, ROOT, seconds, targets } from './lib/builds.mjs'
import { bundleServer, SERVER_BUNDLE } from './lib/server-bundle.mjs'

const DEFAULT_PORT = 10086
const HOST = '127.0.0.1'

function fail(message) {
  console.error(`\n${message}\n`)
  process.exit(1)
}

const portBusy = (port) =>
  `Port ${port} is already in use — is another \`npm start\` running?\n` +
  `Stop it, or choose another port: PORT=${port + 1} npm start`

/** Fails before any build when the port is taken (the server binds it again after the builds). */
function checkPort(port) {
  if (port === 0) return Promise.resolve()
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', (error) => fail(error.code === 'EADDRINUSE' ? portBusy(port) : error.message))
    probe.listen(port, HOST, () => probe.close(() => resolve()))
  })
}

const started = Date.now()
const force = process.argv.includes('--rebuild')
const portText = process.env.PORT ?? String(DEFAULT_PORT)
const port = Number(portText)
if (!/^\d+$/.test(portText) || port > 65535) fail(`PORT must be a number from 0 to 65535, not "${portText}".`)
const dataDir = path.resolve(ROOT, process.env.LC_DATA_DIR || '.data')

if (!existsSync(path.join(ROOT, 'node_modules/.bin/taro')))
  fail('Dependencies are missing: run `npm install` first.')

await checkPort(port)
try {
  if (functionSources().length === 0 || !existsSync(path.join(ROOT, 'scripts/build-functions.mjs'))) {
    console.log('No cloud functions to build.')
  } else {
    await buildIfStale(targets.functions, { force })
  }
  await buildIfStale(targets.h5, { force })
  await bundleServer()
} catch (_error) {
  // The failing build has printed its log's tail and the log's path.
  process.exit(1)
}

process.setSourceMapsEnabled(true)
const { startServer, PortBusyError, StartupError } = createRequire(import.meta.url)(SERVER_BUNDLE)
try {
  const server = await startServer({ root: ROOT, dataDir, port, host: HOST, handleSignals: true })
  console.log(`\n  Ready: ${server.url}   (started in ${seconds(Date.now() - started)}; Ctrl+C stops)\n`)
} catch (error) {
  if (error instanceof PortBusyError) fail(portBusy(error.port))
  if (error instanceof StartupError) fail(error.message)
  console.error(error)
  fail('local-cloud failed to start.')
}
