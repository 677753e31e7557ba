// The builds `npm start` and `npm test` share: each knows its inputs, its outputs and its command.
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { hashInputs, readStamp, writeStamp } from './inputs.mjs'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BUILD_DIR = path.join(ROOT, '.build')
const TARO = path.join(ROOT, 'node_modules/@tarojs/cli/bin/taro')

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`

/**
 * Runs a build command with its output in a log file; on failure prints the log's tail.
 * Resolves to the elapsed milliseconds, rejects when the command fails.
 */
export function runLogged(label, args, { logName, env = {}, stream = false } = {}) {
  mkdirSync(BUILD_DIR, { recursive: true })
  const logFile = path.join(BUILD_DIR, `${logName}.log`)
  const log = createWriteStream(logFile)
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    for (const out of [child.stdout, child.stderr]) {
      out.pipe(log, { end: false })
      if (stream) out.pipe(process.stdout, { end: false })
    }
    child.on('error', reject)
    child.on('close', (code, signal) => {
      log.end(() => {
        const ms = Date.now() - started
        if (code === 0) return resolve(ms)
        if (!stream) {
          const tail = readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n')
          console.error(tail)
        }
        console.error(
          `${label} failed (${signal ?? `exit ${code}`}) after ${seconds(ms)}; full log: ${path.relative(ROOT, logFile)}`,
        )
        reject(new Error(`${label} failed`))
      })
    })
  })
}

/** Environment variables Taro embeds into the app: they are inputs of the H5 build too. */
const taroEnv = () =>
  Object.keys(process.env)
    .filter((k) => k.startsWith('TARO_APP_'))
    .sort()
    .map((k) => `${k}=${process.env[k]}`)
    .join('\n')

const rootEnvFiles = () => readdirSync(ROOT).filter((f) => f === '.env' || f.startsWith('.env.'))

export const targets = {
  h5: {
    label: 'H5 app',
    stamp: path.join(ROOT, 'dist-h5/.inputs-hash'),
    inputs: () => [
      'src',
      'config',
      'types',
      'babel.config.js',
      'tsconfig.json',
      'package.json',
      'package-lock.json',
      ...rootEnvFiles(),
    ],
    ignore: () => false,
    extra: taroEnv,
    built: () => existsSync(path.join(ROOT, 'dist-h5/index.html')),
    args: [TARO, 'build', '--type', 'h5'],
    logName: 'build-h5',
  },
  functions: {
    label: 'cloud functions',
    stamp: path.join(BUILD_DIR, 'functions.inputs-hash'),
    inputs: () => [
      'src/domain',
      'cloudfunctions',
      'database',
      'scripts/build-functions.mjs',
      'tsconfig.json',
      'package.json',
      'package-lock.json',
    ],
    // The bundles themselves are outputs.
    ignore: (rel) => /^cloudfunctions\/[^/]+\/index\.js(\.map)?$/.test(rel),
    extra: () => '',
    built: () =>
      functionSources().every((name) => existsSync(path.join(ROOT, 'cloudfunctions', name, 'index.js'))),
    args: [path.join(ROOT, 'scripts/build-functions.mjs')],
    logName: 'build-functions',
  },
}

/** Functions with sources: `cloudfunctions/<name>/index.ts`. */
export function functionSources() {
  const dir = path.join(ROOT, 'cloudfunctions')
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'common' && existsSync(path.join(dir, e.name, 'index.ts')))
    .map((e) => e.name)
}

export function inputsHash(target) {
  return hashInputs(ROOT, target.inputs(), { ignore: target.ignore, extra: target.extra() })
}

/** Why a target needs building, or undefined when its outputs match its inputs. */
export function staleReason(target, hash = inputsHash(target)) {
  if (!target.built()) return 'not built yet'
  const stamp = readStamp(target.stamp)
  if (!stamp) return 'no record of its inputs'
  return stamp === hash ? undefined : 'inputs changed'
}

/** Builds a target and records the hash of the inputs it was built from. */
export async function build(target, { reason, stream = false, say = console.log } = {}) {
  // Hash before building: an edit made during the build must make the next start rebuild.
  const hash = inputsHash(target)
  say(`Building the ${target.label}${reason ? ` (${reason})` : ''} …`)
  const ms = await runLogged(`Building the ${target.label}`, target.args, { logName: target.logName, stream })
  mkdirSync(path.dirname(target.stamp), { recursive: true })
  writeStamp(target.stamp, hash)
  say(`Built the ${target.label} in ${seconds(ms)}`)
  return ms
}

/** Builds the target if its inputs changed since the last build. */
export async function buildIfStale(target, { force = false, say = console.log } = {}) {
  const hash = inputsHash(target)
  const reason = force ? 'forced' : staleReason(target, hash)
  if (!reason) return false
  await build(target, { reason, say })
  return true
}

export { seconds }
