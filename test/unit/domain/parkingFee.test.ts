import fc from 'fast-check'

import { parkingFee, tariffFen, type DeductionRules, type Payer, type Tariff } from '@/domain/parking/fee'

/** 15 minutes free; the first hour ¥5, then ¥3 per half hour; ¥60 per 24 hours; nights ¥10. */
const TARIFF: Tariff = {
  freeMinutes: 15,
  firstPeriod: { minutes: 60, fen: 500 },
  increment: { minutes: 30, fen: 300 },
  dailyCapFen: 6000,
  overnight: { from: '22:00', to: '08:00', fen: 1000 },
}

const RULES: DeductionRules = {
  tierFreeMinutes: { vip: 120, vvip: 180 },
  spend: { perFen: 20_000, minutes: 60, maxMinutes: 180 },
  points: { perHour: 600, maxHoursPerSession: 3 },
}

/** China time on 2026-12-07 (+ days). */
const at = (time: string, days = 0) =>
  new Date(Date.parse(`2026-12-07T${time}:00+08:00`) + days * 86_400_000).toISOString()

const stay = (from: string, to: string, toDays = 0) => ({ enteredAt: at(from), until: at(to, toDays) })

const fee = (
  session: { enteredAt: string; until: string },
  payer: Payer = {},
  extra: {
    receipts?: { amountFen: number; at: string; refundedFen?: number }[]
    voucherMinutes?: number[]
  } = {},
) => parkingFee({ session, payer, tariff: TARIFF, rules: RULES, ...extra })

