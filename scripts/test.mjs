#!/usr/bin/env node
// npm test: build the weapp (production) and the function bundles, run every jest project, and
// end with one plain line `N passed, N failed[, N skipped]` totalled over every suite.
//   --ui-only   only the ui project (miniprogram-simulate over dist/); still builds the weapp first
//   extra arguments after `--` go to jest, e.g. `npm test -- -t "[5.1]"`
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { build, functionSources, ROOT, runLogged, targets } from './lib/builds.mjs'
import { jestTotals, totalsLine } from './lib/totals.mjs'

const RESULTS = path.join(ROOT, 'test-results/jest.json')
const JEST = path.join(ROOT, 'node_modules/jest/bin/jest.js')
const TARO = path.join(ROOT, 'node_modules/@tarojs/cli/bin/taro')

const args = process.argv.slice(2)
const uiOnly = args.includes('--ui-only')
const jestArgs = args.filter((a) => a !== '--ui-only')

try {
  // Note: the ui suite runs the compiled pages in dist/; building here means a stale dist/ can
  // never pass.
  console.log('Building the weapp (production) …')
  const ms = await runLogged('Building the weapp', [TARO, 'build', '--type', 'weapp'], {
    logName: 'build-weapp',
  })
  console.log(`Built the weapp in ${(ms / 1000).toFixed(1)} s`)
  if (!uiOnly && functionSources().length > 0 && existsSync(path.join(ROOT, 'scripts/build-functions.mjs'))) {
    await build(targets.functions)
  }
} catch (error) {
  console.error(error.message)
  process.exit(1)
}

mkdirSync(path.dirname(RESULTS), { recursive: true })
rmSync(RESULTS, { force: true })
const projects = uiOnly ? ['--selectProjects', 'ui'] : []
const jestExit = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [JEST, ...projects, '--json', `--outputFile=${RESULTS}`, ...jestArgs],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  )
  child.on('close', (code) => resolve(code ?? 1))
})

if (!existsSync(RESULTS)) {
  console.error('jest wrote no report')
  process.exit(1)
}
const totals = jestTotals(RESULTS)
const ran = totals.passed + totals.failed
if (ran === 0) console.error('No tests ran.')
console.log(totalsLine(totals))
process.exit(jestExit !== 0 || totals.failed > 0 || ran === 0 ? 1 : 0)
