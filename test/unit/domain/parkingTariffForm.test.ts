import {
  fromTariffForm,
  SAMPLE_STAYS,
  sampleFen,
  tariffForm,
  tariffSummary,
} from '../../../src/domain/parking/tariffForm'
import { DEMO_PARKING_RULES, DEMO_PARKING_TARIFF } from '../../../src/domain/parking/tariffs'

const DEMO = { tariff: DEMO_PARKING_TARIFF, rules: DEMO_PARKING_RULES }

describe('the tariff page’s form', () => {
  it('gives back the version it was filled with', () => {
    expect(fromTariffForm(tariffForm(DEMO_PARKING_TARIFF, DEMO_PARKING_RULES))).toEqual(DEMO)
  })

  it('reads yuan, hours and the exit window as typed, leaving out empty optional parts', () => {
    const form = {
      ...tariffForm(DEMO_PARKING_TARIFF, DEMO_PARKING_RULES),
      firstYuan: '6.5',
      vipHours: '1.5',
      dailyCapYuan: '',
      nightFrom: '',
      nightTo: '',
      nightYuan: '',
      pointsPerHour: '',
      pointsMaxHours: '',
      exitWindowMinutes: '20',
    }
    const parsed = fromTariffForm(form)
    expect(parsed?.tariff).toEqual({
      freeMinutes: 15,
      firstPeriod: { minutes: 60, fen: 650 },
      increment: { minutes: 30, fen: 300 },
      exitWindowMinutes: 20,
    })
    expect(parsed?.rules).toEqual({
      tierFreeMinutes: { vip: 90, vvip: 180 },
      spend: DEMO_PARKING_RULES.spend,
    })
  })

  it('refuses a half-filled night rate, spend rule or points rule, and text that is not a number', () => {
    const form = tariffForm(DEMO_PARKING_TARIFF, DEMO_PARKING_RULES)
    expect(fromTariffForm({ ...form, nightYuan: '' })).toBeUndefined()
    expect(fromTariffForm({ ...form, spendHours: '' })).toBeUndefined()
    expect(fromTariffForm({ ...form, pointsMaxHours: '' })).toBeUndefined()
    expect(fromTariffForm({ ...form, firstYuan: '五元' })).toBeUndefined()
    expect(fromTariffForm({ ...form, nightFrom: '25:00' })).toBeUndefined()
  })

  it('prices the sample stays under a version: 2 h, 5 h, overnight with its night rate, and a VIP’s free hours', () => {
    expect(SAMPLE_STAYS.map((stay) => sampleFen(stay, DEMO))).toEqual([1100, 2900, 2700, 1700])
  })

  it('sums a version up in lines', () => {
    expect(tariffSummary(DEMO_PARKING_TARIFF, DEMO_PARKING_RULES)).toEqual([
      '15 分钟内免费；首 60 分钟 ¥5，之后每 30 分钟 ¥3',
      '每日封顶 ¥60；夜间 22:00–08:00 每晚 ¥10；缴费后 15 分钟内离场',
      '会员每日免费：VIP会员 2 小时、VVIP会员 3 小时',
      '当日消费满 ¥200 抵 1 小时，最多 3 小时',
      '600 积分抵 1 小时，每次最多 3 小时',
    ])
  })
})
