#!/usr/bin/env node
/**
 * npm run audit:verify — verifies the audit log (5.5, L-14) against local-cloud's data directory
 * (LC_DATA_DIR, default .data/): every chain walked from its oldest kept entry to its head, each
 * entry's MAC and link checked. Prints the first broken or missing entry and exits 1 when there
 * is one; 0 when the log is intact. On CloudBase the same check runs inside the `scheduler`
 * function (trigger `audit`), where the signing key is.
 *
 *   npm run audit:verify [-- --data-dir DIR] [--page-size N (≤ 1000)]
 *
 * Key: AUDIT_SIGNING_KEY from the environment, else from <data dir>/keys.json (what `npm start`
 * generated).
 */
import { cliOptions, positiveOption } from './lib/cli.mjs'
import { localDataDir, localKeys } from './lib/local-data.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const options = cliOptions(
  'audit:verify',
  { 'data-dir': { type: 'string' }, 'page-size': { type: 'string' } },
  'usage: npm run audit:verify [-- --data-dir DIR] [--page-size N]',
)
const pageSize = positiveOption('audit:verify', options, 'page-size')

const dataDir = localDataDir(options['data-dir'])
const env = localKeys(dataDir)

const { verifyLocal } = await loadTypeScript('audit-verify', 'scripts/lib/audit-verify-local.ts')

let run
try {
  run = await verifyLocal({ dataDir, env, pageSize })
} catch (error) {
  // VaultConfigError names the variable, never a key value.
  console.error(`audit:verify: ${error.name}: ${error.message}`)
  process.exit(1)
}

const { pass, first } = run
console.log(
  `Audit log: ${pass.checked} entr${pass.checked === 1 ? 'y' : 'ies'} in ${pass.chains} chain${pass.chains === 1 ? '' : 's'} checked.`,
)
if (!first) {
  console.log('Intact: no broken or missing entry.')
  process.exit(0)
}
console.log(
  `${pass.problemCount} finding${pass.problemCount === 1 ? '' : 's'}; the first: ${first.kind} ${first.where} (${first.detail}).`,
)
for (const problem of pass.problems.slice(1))
  console.log(`  ${problem.kind} ${problem.where} (${problem.detail})`)
process.exit(1)
