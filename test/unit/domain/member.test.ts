import { chinaDate, durationMs } from '@/domain/dates'
import { birthdayOn, birthdaysOn, formatMemberNo, isValidMemberNo } from '@/domain/member/rules'
import { TIER_LABELS } from '@/domain/member/model'

describe('member numbers', () => {
  it('formats sequence 1 as 8, ten digits and a Luhn check digit', () => {
    // Body 80000000001: doubled from the right, 1→2 and 8→16→7; 2 + 7 = 9, check digit 1.
    expect(formatMemberNo(1)).toBe('800000000011')
  })

  it.each([1, 42, 123456, 9_999_999_999])('round-trips sequence %i', (sequence) => {
    const no = formatMemberNo(sequence)
    expect(no).toHaveLength(12)
    expect(isValidMemberNo(no)).toBe(true)
  })

  it('detects every single-digit typing error', () => {
    const no = formatMemberNo(2024_0615)
    for (let i = 1; i < no.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === no[i]) continue
        const typo = no.slice(0, i) + d + no.slice(i + 1)
        expect(isValidMemberNo(typo)).toBe(false)
      }
    }
  })

  it.each([0, -1, 1.5, 1e10, Number.NaN])('refuses sequence %p', (sequence) => {
    expect(() => formatMemberNo(sequence)).toThrow(RangeError)
  })

  it('labels every tier in Chinese', () => {
    expect(TIER_LABELS).toEqual({ normal: '普通会员', vip: 'VIP会员', vvip: 'VVIP会员' })
  })
})

describe('birthdays', () => {
  it.each<[string, string, { day: boolean; month: boolean }]>([
    ['1990-12-07', '2026-12-07', { day: true, month: true }],
    ['1990-12-08', '2026-12-07', { day: false, month: true }],
    ['1990-11-07', '2026-12-07', { day: false, month: false }],
    ['2000-02-29', '2027-02-28', { day: true, month: true }],
    ['2000-02-29', '2028-02-28', { day: false, month: true }],
    ['2000-02-29', '2028-02-29', { day: true, month: true }],
    ['2000-02-28', '2027-02-28', { day: true, month: true }],
    ['2000-02-29', '2027-03-01', { day: false, month: false }],
  ])('[6.4.1] someone born %s has on %s the birthday %j', (birthDate, day, fact) => {
    expect(birthdayOn(birthDate, day)).toEqual(fact)
  })

  it('[6.4.1] never finds a birthday without a birth date', () => {
    expect(birthdayOn(undefined, '2026-12-07')).toEqual({ day: false, month: false })
  })

  it('celebrates 29 February on 28 February of a year without it, and only then', () => {
    expect(birthdaysOn('2027-02-28')).toEqual(['02-28', '02-29'])
    expect(birthdaysOn('2028-02-28')).toEqual(['02-28'])
    expect(birthdaysOn('2100-02-28')).toEqual(['02-28', '02-29'])
    expect(birthdaysOn('2000-02-28')).toEqual(['02-28'])
  })
})

describe('chinaDate', () => {
  it.each([
    ['2024-01-01T15:59:59.999Z', '2024-01-01'],
    ['2024-01-01T16:00:00.000Z', '2024-01-02'],
    ['2024-02-28T23:00:00.000Z', '2024-02-29'],
  ])('%s is %s in China', (instant, date) => {
    expect(chinaDate(Date.parse(instant))).toBe(date)
  })
})

describe('durationMs', () => {
  const DAY = 24 * 3600_000
  it.each([
    ['P3Y', 3 * 365 * DAY],
    ['P10Y', 10 * 365 * DAY],
    ['P7D', 7 * DAY],
    ['P1DT12H', 1.5 * DAY],
    ['PT1H', 3600_000],
    ['PT10M', 600_000],
    ['PT0S', 0],
  ])('reads %s', (iso, ms) => {
    expect(durationMs(iso)).toBe(ms)
  })

  it.each(['P', 'PT', 'P1M', 'P1W', '3Y', 'P-1D', 'P1.5D', ''])('refuses %p', (iso) => {
    expect(() => durationMs(iso)).toThrow(RangeError)
  })
})
