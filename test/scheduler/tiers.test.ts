/**
 * The yearly tier review: on the review day every member's tier is set from the 12-month spend,
 * downgrades included; once per year; resumable when a run is cut short.
 */
import type { Clock } from '../../cloudfunctions/common/clock'
import { createLedger, type Ledger } from '../../cloudfunctions/common/points/ledger'
import { createTierReview } from '../../cloudfunctions/scheduler/tiers'
import { DEMO_STORES } from '../../database/seed'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { DEFAULT_TIER_POLICY } from '../../src/domain/points/tiers'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

const STORE = DEMO_STORES.xuhui
const { vip: VIP, vvip: VVIP } = DEFAULT_TIER_POLICY.thresholds
/** 2024-12-31 00:20 in China: the default review day. */
const REVIEW_DAY = '2024-12-30T16:20:00Z'

let env: TestEnv
let ledger: Ledger
beforeEach(async () => {
  env = await createTestEnv()
  ledger = createLedger({ db: env.db, clock: env.clock, policy: DEFAULT_LOT_POLICY })
  registerScheduler(env)
})
afterEach(() => env.cloud.close())

const tierOf = async (memberId: string) => (await env.db.collection('members').doc(memberId).get()).data?.tier
const reviews = async () => (await env.all('tier_changes')).filter((c) => c.reason === 'review')

/** Three members: one VVIP by status only, one VIP whose spend stays, one normal who spent enough. */
async function members(): Promise<{ fallen: string; kept: string; risen: string }> {
  const ids: string[] = []
  for (const phone of ['13800000011', '13800000012', '13800000013'])
    ids.push(await env.member(shopper(), { ...VALID_FORM, phone }))
  const [fallen, kept, risen] = ids
  await env.db
    .collection('members')
    .doc(fallen)
    .update({ data: { tier: 'vvip' } })
  const spend = async (memberId: string, ref: string, amountFen: number) =>
    ledger.earn({
      memberId,
      source: { kind: 'pos', ref },
      points: 1,
      storeId: STORE,
      actor: 'staff:s',
      amountFen,
    })
  await spend(kept, 'k', VIP)
  // Spent enough for VVIP and refunded most of it: the ledger kept the tier, the review lowers it.
  await spend(risen, 'r', VVIP)
  await ledger.reverse({
    memberId: risen,
    earnSource: { kind: 'pos', ref: 'r' },
    refundRef: 'f',
    points: 1,
    refundFen: VVIP - VIP,
    actor: 'staff:s',
    refundPolicy: 'absorb',
  })
  return { fallen, kept, risen }
}

describe('the yearly tier review', () => {
  test('[6.6.1] should set every tier from the 12-month spend on the review day, downgrades included', async () => {
    const { fallen, kept, risen } = await members()
    expect(await tierOf(risen)).toBe('vvip')
    const review = createTierReview({ db: env.db, clock: env.clock })

    expect(await review.run()).toEqual({ due: false, reviewOn: '2024-12-31' })
    expect(await tierOf(fallen)).toBe('vvip')

    env.clock.set(REVIEW_DAY)
    expect(await review.run()).toEqual({ due: true, year: 2024, reviewed: 3, changed: 2, complete: true })
    expect([await tierOf(fallen), await tierOf(kept), await tierOf(risen)]).toEqual(['normal', 'vip', 'vip'])
    expect(await reviews()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ _id: `review:2024:${fallen}`, from: 'vvip', to: 'normal', spendFen: 0 }),
        expect.objectContaining({ _id: `review:2024:${risen}`, from: 'vvip', to: 'vip', spendFen: VIP }),
      ]),
    )
  })

  test('should do nothing when run again in the same year', async () => {
    const { fallen } = await members()
    env.clock.set(REVIEW_DAY)
    const review = createTierReview({ db: env.db, clock: env.clock })
    await review.run()
    await env.db
      .collection('members')
      .doc(fallen)
      .update({ data: { tier: 'vvip' } })
    env.clock.advance(3_600_000)
    expect(await review.run()).toEqual({ due: true, year: 2024, reviewed: 0, changed: 0, complete: true })
    expect(await tierOf(fallen)).toBe('vvip')
    expect(await reviews()).toHaveLength(2)
  })

  test('should resume a run cut short and change each member once', async () => {
    await members()
    env.clock.set(REVIEW_DAY)
    // A clock that moves a second at each look: the budget runs out after the first page.
    let now = env.clock.now()
    const ticking: Clock = { now: () => (now += 1000) }
    const first = await createTierReview({ db: env.db, clock: ticking }).run({ pageSize: 1, budgetMs: 5000 })
    expect(first).toMatchObject({ complete: false })
    expect(first.due && first.reviewed).toBeGreaterThanOrEqual(1)
    expect(first.due && first.reviewed).toBeLessThan(3)
    const rest = await createTierReview({ db: env.db, clock: env.clock }).run({ pageSize: 1 })
    expect(rest).toMatchObject({ complete: true, reviewed: 3, changed: 2 })
    expect(await reviews()).toHaveLength(2)
  })

  test('should catch up a review day whose run failed in the following days, and not months later', async () => {
    const { fallen } = await members()
    env.clock.set('2025-01-03T02:00:00Z')
    const review = createTierReview({ db: env.db, clock: env.clock })
    expect(await review.run()).toMatchObject({ due: true, year: 2024, changed: 2 })
    expect(await tierOf(fallen)).toBe('normal')
  })

  test('should not review a past year once the catch-up days are over', async () => {
    const { fallen } = await members()
    env.clock.set('2025-03-01T02:00:00Z')
    expect(await createTierReview({ db: env.db, clock: env.clock }).run()).toEqual({
      due: false,
      reviewOn: '2025-12-31',
    })
    expect(await tierOf(fallen)).toBe('vvip')
  })

  test('should run from the daily points trigger', async () => {
    await members()
    env.clock.set(REVIEW_DAY)
    const answer = await tick(env, 'points')
    expect(answer.data.jobs.reviewTiers).toMatchObject({ due: true, changed: 2, complete: true })
  })
})
