import { earningLines } from '@/domain/points/rules'

describe('earningLines', () => {
  it('[4.2.2.2] explains the rate and each tier’s multiplier', () => {
    expect(
      earningLines({
        pointsPerYuan: 2,
        tierMultipliers: { normal: 1, vip: 1.2, vvip: 1.5 },
        rounding: 'floor',
      }),
    ).toEqual([
      '在本商场消费，每 1 元累积 2 分，不足 1 分的部分不计',
      'VIP会员按 1.2 倍累积，VVIP会员按 1.5 倍累积',
      '积分可在会员中心兑换停车券等礼品',
    ])
  })

  it('leaves out the tiers when none earns more, and the rounding when none is stated', () => {
    expect(earningLines({ pointsPerYuan: 1, tierMultipliers: { normal: 1, vip: 1, vvip: 1 } })).toHaveLength(
      2,
    )
  })
})
