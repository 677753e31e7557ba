import fc from 'fast-check'

import { balances, drain, expired, lotDates, nextExpiry, reversal, type Lot } from '@/domain/points/lots'

const NOW = '2026-12-07T02:00:00Z'

const lot = (
  id: string,
  remaining: number,
  expiresAt: string,
  availableFrom = '2026-01-01T00:00:00Z',
): Lot => ({
  id,
  earned: remaining,
  remaining,
  availableFrom,
  expiresAt,
})

const LOTS = [
  lot('late', 300, '2027-12-31T15:59:59.999Z'),
  lot('early', 100, '2026-12-31T15:59:59.999Z'),
  lot('held', 500, '2027-12-31T15:59:59.999Z', '2026-12-10T00:00:00Z'),
  lot('gone', 50, '2025-12-31T15:59:59.999Z'),
  lot('spent', 0, '2026-12-31T15:59:59.999Z'),
]

describe('lotDates', () => {
  it.each([
    ['in the day', '2026-12-07T02:00:00Z', '2027-12-31T15:59:59.999Z'],
    [
      'on New Year’s Eve in UTC but New Year’s Day in China',
      '2026-12-31T17:00:00Z',
      '2028-12-31T15:59:59.999Z',
    ],
  ])('expires points earned %s on 31 December of the next year, China time', (_name, earnedAt, expiresAt) => {
    expect(lotDates(earnedAt, { holdDays: 0, expiry: { kind: 'endOfNextYear' } }).expiresAt).toBe(expiresAt)
  })

  it('holds points for the return window and expires them at the end of the Nth day', () => {
    expect(lotDates(NOW, { holdDays: 7, expiry: { kind: 'days', days: 30 } })).toEqual({
      availableFrom: '2026-12-14T02:00:00.000Z',
      expiresAt: '2027-01-06T15:59:59.999Z',
    })
  })
})

describe('balances', () => {
  it('counts held points as pending and leaves out expired lots', () => {
    expect(balances(LOTS, NOW)).toEqual({ available: 400, pending: 500 })
    expect(balances(LOTS, '2026-12-10T00:00:00Z')).toEqual({ available: 900, pending: 0 })
  })
})

describe('drain', () => {
  it('draws from the lot expiring first, then the next', () => {
    expect(drain(LOTS, 250, NOW)).toEqual([
      { lotId: 'early', points: 100 },
      { lotId: 'late', points: 150 },
    ])
  })

  it('draws nothing when the available points are not enough (held and expired ones do not count)', () => {
    expect(drain(LOTS, 401, NOW)).toBeUndefined()
    expect(drain(LOTS, 400, NOW)).toHaveLength(2)
  })

  it('for any lots and amount, draws exactly the amount, within each lot, earliest expiry first', () => {
    const lots = fc.array(
      fc.record({
        id: fc.uuid(),
        remaining: fc.integer({ min: 0, max: 1_000 }),
        expiresAt: fc.constantFrom(
          '2026-12-31T15:59:59.999Z',
          '2027-06-30T15:59:59.999Z',
          '2027-12-31T15:59:59.999Z',
        ),
        availableFrom: fc.constantFrom('2026-01-01T00:00:00Z', '2026-12-20T00:00:00Z'),
      }),
      { maxLength: 8 },
    )
    fc.assert(
      fc.property(lots, fc.integer({ min: 1, max: 5_000 }), (raw, points) => {
        const all = raw.map((l) => ({ ...l, earned: l.remaining }))
        const drawn = drain(all, points, NOW)
        const { available } = balances(all, NOW)
        if (!drawn) return available < points
        const byId = new Map(all.map((l) => [l.id, l]))
        const total = drawn.reduce((sum, a) => sum + a.points, 0)
        const within = drawn.every((a) => a.points > 0 && a.points <= (byId.get(a.lotId)?.remaining ?? 0))
        const lastExpiry = byId.get(drawn[drawn.length - 1].lotId)?.expiresAt ?? ''
        const untouchedEarlier = all.some(
          (l) =>
            l.remaining > 0 &&
            l.availableFrom <= NOW &&
            l.expiresAt < lastExpiry &&
            !drawn.some((a) => a.lotId === l.id && a.points === l.remaining),
        )
        return total === points && within && !untouchedEarlier
      }),
    )
  })
})

describe('expired and nextExpiry', () => {
  it('names the lots the expiry job writes off', () => {
    expect(expired(LOTS, NOW).map((l) => l.id)).toEqual(['gone'])
  })

  it('tells the member how many points expire on the next expiry day', () => {
    const sameDay = [...LOTS, lot('early-2', 20, '2026-12-31T10:00:00.000Z')]
    expect(nextExpiry(sameDay, NOW)).toEqual({ points: 120, day: '2026-12-31' })
    expect(nextExpiry([LOTS[3]], NOW)).toBeUndefined()
  })
})

describe('reversal', () => {
  it.each([
    ['a lot that still holds them', 300, 'negative' as const, { fromLot: 200, owed: 0, absorbed: 0 }, 200],
    [
      'spent points, owed by the member',
      100,
      'negative' as const,
      { fromLot: 100, owed: 100, absorbed: 0 },
      200,
    ],
    [
      'spent points, absorbed by the mall',
      100,
      'absorb' as const,
      { fromLot: 100, owed: 0, absorbed: 100 },
      200,
    ],
  ])('takes back points from %s', (_name, remaining, policy, expected, points) => {
    expect(reversal({ remaining }, points, policy)).toEqual(expected)
  })
})
