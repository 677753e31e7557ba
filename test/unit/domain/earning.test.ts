import type { EarningRules } from '@/domain/points/earning'
import { earningLines } from '@/domain/points/rules'
import { DEMO_EARNING_RULES, rulesDiff, type PointsRulesVersion } from '@/domain/points/versions'

const RULES: EarningRules = {
  rates: { default: 2, tiers: { vip: 2.4, vvip: 3 }, stores: { 'store-b': { default: 1 } } },
  multipliers: [
    { kind: 'weekday', weekday: 2, label: '会员日', factor: 2 },
    { kind: 'dates', from: '2026-10-01', to: '2026-10-07', label: '国庆', factor: 3, storeIds: ['store-a'] },
    { kind: 'birthday', scope: 'month', label: '生日月', factor: 1.5, validTo: '2025-12-31' },
  ],
  bonuses: [
    { kind: 'counter', counterId: 'counter-a1', label: '专柜加赠', points: 50, minAmountFen: 50_000 },
    { kind: 'counter', counterId: 'counter-a2', label: '开业加赠', points: 20 },
  ],
  stacking: { policy: 'highest' },
  signUpBonus: 0,
}

describe('earningLines', () => {
  it('[4.2.2.2] explains the rate, each tier’s rate, the member days and the bonuses of that counter', () => {
    expect(earningLines(RULES, { storeId: 'store-a', counterId: 'counter-a1', day: '2026-06-01' })).toEqual([
      '在本商场消费，每 1 元累积 2 分，不足 1 分的部分不计',
      'VIP会员每 1 元累积 2.4 分，VVIP会员每 1 元累积 3 分',
      '每周二会员日积分 2 倍',
      '2026-10-01 至 2026-10-07 国庆积分 3 倍',
      '专柜加赠：在本专柜单笔满 500 元加赠 50 分',
      '积分可在会员中心兑换停车券等礼品',
    ])
  })

  it('uses the store’s own rate and leaves out rules of other stores, other counters and past dates', () => {
    const lines = earningLines(RULES, { storeId: 'store-b', day: '2026-06-01' })
    expect(lines[0]).toBe('在本商场消费，每 1 元累积 1 分，不足 1 分的部分不计')
    expect(lines.join('\n')).not.toMatch(/国庆|生日月|加赠/)
  })

  it('explains the demo rules at the Lancôme counter', () => {
    expect(
      earningLines(DEMO_EARNING_RULES, { storeId: 'store-xuhui', counterId: 'counter-xh-lancome' }),
    ).toContain('专柜加赠：在本专柜单笔满 500 元加赠 50 分')
  })
})

describe('rulesDiff', () => {
  const version = (rules: EarningRules, holdDays = 7): Omit<PointsRulesVersion, 'summary'> => ({
    version: 1,
    effectiveFrom: '2026-01-01T00:00:00.000Z',
    rules,
    refundPolicy: 'negative',
    holdDays,
    changedBy: 'staff:a',
    changedAt: '2026-01-01T00:00:00.000Z',
    note: '',
  })

  it('says what changed between two versions in a few words', () => {
    const next = { ...RULES, rates: { ...RULES.rates, default: 3 }, bonuses: [] }
    expect(rulesDiff(version(RULES), version(next, 14))).toEqual([
      '基础积分 2 → 3 分/元',
      '加赠规则 2 → 0 条',
      '冻结期 7 → 14 天',
    ])
    expect(rulesDiff(undefined, version(RULES))).toEqual(['首个版本'])
    expect(rulesDiff(version(RULES), version(RULES))).toEqual(['无规则变化'])
  })
})
