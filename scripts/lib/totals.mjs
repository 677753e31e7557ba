// Test totals from the reports the runners write, for the closing `N passed, N failed` line.
import { readFileSync } from 'node:fs'

/** From jest's `--json` report; a suite that failed to load (no tests) counts as one failure. */
export function jestTotals(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  const broken = report.testResults.filter(
    (s) => s.status === 'failed' && s.assertionResults.length === 0,
  ).length
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + broken,
    skipped: report.numPendingTests + report.numTodoTests,
  }
}

/** From a TAP report of `node --test` (its closing `# pass N` … comments). */
export function tapTotals(file) {
  const text = readFileSync(file, 'utf8')
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0)
  return {
    passed: count('pass'),
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped') + count('todo'),
  }
}

export function sum(...totals) {
  return totals.reduce(
    (acc, t) => ({
      passed: acc.passed + t.passed,
      failed: acc.failed + t.failed,
      skipped: acc.skipped + t.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  )
}

export function totalsLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`
}
