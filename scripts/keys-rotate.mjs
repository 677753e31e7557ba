#!/usr/bin/env node
/**
 * npm run keys:rotate — re-wraps every data key of the key store (members, unbound cards) under
 * the current master key, against local-cloud's data directory (LC_DATA_DIR, default .data/),
 * after moving any key still on a document written before the key store into it. On CloudBase
 * the same jobs run inside the `scheduler` function, where the keys are (docs/deployment.md).
 *
 *   npm run keys:rotate                 re-wrap what is still under a retired key (resumable)
 *   npm run keys:rotate -- --new        start a rotation: new master key in <data dir>/keys.json,
 *                                       the old one kept as retired until every member is done
 *   npm run keys:rotate -- --status     only count the data keys still under a retired key
 *   options: --data-dir DIR  --page-size N (≤ 1000)  --max-pages N
 *
 * Keys: PI_MASTER_KEY, PI_MASTER_KEY_ID, PI_RETIRED_MASTER_KEYS (`id:base64,…`), PI_INDEX_KEY,
 * AUDIT_SIGNING_KEY (the rotation's decryptions are audited) from the environment, else from <data dir>/keys.json (what `npm start` generated). Progress is
 * recorded per page in the `jobs` collection: run it again after an interruption and it
 * continues. When nothing is left under a retired key and the keys came from keys.json, the
 * retired keys are dropped from it.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './lib/builds.mjs'
import { cliOptions, positiveOption } from './lib/cli.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const NAMES = [
  'PI_MASTER_KEY',
  'PI_MASTER_KEY_ID',
  'PI_RETIRED_MASTER_KEYS',
  'PI_INDEX_KEY',
  'AUDIT_SIGNING_KEY',
]

const options = cliOptions(
  'keys:rotate',
  {
    'data-dir': { type: 'string' },
    'page-size': { type: 'string' },
    'max-pages': { type: 'string' },
    new: { type: 'boolean' },
    status: { type: 'boolean' },
  },
  'usage: npm run keys:rotate [-- --new] [-- --status] [--data-dir DIR] [--page-size N] [--max-pages N]',
)
const pageSize = positiveOption('keys:rotate', options, 'page-size')
const maxPages = positiveOption('keys:rotate', options, 'max-pages')

const dataDir = path.resolve(ROOT, options['data-dir'] ?? process.env.LC_DATA_DIR ?? '.data')
const keysFile = path.join(dataDir, 'keys.json')
const saved = existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : {}
const fromEnv = NAMES.filter((name) => process.env[name])

if (options.new) {
  if (fromEnv.some((name) => name !== 'PI_INDEX_KEY')) {
    console.error(
      'keys:rotate --new manages the keys in keys.json: unset PI_MASTER_KEY* in the environment first',
    )
    process.exit(2)
  }
  if (!saved.PI_MASTER_KEY || !saved.PI_MASTER_KEY_ID) {
    console.error(`keys:rotate --new: no master key in ${keysFile} (run npm start once, or set the keys)`)
    process.exit(2)
  }
  const retired = [saved.PI_RETIRED_MASTER_KEYS, `${saved.PI_MASTER_KEY_ID}:${saved.PI_MASTER_KEY}`]
    .filter(Boolean)
    .join(',')
  const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(2).toString('hex')}`
  // Written before any member is touched: an interrupted rotation still has every key it needs.
  Object.assign(saved, {
    PI_MASTER_KEY: randomBytes(32).toString('base64'),
    PI_MASTER_KEY_ID: id,
    PI_RETIRED_MASTER_KEYS: retired,
  })
  writeFileSync(keysFile, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 })
  console.log(`New master key ${id} in ${path.relative(ROOT, keysFile)}; the previous one is retired.`)
}

const env = {}
for (const name of NAMES) env[name] = process.env[name] || saved[name] || undefined
const keysFromFile = NAMES.filter((name) => env[name] && !process.env[name])

// The rotation job is TypeScript shared with the scheduler function: bundle it for node.
const { rotateLocal } = await loadTypeScript('keys-rotate', 'scripts/lib/keys-rotate-local.ts')

let result
try {
  result = await rotateLocal({ dataDir, env, pageSize, maxPages, statusOnly: options.status })
} catch (error) {
  // VaultConfigError names the variable, never a key value.
  console.error(`keys:rotate: ${error.name}: ${error.message}`)
  process.exit(1)
}

const { migration, run, remaining } = result
if (migration && migration.moved > 0)
  console.log(`Moved ${migration.moved} data key${migration.moved === 1 ? '' : 's'} into the key store.`)
if (run) {
  console.log(
    `Rotation to ${run.targetKeyId} (retired: ${run.retiredKeyIds.join(', ') || 'none'}): ` +
      `${run.rewrapped} re-wrapped, ${run.skipped} skipped, ${run.failed} failed in this run; ` +
      `totals ${run.progress.rewrapped} / ${run.progress.skipped} / ${run.progress.failed}.`,
  )
  if (run.progress.failedIds.length > 0)
    console.log(`Failed key ids (member ids, card:<card id>): ${run.progress.failedIds.join(', ')}`)
}
console.log(`${remaining} data key${remaining === 1 ? '' : 's'} still under a retired key.`)

if (remaining === 0 && !options.status && env.PI_RETIRED_MASTER_KEYS) {
  if (keysFromFile.includes('PI_RETIRED_MASTER_KEYS')) {
    delete saved.PI_RETIRED_MASTER_KEYS
    writeFileSync(keysFile, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 })
    console.log(`Done: the retired keys were removed from ${path.relative(ROOT, keysFile)}.`)
  } else {
    console.log(
      'Done: PI_RETIRED_MASTER_KEYS is no longer needed; remove it (keep the old key in the register).',
    )
  }
}
// Exit 1 only when a finished run left members behind (failures to look at).
process.exit(options.status || remaining === 0 || !run.done ? 0 : 1)
