import fc from 'fast-check'

import {
  addLot,
  balances,
  drain,
  expireDue,
  expiringOn,
  firstExpiry,
  lotDates,
  nextExpiry,
  putBack,
  settle,
  takeBack,
  type Tranche,
} from '@/domain/points/lots'

const NOW = '2026-12-07T02:00:00Z'

const END_2026 = '2026-12-31T15:59:59.999Z'
const END_2027 = '2027-12-31T15:59:59.999Z'

/** Available 300 (2027) and 100 (2026), 500 held until 10 December (2027), 50 expired (2025). */
const LOTS: Tranche[] = [
  { expiresAt: END_2027, points: 300 },
  { expiresAt: END_2026, points: 100 },
  { expiresAt: END_2027, points: 500, heldUntil: '2026-12-10T00:00:00Z', entry: 'earn:held' },
  { expiresAt: '2025-12-31T15:59:59.999Z', points: 50 },
  { expiresAt: END_2026, points: 0 },
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

describe('settle and addLot', () => {
  it('keeps a held earn apart, then merges it with the points that expire with it', () => {
    const added = addLot(
      [{ expiresAt: END_2027, points: 300 }],
      { entry: 'earn:a', points: 40, availableFrom: '2026-12-14T02:00:00.000Z', expiresAt: END_2027 },
      NOW,
    )
    expect(added).toEqual([
      { expiresAt: END_2027, points: 300 },
      { expiresAt: END_2027, points: 40, heldUntil: '2026-12-14T02:00:00.000Z', entry: 'earn:a' },
    ])
    expect(settle(added, '2026-12-14T02:00:00.000Z')).toEqual([{ expiresAt: END_2027, points: 340 }])
  })
})

describe('drain', () => {
  it('draws from the points expiring first, then the next, and names the expiries', () => {
    const drawn = drain(LOTS, 250, NOW)
    expect(drawn?.allocations).toEqual([
      { expiresAt: END_2026, points: 100 },
      { expiresAt: END_2027, points: 150 },
    ])
    expect(balances(drawn?.tranches ?? [], NOW)).toEqual({ available: 150, pending: 500 })
  })

  it('draws nothing when the available points are not enough (held and expired ones do not count)', () => {
    expect(drain(LOTS, 401, NOW)).toBeUndefined()
    expect(drain(LOTS, 400, NOW)?.allocations).toHaveLength(2)
  })

  it('for any lots and amount, draws exactly the amount, earliest expiry first, and keeps the rest', () => {
    const tranches = fc.array(
      fc.record({
        points: fc.integer({ min: 0, max: 1_000 }),
        expiresAt: fc.constantFrom(END_2026, '2027-06-30T15:59:59.999Z', END_2027),
        held: fc.boolean(),
        entry: fc.uuid(),
      }),
      { maxLength: 8 },
    )
    fc.assert(
      fc.property(tranches, fc.integer({ min: 1, max: 5_000 }), (raw, points) => {
        const all: Tranche[] = raw.map(({ held, entry, ...t }) =>
          held ? { ...t, heldUntil: '2026-12-20T00:00:00Z', entry } : t,
        )
        const drawn = drain(all, points, NOW)
        const before = balances(all, NOW)
        if (!drawn) return before.available < points
        const after = balances(drawn.tranches, NOW)
        const total = drawn.allocations.reduce((sum, a) => sum + a.points, 0)
        const lastExpiry = drawn.allocations[drawn.allocations.length - 1].expiresAt
        // Nothing available that expires earlier than the last expiry drawn is left.
        const untouchedEarlier = drawn.tranches.some(
          (t) => t.points > 0 && t.heldUntil === undefined && t.expiresAt < lastExpiry,
        )
        return (
          total === points &&
          after.available === before.available - points &&
          after.pending === before.pending &&
          drawn.allocations.every((a) => a.points > 0 && a.entry === undefined) &&
          !untouchedEarlier
        )
      }),
    )
  })
})

describe('takeBack', () => {
  it('takes a refund from the earn’s own held lot first, then the others, and says what is short', () => {
    const taken = takeBack(LOTS, 1_000, NOW, { entry: 'earn:held', expiresAt: END_2027 })
    expect(taken.allocations[0]).toEqual({ expiresAt: END_2027, points: 500, entry: 'earn:held' })
    expect(taken.allocations.reduce((sum, a) => sum + a.points, 0)).toBe(950)
    expect(taken.short).toBe(50)
    expect(taken.tranches).toEqual([])
  })

  it('takes an available earn’s points from those that expire with it', () => {
    const taken = takeBack(LOTS, 120, NOW, { entry: 'earn:gone-by', expiresAt: END_2027 })
    expect(taken.allocations).toEqual([{ expiresAt: END_2027, points: 120 }])
    expect(taken.short).toBe(0)
  })
})

describe('putBack', () => {
  it('gives a spend’s points back to the expiries they came from, paying what is owed first', () => {
    const drawn = [
      { expiresAt: END_2026, points: 100 },
      { expiresAt: END_2027, points: 50 },
    ]
    expect(putBack([{ expiresAt: END_2027, points: 10 }], drawn, 0, NOW)).toEqual({
      tranches: [
        { expiresAt: END_2026, points: 100 },
        { expiresAt: END_2027, points: 60 },
      ],
      returned: drawn,
    })
    expect(putBack([], drawn, 120, NOW).returned).toEqual([{ expiresAt: END_2027, points: 30 }])
  })
})

describe('expireDue and nextExpiry', () => {
  it('writes off what is past its expiry, and nothing else', () => {
    const due = expireDue(LOTS, NOW)
    expect(due.expired).toEqual([{ expiresAt: '2025-12-31T15:59:59.999Z', points: 50 }])
    expect(balances(due.tranches, NOW)).toEqual(balances(LOTS, NOW))
    expect(firstExpiry(due.tranches)).toBe(END_2026)
  })

  it('tells the member how many points expire on the next expiry day', () => {
    const sameDay = [...LOTS, { expiresAt: '2026-12-31T10:00:00.000Z', points: 20 }]
    expect(nextExpiry(sameDay, NOW)).toEqual({ points: 120, day: '2026-12-31' })
    expect(expiringOn(sameDay, '2026-12-31')).toBe(120)
    expect(nextExpiry([LOTS[3]], NOW)).toBeUndefined()
  })
})
