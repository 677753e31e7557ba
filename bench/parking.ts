/**
 * Parking benchmarks (issue #12): the car park's events applied to sessions (what `ingest` calls
 * per posted event) with database operations per event, the fee computation, and the retention
 * sweep's rate over due sessions (with what 1,000,000 sessions would take at that rate).
 */
import { createAuditLog } from '../cloudfunctions/common/audit'
import { auditSignerFromEnv } from '../cloudfunctions/common/chain'
import { systemClock } from '../cloudfunctions/common/clock'
import { asDb, COLLECTIONS, DB_OPTIONS } from '../cloudfunctions/common/db'
import { createParkingSessions } from '../cloudfunctions/common/parking/sessions'
import { createTariffBook } from '../cloudfunctions/common/parking/tariffs'
import { vaultFromEnv } from '../cloudfunctions/common/vault'
import { createSweeps, retentionSweep } from '../cloudfunctions/scheduler/sweeps'
import { DEMO_CAR_PARK } from '../database/seed'
import { parkingFee } from '../src/domain/parking/fee'
import { DEMO_PARKING_RULES, DEMO_PARKING_TARIFF } from '../src/domain/parking/tariffs'
import { NOTICE_VERSION } from '../src/domain/consent/purposes'
import type { ActionCase, BenchCall } from './actions'
import type { Answer, BenchEnv } from './lib/env'

let plates = 0

/** A plate of its own for each pair of events: 沪A00000, 沪A00001 … */
const nextPlate = () => `沪A${String(plates++ % 100_000).padStart(5, '0')}`

function parkingOf(env: BenchEnv) {
  const db = asDb(env.cloud.database(DB_OPTIONS))
  return createParkingSessions({
    db,
    keyDb: () => asDb(env.cloud.database({ ...DB_OPTIONS, env: env.cloud.keyEnv })),
    vault: vaultFromEnv(process.env),
    clock: systemClock,
    tariffs: createTariffBook(systemClock),
    audit: createAuditLog({ db, signer: auditSignerFromEnv(process.env), clock: systemClock }),
  })
}

export const PARKING_CASES: ActionCase[] = [
  {
    // An entry, then the same plate's exit: a session opened and closed per two events.
    fn: 'parking',
    action: 'applyEvent',
    prepare: async (_env, n) => {
      const calls: BenchCall[] = []
      let plate = ''
      for (let i = 0; i < n; i++) {
        if (i % 2 === 0) plate = nextPlate()
        const minutesAgo = i % 2 === 0 ? 90 : 5
        calls.push({
          openid: '',
          data: {
            eventId: `bench-${plates}-${i}`,
            kind: i % 2 === 0 ? 'entry' : 'exit',
            plate,
            at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
          },
        })
      }
      return calls
    },
    invoke: async (env, call) => (await parkingOf(env).applyCarParkEvent(DEMO_CAR_PARK, call.data)) as Answer,
  },
  {
    // A member's fee over a night: the tariff, the tier's free time, the day's spending, points.
    fn: 'parking',
    action: 'fee',
    prepare: async (_env, n) => Array.from({ length: n }, () => ({ openid: '' })),
    invoke: async () => {
      const fee = parkingFee({
        session: { enteredAt: '2026-12-07T10:00:00.000Z', until: '2026-12-08T03:30:00.000Z' },
        payer: { tier: 'vip', availablePoints: 5000 },
        tariff: DEMO_PARKING_TARIFF,
        rules: DEMO_PARKING_RULES,
        receipts: [{ amountFen: 45_000, at: '2026-12-08T02:00:00.000Z' }],
        voucherMinutes: [120],
      })
      return { ok: true, data: { amountFen: fee.amountFen } }
    },
  },
]

/** `n` sessions of their own plates parked for two hours, unpaid: their ids. */
export async function unpaidSessions(env: BenchEnv, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const plate = nextPlate()
    const eventId = `bench-unpaid-${plates}`
    const entry = { eventId, kind: 'entry', plate, at: new Date(Date.now() - 120 * 60_000).toISOString() }
    const applied = await parkingOf(env).applyCarParkEvent(DEMO_CAR_PARK, entry)
    if (!applied.ok) throw new Error(`parking entry failed: ${applied.code}`)
    ids.push(applied.data.sessionId)
  }
  return ids
}

