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

/**
 * Runs `work(i)` for i in [0, calls) with `concurrency` callers, each taking the next index as
 * soon as its previous call ends (a closed loop, as that many shoppers tapping at once).
 * `work` answers false for a failed call.
 */
export async function runConcurrent(
  calls: number,
  concurrency: number,
  work: (i: number) => Promise<boolean>,
): Promise<Timing> {
  const latencies: number[] = new Array(calls)
  let next = 0
  let failures = 0
  const started = process.hrtime.bigint()
  const caller = async () => {
    for (;;) {
      const i = next++
      if (i >= calls) return
      const t0 = process.hrtime.bigint()
      const ok = await work(i)
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6
      if (!ok) failures++
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, caller))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const sorted = latencies.slice().sort((a, b) => a - b)
  return {
    calls,
    concurrency,
    perSecond: calls / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    failures,
  }
}

/** Runs a synchronous operation `count` times; answers operations per second. */
export function rate(count: number, op: (i: number) => void): number {
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i++) op(i)
  return count / (Number(process.hrtime.bigint() - started) / 1e9)
}
