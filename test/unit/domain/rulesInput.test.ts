import { parseEarningRules } from '@/domain/points/rulesInput'
import { DEMO_EARNING_RULES } from '@/domain/points/versions'

describe('parseEarningRules', () => {
  it('[6.4.1] accepts rates, member days, date ranges, birthdays and bonuses within bounds', () => {
    const rules = {
      rates: { default: 1, tiers: { vip: 1.25 }, stores: { 'store-a': { default: 2 } } },
      multipliers: [
        { kind: 'weekday', weekday: 2, label: '会员日', factor: 2 },
        { kind: 'monthDay', day: 18, label: '店庆', factor: 1.5, storeIds: ['store-a'] },
        { kind: 'dates', from: '2026-10-01', to: '2026-10-07', label: '国庆', factor: 3 },
        { kind: 'birthday', scope: 'month', label: '生日月', factor: 2, validTo: '2026-12-31' },
      ],
      bonuses: [{ kind: 'brand', brandId: '兰蔻', label: '品牌加赠', points: 50, minAmountFen: 10_000 }],
      stacking: { policy: 'additive', cap: 3 },
      signUpBonus: 100,
    }
    expect(parseEarningRules(rules)).toEqual(rules)
    expect(parseEarningRules(DEMO_EARNING_RULES)).toEqual(DEMO_EARNING_RULES)
  })

  it('refuses what is out of bounds, unknown or malformed', () => {
    const base = DEMO_EARNING_RULES
    for (const rules of [
      null,
      { ...base, rates: { default: -1 } },
      { ...base, rates: { default: 1, tiers: { gold: 2 } } },
      { ...base, multipliers: [{ kind: 'monthDay', day: 32, label: '店庆', factor: 2 }] },
      {
        ...base,
        multipliers: [{ kind: 'dates', from: '2026-10-07', to: '2026-10-01', label: '国庆', factor: 2 }],
      },
      { ...base, multipliers: [{ kind: 'weekday', weekday: 2, label: '', factor: 2 }] },
      { ...base, multipliers: [{ kind: 'weekday', weekday: 2, label: '会员日', factor: 0.5 }] },
      { ...base, multipliers: [{ kind: 'weekday', weekday: 2, day: 3, label: '会员日', factor: 2 }] },
      { ...base, bonuses: [{ kind: 'counter', counterId: 'c', label: '加赠', points: 1.5 }] },
      { ...base, stacking: { policy: 'highest', cap: 2 } },
      { ...base, signUpBonus: 100_001 },
    ])
      expect(parseEarningRules(rules)).toBeNull()
  })
})
