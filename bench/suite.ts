/**
 * The runtime half of `npm run bench` (bench/run.mjs bundles this file with `wx-server-sdk`
 * resolved to local-cloud and runs it): raw SQLite and vault baselines, every registered action
 * at 1 and 16 concurrent callers with database operations per call, and optionally a scale test.
 * Writes its measurements as JSON to the path after `--out`.
 */
import { writeFileSync } from 'node:fs'
import os from 'node:os'

import { asDb, COLLECTIONS } from '../cloudfunctions/common/db'
import { vaultFromEnv } from '../cloudfunctions/common/vault'
import { manualClock } from '../cloudfunctions/common/clock'
import { createTierReview } from '../cloudfunctions/scheduler/tiers'
import { ACTION_CASES, caseName, type ActionCase } from './actions'
import { createBenchEnv, type BenchEnv, type OpCounts } from './lib/env'
import { lookup, runStretch, summarise, type LookupResult, type Stretch, type Timing } from './lib/measure'
import { sqliteRates, vaultCosts, type SqliteRates, type VaultCosts } from './lib/raw'
import { generatedMemberNo, generatedPhone, generateMembers, type GenerateReport } from './scale'
import { benchParkingSweep, type SweepRate } from './parking'
import { benchLedger, type LedgerScaleResult } from './ledger'

export const CONCURRENCY = [1, 16] as const
/**
 * Each action's calls at 1 and at 16 callers run in this many alternating rounds, so that both
 * see the same machine: on a shared one, load that comes and goes would otherwise fall on one
 * concurrency and not the other, and the ratios between them would measure the neighbours.
 */
const ROUNDS = 5

export interface ActionResult extends Timing {
  name: string
  /** Main environment. */
  readsPerCall: number
  writesPerCall: number
  /** Key environment. */
  keyReadsPerCall: number
  keyWritesPerCall: number
  transactionsPerCall: number
  /** The code of the first failed answer, if any. */
  failureCode?: string
  /** Cases with expected refusals (SOLD_OUT): the calls that succeeded, of all made. */
  accepted?: number
  attempted?: number
}

export interface ScaleResult {
  members: number
  generate: GenerateReport
  actions: ActionResult[]
  lookups: LookupResult[]
  databaseMB: number
}

/** A scheduler job over generated members: how many it handles per second. */
export interface JobResult {
  name: string
  members: number
  seconds: number
  membersPerSecond: number
}

export interface SuiteResult {
  machine: { cpu: string; cores: number; node: string; platform: string; date: string }
  quick: boolean
  sqlite: SqliteRates
  vault: VaultCosts
  actions: ActionResult[]
  jobs: JobResult[]
  scale?: ScaleResult
  /** The parking sessions' retention sweep (bench/parking.ts). */
  parkingSweep?: SweepRate
  /** The points ledger at scale: history page, reconciliation, year-end expiry (bench/ledger.ts). */
  pointsLedger?: LedgerScaleResult
}

interface Options {
  quick: boolean
  scale?: number
  /** Parking sessions past their retention the sweep is measured over (default 5k quick, 50k). */
  sweep?: number
  /** Members with ten ledger entries each the points ledger is measured at (default 2k quick, 50k). */
  ledger?: number
  only?: string
  out?: string
}

/** Whether `--only` selects a case or job: its name contains one of the comma-separated texts. */
function selected(options: Options, name: string): boolean {
  return !options.only || options.only.split(',').some((text) => name.includes(text))
}

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text)
  if (!match) throw new Error(`expected a size such as 100k or 1M, not "${text}"`)
  const factor = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match[2]] ?? 1
  return Math.round(Number(match[1]) * factor)
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') options.quick = true
    else if (arg === '--scale') options.scale = parseSize(argv[++i] ?? '')
    else if (arg === '--sweep') options.sweep = parseSize(argv[++i] ?? '')
    else if (arg === '--ledger') options.ledger = parseSize(argv[++i] ?? '')
    else if (arg === '--only') options.only = argv[++i]
    else if (arg === '--out') options.out = argv[++i]
    else throw new Error(`unknown argument ${arg}`)
  }
  return options
}

const log = (line: string) => process.stderr.write(`${line}\n`)
const n0 = (value: number) => value.toFixed(0)

/** Calls per run of one action at one concurrency. */
function callsFor(c: ActionCase, concurrency: number, quick: boolean): number {
  const heavy = c.heavy ?? ['join', 'sendJoinCode', 'deleteAccount'].includes(c.action)
  const base = c.calls ? c.calls(quick) : quick ? (heavy ? 120 : 300) : heavy ? 600 : 2000
  return concurrency === 1 ? base / 2 : base
}

