#!/usr/bin/env node
// npm run reset: wipe local-cloud's data directory (database, local keys, sessions). The next
// `npm start` generates new keys and seeds the demo data again.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from './lib/builds.mjs'

const MARKER = '.local-cloud'
const dataDir = path.resolve(ROOT, process.env.LC_DATA_DIR || '.data')
const shown = path.relative(ROOT, dataDir).startsWith('..') ? dataDir : path.relative(ROOT, dataDir)

function refuse(message) {
  console.error(message)
  process.exit(1)
}

if (!existsSync(dataDir)) {
  console.log(`Nothing to reset: ${shown} does not exist.`)
  process.exit(0)
}

// Never wipe a directory local-cloud did not create: LC_DATA_DIR might point anywhere.
const contains = (outer, inner) => inner === outer || inner.startsWith(outer + path.sep)
if ([ROOT, os.homedir(), path.parse(dataDir).root].some((dir) => contains(dataDir, dir))) {
  refuse(`Refusing to wipe ${dataDir}: it contains the project or your home directory.`)
}
if (readdirSync(dataDir).length > 0 && !existsSync(path.join(dataDir, MARKER))) {
  refuse(`Refusing to wipe ${shown}: it has no ${MARKER} marker, so local-cloud did not create it.`)
}

const pidFile = path.join(dataDir, 'server.pid')
if (existsSync(pidFile)) {
  const pid = Number(readFileSync(pidFile, 'utf8'))
  let running = false
  try {
    running = Number.isInteger(pid) && pid > 0 && process.kill(pid, 0)
  } catch (error) {
    running = error.code === 'EPERM'
  }
  if (running) refuse(`local-cloud is running on this data (pid ${pid}): stop \`npm start\` first.`)
}

rmSync(dataDir, { recursive: true, force: true })
console.log(`Wiped ${shown}: the next \`npm start\` creates new local keys and seeds the demo data.`)
