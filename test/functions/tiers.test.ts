/**
 * Tiers in the ledger: an earn whose spend crosses a threshold raises the tier at once and records
 * the change; a refund lowers the qualifying spend but not the tier (only the yearly review does).
 */
import {
  createLedger,
  qualifyingSpend,
  type EntrySource,
  type Ledger,
} from '../../cloudfunctions/common/points/ledger'
import { DEMO_STORES } from '../../database/seed'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { DEFAULT_TIER_POLICY } from '../../src/domain/points/tiers'
import type { TierView } from '../../src/domain/points/tierModel'
import { createTestEnv, dataOf, shopper, type TestEnv } from './support'

const STORE = DEMO_STORES.xuhui
const ACTOR = 'staff:s-1'
const VIP = DEFAULT_TIER_POLICY.thresholds.vip

let env: TestEnv
let ledger: Ledger
let memberId: string
let openid: string

beforeEach(async () => {
  env = await createTestEnv()
  ledger = createLedger({ db: env.db, clock: env.clock, policy: DEFAULT_LOT_POLICY })
  openid = shopper()
  memberId = await env.member(openid)
})
afterEach(() => env.cloud.close())

const receipt = (ref: string): EntrySource => ({ kind: 'pos', ref: `${STORE}:${ref}` })
const earn = (ref: string, amountFen: number) =>
  ledger.earn({
    memberId,
    source: receipt(ref),
    points: Math.floor(amountFen / 100),
    storeId: STORE,
    actor: ACTOR,
    amountFen,
  })
const member = async () =>
  (await env.db.collection('members').doc(memberId).get()).data as Record<string, unknown>
const changes = async () => (await env.all('tier_changes')).filter((c) => c.memberId === memberId)

describe('tiers in the ledger', () => {
  test('[6.6.1] should raise the tier at once when a purchase brings the 12-month spend to the threshold', async () => {
    await earn('R-1', VIP - 100)
    expect((await member()).tier).toBe('normal')
    await earn('R-2', 100)
    expect((await member()).tier).toBe('vip')
    expect(await changes()).toEqual([
      expect.objectContaining({
        _id: `upgrade:earn:pos:${STORE}:R-2`,
        from: 'normal',
        to: 'vip',
        reason: 'upgrade',
        spendFen: VIP,
      }),
    ])
  })

  test('should record an upgrade once when the earn is retried', async () => {
    await earn('R-1', VIP)
    await earn('R-1', VIP)
    expect((await member()).tier).toBe('vip')
    expect(await changes()).toHaveLength(1)
  })

  test('should not change the tier for points without a purchase amount', async () => {
    await ledger.earn({ memberId, source: receipt('bonus'), points: 1_000_000, storeId: STORE, actor: ACTOR })
    expect((await member()).tier).toBe('normal')
    expect(await changes()).toEqual([])
  })

  test('should reduce the qualifying spend on a refund and keep the tier until the review', async () => {
    await earn('R-1', VIP)
    const written = await ledger.reverse({
      memberId,
      earnSource: receipt('R-1'),
      refundRef: 'F-1',
      points: VIP / 100,
      refundFen: VIP,
      actor: ACTOR,
      refundPolicy: 'negative',
    })
    expect('entry' in written).toBe(true)
    const after = await member()
    expect(qualifyingSpend(after as never, new Date(env.clock.now()).toISOString())).toBe(0)
    expect(after.tier).toBe('vip')
    expect(await changes()).toHaveLength(1)
  })

  test('should never lower a tier on an earn', async () => {
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { tier: 'vvip' } })
    await earn('R-1', 100)
    expect((await member()).tier).toBe('vvip')
    expect(await changes()).toEqual([])
  })
})

describe('member.tier', () => {
  test("[6.3.2] should answer the tier, the spend, what the next tier needs and every tier's benefits", async () => {
    await earn('R-1', 50_000)
    const view = dataOf<TierView>(await env.call(openid, 'tier', {}))
    expect(view).toMatchObject({
      tier: 'normal',
      label: '普通会员',
      spendFen: 50_000,
      next: { tier: 'vip', label: 'VIP会员', missingFen: VIP - 50_000 },
      reviewOn: '2024-12-31',
      history: [],
    })
    expect(view.benefits.map((b) => [b.tier, b.pointsPerYuan, b.thresholdFen, b.lounge])).toEqual([
      ['normal', 1, 0, false],
      ['vip', 1.2, VIP, false],
      ['vvip', 1.5, DEFAULT_TIER_POLICY.thresholds.vvip, true],
    ])
  })

  test("should list the member's upgrade and say nothing is left above VVIP", async () => {
    await earn('R-1', DEFAULT_TIER_POLICY.thresholds.vvip)
    const view = dataOf<TierView>(await env.call(openid, 'tier', {}))
    expect(view).toMatchObject({ tier: 'vvip', next: null })
    expect(view.history).toEqual([expect.objectContaining({ from: 'normal', to: 'vvip', reason: 'upgrade' })])
  })

  test('should refuse a caller who is not a member', async () => {
    expect(await env.call(shopper(), 'tier', {})).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' })
  })

  test("should put the tier changes in the copy of the member's data and delete them with the account", async () => {
    await earn('R-1', VIP)
    const copy = dataOf<{ export: { other: Record<string, unknown[]> } }>(
      await env.call(openid, 'exportData', {}),
    )
    expect(copy.export.other.tier_changes).toEqual([expect.objectContaining({ from: 'normal', to: 'vip' })])
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    expect(await changes()).toEqual([])
  })
})
