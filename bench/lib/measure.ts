/** Timing helpers: run calls at a given concurrency and summarise their latencies. */

export interface Timing {
  calls: number
  concurrency: number
  /** Calls per second over the whole run (wall clock). */
  perSecond: number
  p50Ms: number
  p99Ms: number
  failures: number
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

/** What one stretch of calls took: each call's latency, the wall clock, the failed calls. */
export interface Stretch {
  latencies: number[]
  seconds: number
  failures: number
}

/**
 * Runs `work(i)` for each i of `indices` with `concurrency` callers, each taking the next index
 * as soon as its previous call ends (a closed loop, as that many shoppers tapping at once).
 * `work` answers false for a failed call.
 */
export async function runStretch(
  indices: number[],
  concurrency: number,
  work: (i: number) => Promise<boolean>,
): Promise<Stretch> {
  const latencies: number[] = []
  let next = 0
  let failures = 0
  const started = process.hrtime.bigint()
  const caller = async () => {
    for (;;) {
      const n = next++
      if (n >= indices.length) return
      const t0 = process.hrtime.bigint()
      const ok = await work(indices[n])
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6)
      if (!ok) failures++
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, indices.length) }, caller))
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9, failures }
}

/** The timing of several stretches at one concurrency, as if they were one run. */
export function summarise(stretches: Stretch[], concurrency: number): Timing {
  const sorted = stretches.flatMap((s) => s.latencies).sort((a, b) => a - b)
  const seconds = stretches.reduce((sum, s) => sum + s.seconds, 0)
  return {
    calls: sorted.length,
    concurrency,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    failures: stretches.reduce((sum, s) => sum + s.failures, 0),
  }
}

/** Runs a synchronous operation `count` times; answers operations per second. */
export function rate(count: number, op: (i: number) => void): number {
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i++) op(i)
  return count / (Number(process.hrtime.bigint() - started) / 1e9)
}

export interface LookupResult {
  name: string
  perSecond: number
  p50Ms: number
  p99Ms: number
  readsPerLookup: number
}

/** What `lookup` counts: the database reads of the environment it runs in. */
export interface ReadCounter {
  ops: { reads: number }
  resetOps(): void
}

/** `count` look-ups one after the other (1 caller): rate, p50 and p99, reads per look-up. */
export async function lookup(
  env: ReadCounter,
  name: string,
  count: number,
  find: (i: number) => Promise<boolean>,
): Promise<LookupResult> {
  env.resetOps()
  const latencies: number[] = []
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint()
    if (!(await find(i))) throw new Error(`${name}: lookup ${i} found nothing`)
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  latencies.sort((a, b) => a - b)
  return {
    name,
    perSecond: count / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    readsPerLookup: env.ops.reads / count,
  }
}
