// The local data directory of the scripts that work on `npm start`'s data, and its keys.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './builds.mjs'

/** `--data-dir`, else LC_DATA_DIR, else .data/ (from the repository root). */
export const localDataDir = (option) => path.resolve(ROOT, option ?? process.env.LC_DATA_DIR ?? '.data')

/** The keys the functions read, each from the environment, else from <data dir>/keys.json (what `npm start` generated). */
export function localKeys(dataDir, names = ['AUDIT_SIGNING_KEY', 'PI_INDEX_KEY', 'PI_MASTER_KEY']) {
  const keysFile = path.join(dataDir, 'keys.json')
  const saved = existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : {}
  const env = {}
  for (const name of names) env[name] = process.env[name] || saved[name] || undefined
  return env
}
