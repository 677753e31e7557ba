/**
 * The points ledger against a real local-cloud database: one entry per idempotency key, lots
 * drained earliest expiry first, holds, refunds, expiry, the member's balance written with the
 * entry, and daily totals.
 */
import type { Doc } from '../../cloudfunctions/common/db'
import {
  balanceOf,
  createLedger,
  qualifyingSpend,
  type EntrySource,
  type Ledger,
  type LedgerEntry,
  type LotDoc,
} from '../../cloudfunctions/common/points/ledger'
import { DEMO_STORES } from '../../database/seed'
import { createTestEnv, shopper, type TestEnv } from './support'

const STORE = DEMO_STORES.xuhui
const ACTOR = 'staff:s-1'
const DAY = 86_400_000

let env: TestEnv
let ledger: Ledger
let memberId: string
let openid: string

beforeEach(async () => {
  env = await createTestEnv()
  ledger = createLedger({
    db: env.db,
    clock: env.clock,
    policy: { holdDays: 7, expiry: { kind: 'endOfNextYear' } },
  })
  openid = shopper()
  memberId = await env.member(openid)
})
afterEach(() => env.cloud.close())

const receipt = (ref: string): EntrySource => ({ kind: 'pos', ref: `${STORE}:${ref}` })
const earn = (ref: string, points: number, extra: { amountFen?: number; immediate?: boolean } = {}) =>
  ledger.earn({ memberId, source: receipt(ref), points, storeId: STORE, actor: ACTOR, ...extra })
const spend = (ref: string, points: number) =>
  ledger.spend({ memberId, source: { kind: 'redemption', ref }, points, storeId: STORE, actor: ACTOR })

async function member(): Promise<Doc & { points: number }> {
  const { data } = await env.db.collection('members').doc(memberId).get()
  return data as Doc & { points: number }
}
const now = () => new Date(env.clock.now()).toISOString()
const entries = async () =>
  (await env.all('points_ledger')).filter((e) => e.memberId === memberId) as LedgerEntry[]
const lots = async () => (await env.all('points_lots')).filter((l) => l.memberId === memberId) as LotDoc[]

describe('earn', () => {
  it('writes the entry, a held lot and the balance in one go, once per receipt', async () => {
    const first = await earn('R-1', 128, { amountFen: 12_850 })
    const again = await earn('R-1', 128, { amountFen: 12_850 })
    expect(first).toMatchObject({ repeated: false, entry: { _id: `earn:pos:${STORE}:R-1`, delta: 128 } })
    expect(again).toMatchObject({ repeated: true, entry: { _id: `earn:pos:${STORE}:R-1` } })
    expect(await entries()).toHaveLength(1)
    expect(balanceOf(await member(), now())).toEqual({ available: 0, pending: 128 })
    expect(qualifyingSpend(await member(), now())).toBe(12_850)
    env.clock.advance(7 * DAY)
    expect(balanceOf(await member(), now())).toEqual({ available: 128, pending: 0 })
  })

  it('counts one earn when the same receipt arrives twelve times at once', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => earn('R-2', 50)))
    expect(answers.filter((a) => 'entry' in a && !a.repeated)).toHaveLength(1)
    expect(answers.every((a) => 'entry' in a && a.entry._id === `earn:pos:${STORE}:R-2`)).toBe(true)
    expect((await member()).points).toBe(50)
    expect(await lots()).toHaveLength(1)
  })

  it('keeps the balance right under concurrent earns of different receipts', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => earn(`R-c${i}`, 10 + i)))
    expect((await member()).points).toBe(145)
    expect((await entries()).reduce((sum, e) => sum + e.delta, 0)).toBe(145)
  })
})

describe('spend', () => {
  it('draws from the lots expiring first and names them', async () => {
    await earn('old', 100, { immediate: true })
    env.clock.set('2025-03-01T02:00:00Z')
    await earn('new', 300, { immediate: true })
    const spent = await spend('order-1', 150)
    expect(spent).toMatchObject({
      repeated: false,
      entry: {
        delta: -150,
        allocations: [
          { lotId: `earn:pos:${STORE}:old`, points: 100 },
          { lotId: `earn:pos:${STORE}:new`, points: 50 },
        ],
      },
    })
    expect((await lots()).map((l) => l.remaining).sort()).toEqual([0, 250])
    expect((await member()).points).toBe(250)
  })

  it('refuses to spend held points or more than is available, writing nothing', async () => {
    await earn('held', 500)
    expect(await spend('order-2', 1)).toEqual({ error: 'POINTS_INSUFFICIENT' })
    expect(await entries()).toHaveLength(1)
    expect((await member()).points).toBe(500)
  })

  it('never overspends when two redemptions race for the same points', async () => {
    await earn('only', 100, { immediate: true })
    const answers = await Promise.all([spend('a', 80), spend('b', 80)])
    expect(answers.filter((a) => 'entry' in a)).toHaveLength(1)
    expect(answers.filter((a) => 'error' in a)).toEqual([{ error: 'POINTS_INSUFFICIENT' }])
    expect((await member()).points).toBe(20)
    expect((await lots())[0].remaining).toBe(20)
  })
})

