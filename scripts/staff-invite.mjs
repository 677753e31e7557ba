#!/usr/bin/env node
/**
 * npm run staff:invite — a one-time staff invite in local-cloud's data directory (LC_DATA_DIR,
 * default .data/), e.g. the mall's first admin. Prints the code (valid 24 hours, single use) and
 * the scene its mini-program code carries; the code is stored only as its keyed hash.
 *
 *   npm run staff:invite -- --role admin|privacyOfficer|manager|counter [--store ID …]
 *                           [--name 显示名] [--data-dir DIR]
 *
 * Keys: PI_INDEX_KEY, PI_MASTER_KEY, AUDIT_SIGNING_KEY from the environment, else from
 * <data dir>/keys.json (what `npm start` generated). On CloudBase, the first admin's invite comes
 * from the staff function's bootstrap event instead (docs/architecture.md, "The staff function").
 */
import { cliOptions } from './lib/cli.mjs'
import { localDataDir, localKeys } from './lib/local-data.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const usage =
  'usage: npm run staff:invite -- --role admin|privacyOfficer|manager|counter [--store ID ...] [--name NAME] [--data-dir DIR]'
const options = cliOptions(
  'staff:invite',
  {
    role: { type: 'string' },
    store: { type: 'string', multiple: true },
    name: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  usage,
)
if (!options.role) {
  console.error(`staff:invite: --role is required\n${usage}`)
  process.exit(2)
}

const dataDir = localDataDir(options['data-dir'])
const env = localKeys(dataDir)

const { inviteLocal } = await loadTypeScript('staff-invite', 'scripts/lib/staff-invite-local.ts')

try {
  const invite = await inviteLocal({
    dataDir,
    env,
    role: options.role,
    storeIds: options.store ?? [],
    displayName: options.name,
  })
  console.log(`Invite for ${options.role}: ${invite.code}`)
  console.log(`Scene of its mini-program code: ${invite.scene}`)
  console.log(`Single use, valid until ${invite.expiresAt}. Redeem it in the mini-program (员工 → 加入).`)
} catch (error) {
  // VaultConfigError names the variable, never a key value.
  console.error(`staff:invite: ${error.message}`)
  process.exit(1)
}
