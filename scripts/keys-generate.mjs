#!/usr/bin/env node
/**
 * npm run keys:generate — prints new keys for the functions' environment variables.
 *
 *   npm run keys:generate                  PI_MASTER_KEY, PI_MASTER_KEY_ID, PI_INDEX_KEY,
 *                                          AUDIT_SIGNING_KEY (a new environment)
 *   npm run keys:generate -- --rotate      a new master key and id only (rotation: the index key stays)
 *   npm run keys:generate -- --json        the same as JSON
 *
 * Keys are 32 random bytes from node:crypto, base64. The values go to stdout only: paste them
 * into the console (云开发 → 云函数 → 函数配置 → 环境变量) and the key register, never into the
 * repository. PI_KEY_ENV (the id of the key environment) is not generated: it names the separate
 * CloudBase environment you create for the wrapped data keys (docs/deployment.md).
 */
import { randomBytes } from 'node:crypto'

const args = new Set(process.argv.slice(2))
const unknown = [...args].filter((a) => !['--rotate', '--json', '--help', '-h'].includes(a))
if (args.has('--help') || args.has('-h') || unknown.length > 0) {
  if (unknown.length > 0) console.error(`keys:generate: unknown option ${unknown.join(' ')}`)
  console.error('usage: npm run keys:generate [-- --rotate] [-- --json]')
  process.exit(unknown.length > 0 ? 2 : 0)
}

const key = () => randomBytes(32).toString('base64')
// A readable, sortable id: k + the UTC date + 4 random hex digits (fits the vault's [A-Za-z0-9_-]{1,32}).
const keyId = () =>
  `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(2).toString('hex')}`

const keys = { PI_MASTER_KEY: key(), PI_MASTER_KEY_ID: keyId() }
if (!args.has('--rotate')) {
  keys.PI_INDEX_KEY = key()
  keys.AUDIT_SIGNING_KEY = key()
}

if (args.has('--json')) {
  console.log(JSON.stringify(keys, null, 2))
} else {
  for (const [name, value] of Object.entries(keys)) console.log(`${name}=${value}`)
}
console.error(
  args.has('--rotate')
    ? '\nRotation: set these on every function, move the old PI_MASTER_KEY_ID:PI_MASTER_KEY into ' +
        'PI_RETIRED_MASTER_KEYS, keep PI_INDEX_KEY unchanged (docs/deployment.md, "Rotating the master key").'
    : '\nSet all four on every function (and record them in the key register, 5.3), together with ' +
        'PI_KEY_ENV, the id of the separate key environment (docs/deployment.md). ' +
        'Losing PI_MASTER_KEY makes every identity unreadable; losing PI_INDEX_KEY makes phones unfindable; ' +
        'losing AUDIT_SIGNING_KEY leaves the audit log unverifiable.',
)