describe('tariffFen', () => {
  it.each([
    ['14 minutes', stay('10:00', '10:14'), 0],
    ['the free 15 minutes', stay('10:00', '10:15'), 0],
    ['16 minutes: the whole stay from entry', stay('10:00', '10:16'), 500],
    ['the first hour', stay('10:00', '11:00'), 500],
    ['a minute into the next half hour', stay('10:00', '11:01'), 800],
    ['an hour and a half', stay('10:00', '11:30'), 800],
    ['ten hours', stay('10:00', '20:00'), 5900],
    ['eleven hours, up to the daily cap', stay('10:00', '21:00'), 6000],
    ['a night: two day hours and the night’s flat fee', stay('20:00', '09:00', 1), 500 + 1200 + 1000],
    ['25 hours: a capped first day, then the next hour', stay('10:00', '11:00', 1), 6000 + 600],
  ])('[4.2.2.6] prices %s', (_name, session, fen) => {
    expect(tariffFen(TARIFF, Date.parse(session.enteredAt), Date.parse(session.until))).toBe(fen)
  })

  /** The tariff's definition, minute by minute: what the priced runs must equal. */
  function byTheMinute(tariff: Tariff, start: number, end: number): number {
    const minutes = Math.max(0, Math.ceil((end - start) / 60_000))
    if (minutes <= tariff.freeMinutes) return 0
    const hhmm = (value: string) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5))
    let total = 0
    for (let block = 0; block < minutes; block += 1440) {
      let day = 0
      const nights = new Set<string>()
      for (let m = block; m < Math.min(minutes, block + 1440); m += 1) {
        const at = start + m * 60_000
        const minute = Math.floor(((at + 8 * 3600_000) % 86_400_000) / 60_000)
        const night = tariff.overnight
        const from = night ? hhmm(night.from) : 0
        const to = night ? hhmm(night.to) : 0
        const inside = night && (from <= to ? minute >= from && minute < to : minute >= from || minute < to)
        if (inside) nights.add(new Date(at + 8 * 3600_000 + 43_200_000).toISOString().slice(0, 10))
        else day += 1
      }
      let fen = nights.size * (tariff.overnight?.fen ?? 0)
      if (day > 0)
        fen +=
          block === 0
            ? tariff.firstPeriod.fen +
              Math.ceil(Math.max(0, day - tariff.firstPeriod.minutes) / tariff.increment.minutes) *
                tariff.increment.fen
            : Math.ceil(day / tariff.increment.minutes) * tariff.increment.fen
      total += tariff.dailyCapFen === undefined ? fen : Math.min(fen, tariff.dailyCapFen)
    }
    return total
  }

  it('prices every stay as the minute-by-minute definition does, whatever the night window', () => {
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`)
    fc.assert(
      fc.property(
        fc.option(fc.record({ from: time, to: time, fen: fc.integer({ min: 0, max: 3000 }) }), {
          nil: undefined,
        }),
        fc.option(fc.integer({ min: 500, max: 10_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 4 * 24 * 60 * 60 }),
        (overnight, dailyCapFen, startMinute, staySeconds) => {
          const tariff: Tariff = {
            ...TARIFF,
            ...(overnight ? { overnight } : { overnight: undefined }),
            dailyCapFen,
          }
          // Entries at any second, not only on the minute.
          const start = Date.parse('2024-06-15T00:00:00Z') + startMinute * 60_000 + (staySeconds % 60) * 1000
          const end = start + staySeconds * 1000
          expect(tariffFen(tariff, start, end)).toBe(byTheMinute(tariff, start, end))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('parkingFee', () => {
  it('[4.2.2.6] charges a non-member the tariff and nothing else, whatever they bought', () => {
    const result = fee(stay('10:00', '13:00'), {}, { receipts: [{ amountFen: 100_000, at: at('11:00') }] })
    expect(result).toMatchObject({ amountFen: 1700, grossFen: 1700, points: 0, tierFreeUsed: false })
    expect(result.lines.map((line) => line.kind)).toEqual(['tariff'])
  })

  it('[4.2.2.6] takes the tier’s free time, then the day’s spending, in that order, each line saying what it saved', () => {
    const result = fee(
      stay('10:00', '13:00'),
      { tier: 'vip' },
      { receipts: [{ amountFen: 25_000, at: at('11:00') }] },
    )
    expect(result.lines.map((line) => [line.kind, line.fen])).toEqual([
      ['tariff', 1700],
      ['tierFree', 1200],
      ['spend', 500],
    ])
    expect(result).toMatchObject({ amountFen: 0, tierFreeUsed: true })
  })

  it.each([
    ['already used today', { tier: 'vip', tierFreeUsedToday: true } as Payer, 1700],
    ['of a tier without free time', { tier: 'normal' } as Payer, 1700],
    ['of the top tier: three hours', { tier: 'vvip' } as Payer, 0],
  ])('[4.2.2.6] gives no more free time than the tier’s, once a day: %s', (_name, payer, amount) => {
    expect(fee(stay('10:00', '13:00'), payer).amountFen).toBe(amount)
  })

  it.each([
    ['refunded below the threshold', [{ amountFen: 25_000, at: at('09:00'), refundedFen: 10_000 }], 2300],
    ['of another day', [{ amountFen: 50_000, at: at('18:00', -1) }], 2300],
    [
      'over several receipts of the day',
      [
        { amountFen: 15_000, at: at('09:00') },
        { amountFen: 5_000, at: at('11:00') },
      ],
      1700,
    ],
    ['beyond the cap: three hours at most', [{ amountFen: 200_000, at: at('09:00') }], 500],
  ])('[4.2.2.6] earns parking time from the day’s spending: %s', (_name, receipts, amount) => {
    expect(fee(stay('10:00', '14:00'), { tier: 'normal' }, { receipts }).amountFen).toBe(amount)
  })

  it('[4.2.2.6] applies parking-time vouchers before points', () => {
    const result = fee(
      stay('10:00', '14:00'),
      { tier: 'normal', availablePoints: 5_000 },
      { voucherMinutes: [120] },
    )
    expect(result.lines.map((line) => [line.kind, line.fen])).toEqual([
      ['tariff', 2300],
      ['voucher', 1200],
      ['points', 1100],
    ])
    expect(result).toMatchObject({ amountFen: 0, points: 1200 })
  })

  it.each([
    ['as many hours as the points buy', 1_000, Infinity, 1700, 600],
    ['at most three hours a session', 100_000, Infinity, 500, 1800],
    ['no more than the payer agrees to', 100_000, 1_200, 1100, 1200],
  ])('[4.2.2.6] buys whole hours with points: %s', (_name, availablePoints, maxPoints, amount, points) => {
    const result = fee(stay('10:00', '14:00'), { tier: 'normal', availablePoints, maxPoints })
    expect(result).toMatchObject({ amountFen: amount, points })
  })

  it('spends no points on an hour that would not make the fee smaller (a flat-rate night)', () => {
    const result = fee(stay('21:00', '07:00', 1), { tier: 'normal', availablePoints: 10_000 })
    expect(result).toMatchObject({ grossFen: 1500, amountFen: 1500, points: 0 })
  })

  it('for any stay and payer, never charges less than nothing or more than the tariff, and the lines add up', () => {
    const minute = 60_000
    const start = Date.parse('2026-12-01T00:00:00+08:00')
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.constantFrom(undefined, 'normal' as const, 'vip' as const, 'vvip' as const),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (offset, minutes, tier, availablePoints, spent) => {
          const enteredAt = new Date(start + offset * minute).toISOString()
          const until = new Date(start + (offset + minutes) * minute).toISOString()
          const result = fee(
            { enteredAt, until },
            { tier, availablePoints },
            { receipts: [{ amountFen: spent, at: until }] },
          )
          const taken = result.lines.slice(1).reduce((sum, line) => sum + line.fen, 0)
          return (
            result.amountFen >= 0 &&
            result.amountFen <= result.grossFen &&
            result.grossFen - taken === result.amountFen &&
            result.lines.every((line) => line.fen >= 0) &&
            result.points <= Math.min(availablePoints, 3 * 600)
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('never charges less for a longer stay', () => {
    const start = Date.parse('2026-12-01T00:00:00+08:00')
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.integer({ min: 0, max: 600 }),
        (offset, a, b) => {
          const from = start + offset * 60_000
          const [short, long] = a <= b ? [a, b] : [b, a]
          return (
            tariffFen(TARIFF, from, from + short * 60_000) <= tariffFen(TARIFF, from, from + long * 60_000)
          )
        },
      ),
      { numRuns: 200 },
    )
  })
})
