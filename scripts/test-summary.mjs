#!/usr/bin/env node
// Prints one `N passed, N failed[, N skipped]` line over every report in test-results/ (jest and
// the browser tests): the closing line CI reads. Exits 1 when a report is missing or shows failures.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './lib/builds.mjs'
import { jestTotals, sum, tapTotals, totalsLine } from './lib/totals.mjs'

const reports = [
  ['test-results/jest.json', jestTotals],
  ['test-results/e2e.tap', tapTotals],
]
const found = reports.filter(([file]) => existsSync(path.join(ROOT, file)))
for (const [file] of reports) if (!found.some(([f]) => f === file)) console.error(`missing report: ${file}`)
const total = sum(...found.map(([file, read]) => read(path.join(ROOT, file))))
console.log(totalsLine(total))
process.exit(found.length === reports.length && total.failed === 0 && total.passed > 0 ? 0 : 1)
