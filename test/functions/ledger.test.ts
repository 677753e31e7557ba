/**
 * The points ledger against a real local-cloud database: one entry per idempotency key, lots
 * drained earliest expiry first, holds, refunds, expiry, the member's balance and lots written
 * with the entry, the entries' chain, and daily totals.
 */
import type { Doc } from '../../cloudfunctions/common/db'
import {
  balanceOf,
  createLedger,
  qualifyingSpend,
  type EntrySource,
  type Ledger,
  DAY_SHARDS,
  type BalanceFields,
  type LedgerEntry,
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

async function member(): Promise<Doc & BalanceFields> {
  const { data } = await env.db.collection('members').doc(memberId).get()
  return data as Doc & BalanceFields
}
const now = () => new Date(env.clock.now()).toISOString()
const entries = async () =>
  (await env.all('points_ledger')).filter((e) => e.memberId === memberId) as LedgerEntry[]
const lots = async () => (await member()).lots ?? []
const END_2025 = '2025-12-31T15:59:59.999Z'
const END_2026 = '2026-12-31T15:59:59.999Z'

describe('earn', () => {
  it('writes the entry, which is the lot, the held lot and the balance in one go, once per receipt', async () => {
    const first = await earn('R-1', 128, { amountFen: 12_850 })
    const again = await earn('R-1', 128, { amountFen: 12_850 })
    const id = `earn:pos:${STORE}:R-1`
    const availableFrom = new Date(env.clock.now() + 7 * DAY).toISOString()
    expect(first).toMatchObject({
      repeated: false,
      entry: { _id: id, delta: 128, lot: { points: 128, availableFrom, expiresAt: END_2025 } },
    })
    expect(again).toMatchObject({ repeated: true, entry: { _id: id } })
    expect(await entries()).toHaveLength(1)
    expect(await lots()).toEqual([{ expiresAt: END_2025, points: 128, heldUntil: availableFrom, entry: id }])
    expect(balanceOf(await member(), now())).toEqual({ available: 0, pending: 128 })
    expect(qualifyingSpend(await member(), now())).toBe(12_850)
    env.clock.advance(7 * DAY)
    expect(balanceOf(await member(), now())).toEqual({ available: 128, pending: 0 })
  })

  it('chains each member’s entries under the signing key, the head on the member document', async () => {
    await earn('R-c1', 10, { immediate: true })
    await spend('c-gift', 4)
    await earn('R-c2', 7)
    const chain = (await entries()).sort((a, b) => a.seq - b.seq)
    expect(chain.map((e) => [e.seq, e.kind, e.actor, e.purpose])).toEqual([
      [1, 'earn', ACTOR, 'membership'],
      [2, 'spend', ACTOR, 'membership'],
      [3, 'earn', ACTOR, 'membership'],
    ])
    expect(new Set(chain.map((e) => e.mac)).size).toBe(3)
    expect((await member()).ledgerHead).toEqual({ seq: 3, mac: chain[2].mac })
  })

  it('counts one earn when the same receipt arrives twelve times at once', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => earn('R-2', 50)))
    expect(answers.filter((a) => 'entry' in a && !a.repeated)).toHaveLength(1)
    expect(answers.every((a) => 'entry' in a && a.entry._id === `earn:pos:${STORE}:R-2`)).toBe(true)
    expect((await member()).points).toBe(50)
    expect(await lots()).toHaveLength(1)
    expect((await member()).ledgerHead?.seq).toBe(1)
  })

  it('loses no update when 16 tills earn for one member at once', async () => {
    await Promise.all(Array.from({ length: 16 }, (_, i) => earn(`R-c${i}`, 10 + i)))
    expect((await member()).points).toBe(280)
    expect((await entries()).reduce((sum, e) => sum + e.delta, 0)).toBe(280)
    expect((await lots()).reduce((sum, t) => sum + t.points, 0)).toBe(280)
    expect((await entries()).map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1),
    )
  })
})

describe('spend', () => {
  it('draws from the lots expiring first and names their expiries', async () => {
    await earn('old', 100, { immediate: true })
    env.clock.set('2025-03-01T02:00:00Z')
    await earn('new', 300, { immediate: true })
    const spent = await spend('order-1', 150)
    expect(spent).toMatchObject({
      repeated: false,
      entry: {
        delta: -150,
        allocations: [
          { expiresAt: END_2025, points: 100 },
          { expiresAt: END_2026, points: 50 },
        ],
      },
    })
    expect(await lots()).toEqual([{ expiresAt: END_2026, points: 250 }])
    expect((await member()).lotsExpireAt).toEqual(new Date(END_2026))
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
    expect((await lots())[0].points).toBe(20)
  })
})

