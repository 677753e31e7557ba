#!/usr/bin/env node
/**
 * npm run smoke — the live smoke test: the same database calls against a real CloudBase
 * environment and against local-cloud, printed side by side, so that a behaviour local-cloud gets
 * wrong shows on the first deploy (docs/deployment.md, "Live smoke test").
 *
 *   npm run smoke -- --env <env id>   CloudBase (real wx-server-sdk; TENCENTCLOUD_SECRETID and
 *                                     TENCENTCLOUD_SECRETKEY in the environment) beside local-cloud
 *   npm run smoke -- --local          local-cloud alone (what the test runs)
 *   options: --collection NAME        the scratch collection (default smoke_scratch): created if
 *                                     missing, refused if it holds documents, emptied at the end
 *
 * Exit status: 0 when every check answered alike (or --local), 1 when a check differs or a run
 * failed, 2 on bad options.
 */
import { parseArgs } from 'node:util'
import { loadTypeScript } from './lib/node-bundle.mjs'

const USAGE = 'usage: npm run smoke -- --env <env id> | --local  [--collection NAME]'

let options
try {
  options = parseArgs({
    options: {
      env: { type: 'string' },
      local: { type: 'boolean' },
      collection: { type: 'string', default: 'smoke_scratch' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values
} catch (error) {
  console.error(`smoke: ${error.message}\n${USAGE}`)
  process.exit(2)
}
if (options.help) {
  console.log(USAGE)
  process.exit(0)
}
if (Boolean(options.env) === Boolean(options.local)) {
  console.error(`smoke: give either --env <env id> or --local\n${USAGE}`)
  process.exit(2)
}
if (options.env && !(process.env.TENCENTCLOUD_SECRETID && process.env.TENCENTCLOUD_SECRETKEY)) {
  console.error(
    'smoke: set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (API keys of a sub-account limited to the environment)',
  )
  process.exit(2)
}
if (!/^[a-z][a-z0-9_]{0,63}$/i.test(options.collection)) {
  console.error('smoke: --collection must be a plain collection name')
  process.exit(2)
}

const { runSmoke, renderSmoke } = await loadTypeScript('smoke', 'scripts/lib/smoke.ts')
let report
try {
  report = await runSmoke({ env: options.env, collection: options.collection })
} catch (error) {
  console.error(`smoke: ${error.message}`)
  process.exit(1)
}
console.log(renderSmoke(report))
// Exit explicitly: the SDK's connections would keep the process alive for a while.
process.exit(options.local || report.rows.every((row) => row.same) ? 0 : 1)
