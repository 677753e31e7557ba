#!/usr/bin/env node
/**
 * npm run points:reconcile — proves, for every member in local-cloud's data directory (LC_DATA_DIR,
 * default .data/), that the balance on the member record equals the sum of the member's ledger
 * entries and what the member's lots hold, lot by lot, and that the member's entries are an
 * unbroken chain up to the head on the member record. Prints each member whose ledger disagrees
 * (by pseudonymous id) and exits 1; exits 0 when every balance agrees. On CloudBase the same check
 * runs inside the `scheduler` function (trigger `points`).
 *
 *   npm run points:reconcile [-- --data-dir DIR]
 *
 * Key: AUDIT_SIGNING_KEY (the entries' MACs) from the environment, else from <data dir>/keys.json
 * (what `npm start` generated).
 */
import { cliOptions } from './lib/cli.mjs'
import { localDataDir, localKeys } from './lib/local-data.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const options = cliOptions(
  'points:reconcile',
  { 'data-dir': { type: 'string' } },
  'usage: npm run points:reconcile [-- --data-dir DIR]',
)
const dataDir = localDataDir(options['data-dir'])
const { reconcileLocal } = await loadTypeScript('points-reconcile', 'scripts/lib/points-reconcile-local.ts')

let run
try {
  run = await reconcileLocal({ dataDir, env: localKeys(dataDir) })
} catch (error) {
  // VaultConfigError names the variable, never a key value.
  console.error(`points:reconcile: ${error.name}: ${error.message}`)
  process.exit(1)
}
const { checked, findings } = run
console.log(`Points: ${checked} member${checked === 1 ? '' : 's'} checked.`)
if (findings.length === 0) {
  console.log('Every balance equals its ledger entries and lots.')
  process.exit(0)
}
console.log(`${findings.length} balance${findings.length === 1 ? '' : 's'} disagree:`)
for (const f of findings)
  console.log(
    `  ${f.memberId}: balance ${f.balance}, entries ${f.entries}, lots ${f.lots}${f.problem ? `; ${f.problem}` : ''}`,
  )
process.exit(1)