/** One action at every concurrency, in alternating rounds over calls prepared beforehand. */
async function benchAction(env: BenchEnv, c: ActionCase, quick: boolean): Promise<ActionResult[]> {
  const counts = CONCURRENCY.map((concurrency) => callsFor(c, concurrency, quick))
  const prepared = await c.prepare(
    env,
    counts.reduce((sum, n) => sum + n, 0),
  )
  // The calls of each concurrency: its own consecutive part of the prepared ones.
  const parts = counts.map((n, k) => {
    const from = counts.slice(0, k).reduce((sum, m) => sum + m, 0)
    return Array.from({ length: n }, (_v, i) => from + i)
  })
  const stretches: Stretch[][] = CONCURRENCY.map(() => [])
  const ops: OpCounts[] = CONCURRENCY.map(() => ({
    reads: 0,
    writes: 0,
    keyReads: 0,
    keyWrites: 0,
    transactions: 0,
    other: 0,
  }))
  const failureCodes: (string | undefined)[] = CONCURRENCY.map(() => undefined)
  const accepted = CONCURRENCY.map(() => 0)
  const work = (k: number) => async (i: number) => {
    const answer = c.invoke
      ? await c.invoke(env, prepared[i])
      : await env.call(c.fn, c.action, prepared[i].openid, prepared[i].data)
    if (answer.ok) accepted[k]++
    else if (c.expectedRefusals?.includes(answer.code)) return true
    else failureCodes[k] ??= answer.code
    return answer.ok
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, concurrency] of CONCURRENCY.entries()) {
      const part = parts[k]
      const slice = part.slice(
        Math.floor((part.length * round) / ROUNDS),
        Math.floor((part.length * (round + 1)) / ROUNDS),
      )
      env.resetOps()
      stretches[k].push(await runStretch(slice, concurrency, work(k)))
      for (const kind of Object.keys(ops[k]) as (keyof OpCounts)[]) ops[k][kind] += env.ops[kind]
    }
  }
  return CONCURRENCY.map((concurrency, k) => {
    const calls = counts[k]
    const failureCode = failureCodes[k]
    return {
      name: caseName(c),
      ...summarise(stretches[k], concurrency),
      readsPerCall: ops[k].reads / calls,
      writesPerCall: ops[k].writes / calls,
      keyReadsPerCall: ops[k].keyReads / calls,
      keyWritesPerCall: ops[k].keyWrites / calls,
      transactionsPerCall: ops[k].transactions / calls,
      ...(failureCode === undefined ? {} : { failureCode }),
      ...(c.expectedRefusals ? { accepted: accepted[k], attempted: calls } : {}),
    }
  })
}

async function benchActions(env: BenchEnv, options: Options, cases = ACTION_CASES): Promise<ActionResult[]> {
  const results: ActionResult[] = []
  for (const c of cases) {
    if (!selected(options, caseName(c))) continue
    for (const result of await benchAction(env, c, options.quick)) {
      const { concurrency } = result
      log(
        `  ${result.name} ×${concurrency}: ${result.perSecond.toFixed(0)}/s p50 ${result.p50Ms.toFixed(1)} ms p99 ${result.p99Ms.toFixed(1)} ms, ${result.readsPerCall.toFixed(2)} reads + ${result.writesPerCall.toFixed(2)} writes (key environment ${result.keyReadsPerCall.toFixed(2)} + ${result.keyWritesPerCall.toFixed(2)}) per call${result.attempted ? `, accepted ${result.accepted}/${result.attempted}` : ''}${result.failures ? `, ${result.failures} FAILED (${result.failureCode})` : ''}`,
      )
      results.push(result)
    }
  }
  return results
}

