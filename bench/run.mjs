#!/usr/bin/env node
// npm run bench: measures and checks the budgets in bench/budgets.json.
//   --quick          the CI subset (< 2 minutes): fewer calls, no scale test; writes
//                    .build/bench/RESULTS-quick.md instead of bench/RESULTS.md
//   --scale <size>   also generate <size> members (100k, 1M, 250000 …) and measure at that size
//   --only <texts>   only the actions and jobs whose name contains one of <texts> (comma-separated)
//   --sweep <size>   parking sessions the retention sweep is measured over (default 50k; 5k quick)
//   --ledger <size>  members (10 ledger entries each) the points ledger is measured at (default 50k; 2k quick)
//   --pages          also count the cloud calls of each page load (Chromium against `npm start`,
//                    which builds the H5 app when stale)
//   --results <file> where to write the Markdown (default bench/RESULTS.md)
// Exits 1 when a budget is exceeded (package sizes, database operations per call, ratios).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { bundleSuite, ROOT } from './bundle.mjs'
import { checkBudgets } from './budgets.mjs'
import { renderResults } from './report.mjs'
import { check as checkSizes, measure as measureSizes } from './size.mjs'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const valueOf = (flag) => {
  const i = args.indexOf(flag)
  return i >= 0 ? args[i + 1] : undefined
}
const resultsFile = path.resolve(
  ROOT,
  valueOf('--results') ?? (quick ? '.build/bench/RESULTS-quick.md' : 'bench/RESULTS.md'),
)
const pagesWanted = args.includes('--pages')
const suiteArgs = args.filter((a, i) => a !== '--pages' && a !== '--results' && args[i - 1] !== '--results')

const started = Date.now()
const budgets = JSON.parse(readFileSync(path.join(ROOT, 'bench/budgets.json'), 'utf8'))
const bundle = await bundleSuite()
const outFile = path.join(path.dirname(bundle), `suite-result-${process.pid}.json`)

const exitCode = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['--enable-source-maps', bundle, ...suiteArgs, '--out', outFile], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  child.on('close', (code) => resolve(code ?? 1))
})
if (exitCode !== 0) {
  console.error('bench: the measurement run failed')
  process.exit(1)
}
const suite = JSON.parse(readFileSync(outFile, 'utf8'))
rmSync(outFile, { force: true })

// Package sizes: read dist/ as it is (the weapp build is not run here).
let sizes
if (existsSync(path.join(ROOT, 'dist/app.json'))) {
  const packages = measureSizes()
  sizes = { packages, checks: checkSizes(packages, budgets) }
} else {
  console.warn('bench: dist/app.json is missing: package sizes not measured (npm run build:weapp)')
}

let pages
if (pagesWanted) {
  const { measurePageCalls } = await import('./pages.mjs')
  pages = await measurePageCalls({ log: (line) => console.error(line) })
}

const checks = checkBudgets(suite, sizes, budgets, pages)
const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
const markdown = renderResults({ command, suite, sizes, pages, checks, elapsedMs: Date.now() - started })
mkdirSync(path.dirname(resultsFile), { recursive: true })
writeFileSync(resultsFile, markdown)
console.log(`\n${markdown}`)
console.log(
  `bench: wrote ${path.relative(ROOT, resultsFile)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
)

const failed = checks.filter((c) => !c.ok)
if (failed.length > 0) {
  console.error(`\nbench: ${failed.length} budget(s) exceeded:`)
  for (const c of failed) console.error(`  ${c.what}: ${c.actual} (budget ${c.limit})`)
  process.exit(1)
}