describe('a spend planned from lots that changed under it', () => {
  it('writes nothing of a draw it cannot finish, and succeeds on its rerun', async () => {
    env.clock.set('2024-06-15T02:00:00Z')
    await earn('A', 100, { immediate: true })
    env.clock.set('2025-06-15T02:00:00Z')
    await earn('B', 100, { immediate: true })
    // A lot that appears after the spend's snapshot (written by hand: what a concurrent writer
    // could leave), expiring between A and B: the plan draws from it, the snapshot cannot see it.
    let injected = false
    const stop = env.cloud.onTransactionStep(async (step) => {
      if (injected || step.action !== 'database.getDocument' || step.collection !== 'members') return
      injected = true
      await env.db.collection('points_lots').add({
        data: {
          _id: 'lot-C',
          memberId,
          earned: 100,
          remaining: 100,
          availableFrom: new Date('2024-01-01T00:00:00Z'),
          expiresAt: new Date('2026-06-30T15:59:59.999Z'),
        },
      })
    })
    const spent = await spend('after-injection', 150).finally(stop)
    expect(spent).toMatchObject({
      repeated: false,
      entry: {
        allocations: [
          { lotId: `earn:pos:${STORE}:A`, points: 100 },
          { lotId: 'lot-C', points: 50 },
        ],
      },
    })
    const remaining = Object.fromEntries((await lots()).map((lot) => [lot._id, lot.remaining]))
    expect(remaining).toEqual({ [`earn:pos:${STORE}:A`]: 0, [`earn:pos:${STORE}:B`]: 100, 'lot-C': 50 })
  })
})

describe('reverse', () => {
  const refund = (ref: string, points: number, refundPolicy: 'negative' | 'absorb') =>
    ledger.reverse({
      memberId,
      earnSource: receipt('R-9'),
      refundRef: ref,
      points,
      refundFen: 1_000,
      actor: ACTOR,
      refundPolicy,
    })

  it('takes back a partial refund’s points once, from the purchase’s lot', async () => {
    await earn('R-9', 200, { amountFen: 20_000 })
    expect(await refund('refund-1', 50, 'negative')).toMatchObject({ repeated: false, entry: { delta: -50 } })
    expect(await refund('refund-1', 50, 'negative')).toMatchObject({ repeated: true })
    expect((await member()).points).toBe(150)
    expect(balanceOf(await member(), now()).pending).toBe(150)
    expect(qualifyingSpend(await member(), now())).toBe(19_000)
  })

  it('shows what was already spent as owed under the negative policy, and new points pay it first', async () => {
    await earn('R-9', 200, { immediate: true })
    await spend('gift', 200)
    expect(await refund('refund-2', 200, 'negative')).toMatchObject({ entry: { delta: -200, owed: 200 } })
    expect((await member()).points).toBe(-200)
    await earn('R-10', 250, { immediate: true })
    expect((await member()).points).toBe(50)
    expect((await lots()).find((l) => l._id.endsWith('R-10'))?.remaining).toBe(50)
  })

  it('lets the mall absorb what was spent under the absorb policy', async () => {
    await earn('R-9', 200, { immediate: true })
    await spend('gift', 150)
    expect(await refund('refund-3', 200, 'absorb')).toMatchObject({ entry: { delta: -50, absorbed: 150 } })
    expect((await member()).points).toBe(0)
  })

  it('refuses a refund of an earn the member does not have', async () => {
    expect(await refund('refund-4', 10, 'negative')).toEqual({ error: 'POINTS_SOURCE_UNKNOWN' })
  })
})

describe('expireLot', () => {
  it('writes off what an expired lot holds, once', async () => {
    await earn('R-e', 120, { immediate: true })
    await spend('part', 20)
    const [lot] = await lots()
    expect(await ledger.expireLot(lot, 'system:expiry')).toEqual({ error: 'POINTS_SOURCE_UNKNOWN' })
    env.clock.set(new Date(lot.expiresAt).getTime() + 1)
    expect(await ledger.expireLot(lot, 'system:expiry')).toMatchObject({
      entry: { kind: 'expire', delta: -100 },
    })
    expect(await ledger.expireLot(lot, 'system:expiry')).toMatchObject({ repeated: true })
    expect((await member()).points).toBe(0)
  })
})

describe('daily totals', () => {
  it('adds up issued, spent and reversed points per store and day across shards', async () => {
    await earn('R-9', 200, { immediate: true })
    await spend('gift', 30)
    await ledger.reverse({
      memberId,
      earnSource: receipt('R-9'),
      refundRef: 'r',
      points: 20,
      actor: ACTOR,
      refundPolicy: 'negative',
    })
    const days = await env.all('points_days')
    const sum = (key: string) => days.reduce((total, d) => total + Number(d[key] ?? 0), 0)
    expect([sum('issued'), sum('spent'), sum('reversed')]).toEqual([200, 30, 20])
    expect(days.every((d) => d.storeId === STORE)).toBe(true)
  })
})

describe('deletion of the account', () => {
  it('[7.2] keeps the entries and lots for accounting, linked to nobody', async () => {
    await earn('R-d', 80, { immediate: true })
    await spend('d-gift', 30)
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    const kept = [...(await env.all('points_ledger')), ...(await env.all('points_lots'))].filter((doc) =>
      String(doc._id).includes('R-d'),
    )
    expect(kept).toHaveLength(2)
    expect(await env.dump()).not.toContain(memberId)
  })
})