async function benchScale(members: number, options: Options): Promise<ScaleResult> {
  const env = await createBenchEnv()
  try {
    log(`scale: generating ${members.toLocaleString('en')} members …`)
    const step = Math.max(10_000, Math.round(members / 10))
    const generate = await generateMembers(env.cloud, members, {
      onProgress: (done) => {
        if (done % step === 0) log(`  ${done.toLocaleString('en')} members`)
      },
    })
    env.cloud.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    log(
      `  ${generate.documents.toLocaleString('en')} documents in ${generate.seconds.toFixed(1)} s (${generate.membersPerSecond.toFixed(0)} members/s)`,
    )
    const db = asDb(env.cloud.database({ throwOnNotFound: false }))
    const vault = vaultFromEnv(process.env)
    const pick = (i: number) => (i * 7_919 + 13) % members
    const count = options.quick ? 200 : 2000
    const lookups = [
      await lookup(env, 'member by phone (blind index → claim → member)', count, async (i) => {
        const claim = await db
          .collection(COLLECTIONS.identityIndex)
          .doc(`phone:${vault.blindIndex('phone', generatedPhone(pick(i)))}`)
          .get()
        if (!claim.data) return false
        const member = await db.collection(COLLECTIONS.members).doc(String(claim.data.memberId)).get()
        return member.data !== null
      }),
      await lookup(env, 'member by member number (indexed where)', count, async (i) => {
        const { data } = await db
          .collection(COLLECTIONS.members)
          .where({ memberNo: generatedMemberNo(pick(i)) })
          .limit(1)
          .get()
        return data.length === 1
      }),
    ]
    for (const l of lookups) log(`  ${l.name}: ${l.perSecond.toFixed(0)}/s p99 ${l.p99Ms.toFixed(2)} ms`)
    const scaleCases = ACTION_CASES.filter(
      (c) => ['home', 'join'].includes(c.action) && c.fn === 'member' && c.label === undefined,
    )
    const actions = await benchActions(env, { ...options, only: undefined }, scaleCases)
    const pageCount = env.cloud.sqlite.pragma('page_count', { simple: true }) as number
    const pageSize = env.cloud.sqlite.pragma('page_size', { simple: true }) as number
    return { members, generate, actions, lookups, databaseMB: (pageCount * pageSize) / 1024 / 1024 }
  } finally {
    env.close()
  }
}

/**
 * The yearly tier review over generated members (tiers without spend, so most change): one pass
 * of the job as the daily points trigger runs it on the review day, timed whole.
 */
async function benchTierReview(options: Options): Promise<JobResult> {
  const env = await createBenchEnv()
  try {
    const members = options.quick ? 2_000 : 20_000
    await generateMembers(env.cloud, members)
    const db = asDb(env.cloud.database({ throwOnNotFound: false }))
    const review = createTierReview({ db, clock: manualClock('2026-12-30T16:20:00Z') })
    const started = process.hrtime.bigint()
    const run = await review.run()
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (!run.due || !run.complete || run.reviewed !== members)
      throw new Error('the tier review did not finish')
    return { name: 'scheduler.reviewTiers', members, seconds, membersPerSecond: members / seconds }
  } finally {
    env.close()
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2))
  const cpus = os.cpus()
  const machine = {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
  }
  log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}`)
  const baseline = options.quick ? 5_000 : 50_000
  const sqlite = sqliteRates(baseline)
  log(
    `raw SQLite: insert ${sqlite.insertPerSecond.toFixed(0)}/s, select ${sqlite.selectPerSecond.toFixed(0)}/s`,
  )
  const vault = vaultCosts(options.quick ? 2_000 : 20_000)
  log(`vault: encrypt ${vault.encryptUs.toFixed(1)} µs, decrypt ${vault.decryptUs.toFixed(1)} µs per profile`)

  log('actions:')
  const env = await createBenchEnv()
  let actions: ActionResult[]
  let parkingSweep: SweepRate | undefined
  try {
    actions = await benchActions(env, options)
    if (selected(options, 'parking.sweep')) {
      parkingSweep = await benchParkingSweep(env, options.sweep ?? (options.quick ? 5_000 : 50_000))
      log(
        `parking sweep: ${parkingSweep.perSecond.toFixed(0)} sessions/s (${parkingSweep.readsPerSession.toFixed(3)} reads + ${parkingSweep.writesPerSession.toFixed(3)} writes per session); 1,000,000 sessions ≈ ${(parkingSweep.millionSeconds / 60).toFixed(1)} min`,
      )
    }
  } finally {
    env.close()
  }
  const runsJob = (name: string) => selected(options, name)
  let pointsLedger: LedgerScaleResult | undefined
  if (selected(options, 'points.ledger')) {
    const ledgerEnv = await createBenchEnv()
    try {
      pointsLedger = await benchLedger(ledgerEnv, options.ledger ?? (options.quick ? 2_000 : 50_000), log)
    } finally {
      ledgerEnv.close()
    }
  }
  const jobs = runsJob('scheduler.reviewTiers') ? [await benchTierReview(options)] : []
  for (const job of jobs)
    log(`job ${job.name}: ${n0(job.membersPerSecond)} members/s (${job.members} members)`)
  const result: SuiteResult = {
    machine,
    quick: options.quick,
    sqlite,
    vault,
    actions,
    jobs,
    ...(parkingSweep ? { parkingSweep } : {}),
    ...(pointsLedger ? { pointsLedger } : {}),
  }
  if (options.scale) result.scale = await benchScale(options.scale, options)
  const text = JSON.stringify(result, null, 2)
  if (options.out) writeFileSync(options.out, text)
  else process.stdout.write(`${text}\n`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
