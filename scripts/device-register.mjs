#!/usr/bin/env node
/**
 * npm run device:register — registers a device that pushes to the ingest function (a store's
 * POS, a car park's gate) in local-cloud's data directory (LC_DATA_DIR, default .data/). Prints
 * the device id and its signing secret ONCE: the secret is stored only wrapped under the master
 * key, in the key environment, and cannot be shown again.
 *
 *   npm run device:register -- --kind pos|carpark --store ID [--car-park ID] [--data-dir DIR]
 *
 * Keys: PI_MASTER_KEY, PI_INDEX_KEY from the environment, else from <data dir>/keys.json (what
 * `npm start` generated). On CloudBase, the same is a run of this code against the deployed
 * environments (docs/deployment.md §7).
 */
import { cliOptions } from './lib/cli.mjs'
import { localDataDir, localKeys } from './lib/local-data.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const usage =
  'usage: npm run device:register -- --kind pos|carpark --store ID [--car-park ID] [--data-dir DIR]'
const options = cliOptions(
  'device:register',
  {
    kind: { type: 'string' },
    store: { type: 'string' },
    'car-park': { type: 'string' },
    'data-dir': { type: 'string' },
  },
  usage,
)
if (!options.kind || !options.store) {
  console.error(`device:register: --kind and --store are required\n${usage}`)
  process.exit(2)
}

const dataDir = localDataDir(options['data-dir'])
const env = localKeys(dataDir)

const { registerLocal } = await loadTypeScript('device-register', 'scripts/lib/device-register-local.ts')

try {
  const device = await registerLocal({
    dataDir,
    env,
    kind: options.kind,
    storeId: options.store,
    carParkId: options['car-park'],
  })
  console.log(`Device ${device.kind} for store ${device.storeId}`)
  console.log(`  device id: ${device.deviceId}`)
  console.log(`  secret:    ${device.secret}`)
  console.log('The secret is shown this once: configure it in the device now (docs/deployment.md §7).')
} catch (error) {
  // VaultConfigError names the variable, never a key value.
  console.error(`device:register: ${error.message}`)
  process.exit(1)
}