/** Members with a bound plate parked now (an entry applied), made once per environment. */
const PARKED_MEMBERS = 8
const parked = new WeakMap<BenchEnv, Promise<Array<{ openid: string; plate: string }>>>()

function parkedMembers(env: BenchEnv) {
  let made = parked.get(env)
  if (!made) {
    made = (async () => {
      const out: Array<{ openid: string; plate: string }> = []
      for (const openid of await env.newMembers(PARKED_MEMBERS)) {
        const plate = `沪B${String(plates++ % 100_000).padStart(5, '0')}`
        const steps = [
          ['setConsent', { purpose: 'parking', granted: true, noticeVersion: NOTICE_VERSION }],
          ['bindPlate', { plate }],
        ] as const
        for (const [action, data] of steps) {
          const answer = await env.call('member', action, openid, data)
          if (!answer.ok) throw new Error(`member.${action} failed: ${answer.code}`)
        }
        const entry = {
          eventId: `bench-parked-${plates}`,
          kind: 'entry',
          plate,
          at: new Date(Date.now() - 150 * 60_000).toISOString(),
        }
        const applied = await parkingOf(env).applyCarParkEvent(DEMO_CAR_PARK, entry)
        if (!applied.ok) throw new Error(`parking entry failed: ${applied.code}`)
        out.push({ openid, plate })
      }
      return out
    })()
    parked.set(env, made)
  }
  return made
}

/** The member's open sessions with their quote; a shopper's quote by plate (a fresh caller every few look-ups). */
PARKING_CASES.push(
  {
    fn: 'member',
    action: 'parkingSession',
    prepare: async (env, n) => {
      const members = await parkedMembers(env)
      return Array.from({ length: n }, (_v, i) => ({ openid: members[i % members.length].openid }))
    },
  },
  {
    fn: 'member',
    action: 'parkingByPlate',
    prepare: async (env, n) => {
      const members = await parkedMembers(env)
      return Array.from({ length: n }, (_v, i) => ({
        openid: `bench-plate-caller-${plates}-${Math.floor(i / 5)}`,
        data: { plate: members[i % members.length].plate },
      }))
    },
  },
)

export interface SweepRate {
  sessions: number
  seconds: number
  perSecond: number
  /** Seconds 1,000,000 due sessions would take at this rate. */
  millionSeconds: number
  readsPerSession: number
  writesPerSession: number
}

/** Adds `count` sessions past their retention, then times the `parkingSessions` sweep over them. */
export async function benchParkingSweep(env: BenchEnv, count: number): Promise<SweepRate> {
  const db = asDb(env.cloud.database(DB_OPTIONS))
  const old = new Date(Date.now() - 40 * 86_400_000)
  const batch = 1000
  for (let from = 0; from < count; from += batch) {
    const docs = Array.from({ length: Math.min(batch, count - from) }, (_v, k) => ({
      _id: `bench-sweep-${from + k}`,
      carParkId: DEMO_CAR_PARK.carParkId,
      storeId: DEMO_CAR_PARK.storeId,
      plateIndex: `bench-${from + k}`,
      state: 'closed',
      enteredAt: old,
      exitedAt: old,
      lastAt: old,
      sortAt: old,
    }))
    await db.collection(COLLECTIONS.parkingSessions).add({ data: docs })
  }
  const rule = retentionSweep('parkingSessions')
  if (!rule) throw new Error('no parkingSessions sweep in the manifest')
  const sweeps = createSweeps({
    db,
    keyDb: () => asDb(env.cloud.database({ ...DB_OPTIONS, env: env.cloud.keyEnv })),
    clock: systemClock,
    eraseMember: () => async () => undefined,
  })
  env.resetOps()
  const started = process.hrtime.bigint()
  const run = await sweeps.run(rule)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (!run.complete || run.removed < count) throw new Error(`the sweep removed ${run.removed} of ${count}`)
  const perSecond = run.removed / seconds
  return {
    sessions: run.removed,
    seconds,
    perSecond,
    millionSeconds: 1_000_000 / perSecond,
    readsPerSession: env.ops.reads / run.removed,
    writesPerSession: env.ops.writes / run.removed,
  }
}