describe('a member changed under a spend', () => {
  it('writes nothing of the first run, and spends from what the member holds on the rerun', async () => {
    await earn('A', 200, { immediate: true })
    // An earn that commits after the spend read the member: the spend's writes conflict, and its
    // rerun reads the member again — no update is lost and the chain stays whole.
    let injected = false
    const stop = env.cloud.onTransactionStep(async (step) => {
      if (injected || step.action !== 'database.getDocument' || step.collection !== 'members') return
      injected = true
      await earn('C', 100, { immediate: true })
    })
    const spent = await spend('after-injection', 150).finally(stop)
    expect(spent).toMatchObject({ repeated: false, entry: { seq: 3, allocations: [{ points: 150 }] } })
    expect((await member()).points).toBe(150)
    expect(await lots()).toEqual([{ expiresAt: END_2025, points: 150 }])
    expect((await entries()).map((e) => e.seq).sort()).toEqual([1, 2, 3])
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
    expect(await lots()).toEqual([{ expiresAt: END_2025, points: 50 }])
  })

  it('lets the mall absorb what was spent under the absorb policy', async () => {
    await earn('R-9', 200, { immediate: true })
    await spend('gift', 150)
    expect(await refund('refund-3', 200, 'absorb')).toMatchObject({ entry: { delta: -50, absorbed: 150 } })
    expect((await member()).points).toBe(0)
  })

  /** A refund of `fen` that takes back a point per yuan, decided on the purchase's totals. */
  const refundOf = (ref: string, fen: number) =>
    ledger.reverse({
      memberId,
      earnSource: receipt('R-9'),
      refundRef: ref,
      points: (earned, before) =>
        before.refundedFen + fen > (earned.amountFen ?? 0) ? 'REFUND_EXCEEDS_PURCHASE' : fen / 100,
      refundFen: fen,
      actor: ACTOR,
      refundPolicy: 'negative',
    })

  /** Runs `competing` once, when a reversal's transaction has read the purchase's totals. */
  const whenTotalsRead = (competing: () => Promise<unknown>) => {
    let ran = false
    const stop = env.cloud.onTransactionStep(async (step) => {
      if (ran || step.action !== 'database.getDocument' || step.collection !== 'points_refunds') return
      ran = true
      await competing()
    })
    return { stop, ran: () => ran }
  }

  it('decides a refund on the totals its transaction read: one committed in between makes it rerun', async () => {
    await earn('R-9', 200, { amountFen: 20_000 })
    const race = whenTotalsRead(() => refundOf('refund-a', 15_000))
    expect(await refundOf('refund-b', 10_000).finally(race.stop)).toEqual({
      error: 'REFUND_EXCEEDS_PURCHASE',
    })
    expect(race.ran()).toBe(true)
    expect((await member()).points).toBe(50)
    expect((await env.all('points_refunds'))[0]).toMatchObject({ refundedFen: 15_000, reversedPoints: 150 })
  })

  it('answers a repeat that races its own first write with that write, not as beyond the purchase', async () => {
    await earn('R-9', 200, { amountFen: 20_000 })
    expect(await refundOf('refund-x', 5_000)).toMatchObject({
      repeated: false,
      refunds: { refundedFen: 5_000, reversedPoints: 50 },
    })
    let first: unknown
    const race = whenTotalsRead(async () => {
      first = await refundOf('refund-a', 15_000)
    })
    const repeat = await refundOf('refund-a', 15_000).finally(race.stop)
    expect(race.ran()).toBe(true)
    expect(first).toMatchObject({ repeated: false, entry: { delta: -150 } })
    expect(repeat).toMatchObject({
      repeated: true,
      entry: (first as { entry: LedgerEntry }).entry,
      refunds: { refundedFen: 20_000, reversedPoints: 200 },
    })
    expect((await member()).points).toBe(0)
    expect(await refundOf('refund-a', 15_000)).toMatchObject({ repeated: true, entry: { delta: -150 } })
  })

  it('refuses a refund of an earn the member does not have', async () => {
    expect(await refund('refund-4', 10, 'negative')).toEqual({ error: 'POINTS_SOURCE_UNKNOWN' })
  })
})

describe('expireDue', () => {
  it('writes off what the expired lots hold, once', async () => {
    await earn('R-e', 120, { immediate: true })
    env.clock.set('2025-03-01T02:00:00Z')
    await earn('R-f', 30, { immediate: true })
    await spend('part', 20)
    expect(await ledger.expireDue(memberId, 'system:expiry')).toEqual({ error: 'NOTHING_DUE' })
    env.clock.set(Date.parse(END_2025) + 1)
    // From their last millisecond on, expired points are not available, written off or not yet.
    expect(balanceOf(await member(), now())).toEqual({ available: 30, pending: 0 })
    expect(await ledger.expireDue(memberId, 'system:expiry')).toMatchObject({
      entry: { kind: 'expire', delta: -100, allocations: [{ expiresAt: END_2025, points: 100 }] },
    })
    expect(await ledger.expireDue(memberId, 'system:expiry')).toEqual({ error: 'NOTHING_DUE' })
    expect((await member()).points).toBe(30)
    expect((await member()).lotsExpireAt).toEqual(new Date(END_2026))
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
    // The day's shards were created by its first entry; the others only added to them.
    expect(days).toHaveLength(DAY_SHARDS)
  })
})

describe('deletion of the account', () => {
  it('[7.2] keeps the entries for accounting, linked to nobody', async () => {
    await earn('R-d', 80, { immediate: true })
    await spend('d-gift', 30)
    // The member's own redemption names them by their WeChat actor (the same after a new sign-up).
    await ledger.spend({
      memberId,
      source: { kind: 'redemption', ref: 'd-own' },
      points: 10,
      storeId: STORE,
      actor: 'wx:own-hash',
    })
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    const kept = (await env.all('points_ledger')).filter((doc) => String(doc._id).includes('R-d'))
    expect(kept).toHaveLength(1)
    expect(await env.dump()).not.toContain(memberId)
    expect(await env.dump()).not.toContain('wx:own-hash')
    const own = (await env.all('points_ledger')).find((e) => String(e._id).endsWith('d-own'))
    expect(own).toMatchObject({ actor: 'wx:erased', delta: -10 })
  })
})
