// Budget checks of a bench run against bench/budgets.json:
// - weapp: package sizes (bench/size.mjs; main package budget and WeChat's 2 MB per package);
// - dbOpsPerCall: database reads and writes per call of an action at 1 caller — what CloudBase
//   bills — in the main environment (`reads`, `writes`) and in the key environment (`keyReads`,
//   `keyWrites`), whose quotas are its own; deterministic but for work done once per block or
//   per day (a block of member numbers, a member's first view of a day), so any increase is a
//   deliberate change of the budget;
// - ratios: throughput relations that hold on a loaded machine too (concurrency must not
//   collapse throughput; an action must not fall too far below the raw SQLite rate).
//   A metric is `<function>.<action>@<callers>` (calls per second) or `sqlite.insert|select`;
// - jobs: scheduler jobs' throughput over generated members (a floor in members per second);
// - pages: cloud calls per page load (measured with --pages).

/** Throughput of a metric name, or undefined when the run did not measure it. */
export function metric(suite, name) {
  if (name === 'sqlite.insert') return suite.sqlite.insertPerSecond
  if (name === 'sqlite.select') return suite.sqlite.selectPerSecond
  const [action, callers] = name.split('@')
  return suite.actions.find((a) => a.name === action && a.concurrency === Number(callers))?.perSecond
}

/** Budget keys of dbOpsPerCall and how a check names them. */
const OP_KINDS = {
  reads: 'database reads',
  writes: 'database writes',
  keyReads: 'key-environment reads',
  keyWrites: 'key-environment writes',
}

export function checkBudgets(suite, sizes, budgets, pages) {
  const checks = []
  const maxCalls = budgets.pages?.maxCallsPerLoad
  for (const p of maxCalls === undefined ? [] : (pages ?? [])) {
    checks.push({
      what: `${p.page} (${p.persona}): cloud calls on load`,
      limit: `≤ ${maxCalls}`,
      actual: p.calls.length,
      ok: p.calls.length <= maxCalls,
    })
  }
  for (const c of sizes?.checks ?? []) {
    checks.push({
      what: c.what,
      limit: `${c.limitKB} KB`,
      actual: `${c.actualKB.toFixed(1)} KB`,
      ok: c.ok,
    })
  }
  for (const [action, limit] of Object.entries(budgets.dbOpsPerCall ?? {})) {
    const measured = suite.actions.find((a) => a.name === action && a.concurrency === 1)
    if (!measured) continue
    for (const [kind, label] of Object.entries(OP_KINDS)) {
      if (limit[kind] === undefined) continue
      const actual = measured[`${kind}PerCall`] ?? 0
      checks.push({
        what: `${action}: ${label} per call`,
        limit: `≤ ${limit[kind]}`,
        actual: Number(actual.toFixed(2)),
        ok: actual <= limit[kind] + 1e-9,
      })
    }
  }
  for (const ratio of budgets.ratios ?? []) {
    const of = metric(suite, ratio.of)
    const to = metric(suite, ratio.to)
    if (of === undefined || to === undefined) continue
    const actual = of / to
    checks.push({
      what: ratio.what ?? `${ratio.of} / ${ratio.to}`,
      limit: `≥ ${ratio.min}`,
      actual: Number(actual.toPrecision(3)),
      ok: actual >= ratio.min,
    })
  }
  for (const [job, limit] of Object.entries(budgets.jobs ?? {})) {
    const measured = suite.jobs?.find((j) => j.name === job)
    if (!measured) continue
    checks.push({
      what: `${job}: members per second`,
      limit: `≥ ${limit.minMembersPerSecond}`,
      actual: Number(measured.membersPerSecond.toFixed(0)),
      ok: measured.membersPerSecond >= limit.minMembersPerSecond,
    })
  }
  for (const a of suite.actions) {
    if (a.failures > 0) {
      checks.push({
        what: `${a.name} ×${a.concurrency}: failed calls`,
        limit: '0',
        actual: a.failures,
        ok: false,
      })
    }
  }
  return checks
}
