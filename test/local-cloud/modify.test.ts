/**
 * Update operators: local-cloud applies `$set`, `$inc` and `$unset` on named fields itself and
 * everything else through mingo. Whichever path a modifier takes, the document and whether it
 * changed must be what mingo makes of it (the MongoDB semantics CloudBase has).
 */
import fc from 'fast-check'
import { update as mingoUpdate } from 'mingo'

import { modify } from '../../local-cloud/engine'
import type { Doc } from '../../local-cloud/store'

const byMingo = (modifier: Record<string, unknown>) => {
  const copy = base()
  const changed = mingoUpdate(copy, modifier as never, undefined, undefined, {
    queryOptions: { scriptEnabled: false },
  })
  return { doc: copy, changed: changed.length > 0 }
}

const base = (): Doc => ({
  _id: 'm1',
  points: 10,
  tier: 'vip',
  at: new Date('2026-12-07T00:00:00Z'),
  head: { seq: 2, mac: 'x' },
  lots: [{ expiresAt: '2027-12-31', points: 10 }],
  months: { '2026-11': 100 },
})

describe('update operators', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a plain $set', { $set: { points: 12, tier: 'vvip' } }],
    [
      'a $set of the same value (no change)',
      { $set: { points: 10, lots: [{ expiresAt: '2027-12-31', points: 10 }] } },
    ],
    ['a $set of a date', { $set: { at: new Date('2026-12-08T00:00:00Z') } }],
    ['a $set inside an object, and one creating it', { $set: { 'head.seq': 3, 'made.deep.x': 1 } }],
    ['a whole object and an array replaced', { $set: { head: { seq: 3 }, lots: [] } }],
    ['$inc of a field and of a missing one', { $inc: { points: -4, 'months.2026-12': 50, fresh: 2 } }],
    ['$inc by 0 (no change)', { $inc: { points: 0 } }],
    [
      '$unset of a field, a missing one and one under a missing object',
      { $unset: { tier: '', nope: '', 'no.such': '' } },
    ],
    ['all three at once', { $set: { tier: 'normal' }, $inc: { points: 1 }, $unset: { at: '' } }],
    ['a path through an array (mingo’s way)', { $set: { 'lots.0.points': 3 } }],
    ['an array operator (mingo’s way)', { $push: { lots: { expiresAt: '2028-12-31', points: 1 } } }],
  ])('%s: as mingo', (_name, modifier) => {
    expect(modify(base(), modifier)).toEqual(byMingo(modifier))
  })

  it('for any $set, $inc and $unset of named fields, the same document and change as mingo', () => {
    const field = fc.constantFrom(
      'points',
      'tier',
      'head.seq',
      'head.mac',
      'months.2026-12',
      'new',
      'new.deep',
    )
    const value = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(10), fc.constant('vip'))
    fc.assert(
      fc.property(
        fc.dictionary(field, value, { maxKeys: 3 }),
        fc.dictionary(fc.constantFrom('points', 'months.2026-11', 'other'), fc.integer({ min: -5, max: 5 }), {
          maxKeys: 2,
        }),
        fc.dictionary(field, fc.constant(''), { maxKeys: 2 }),
        (set, inc, unset) => {
          const modifier: Record<string, unknown> = {}
          // One operator per path, as the SDK sends them.
          const used = new Set<string>()
          const own = (fields: Record<string, unknown>) =>
            Object.fromEntries(
              Object.entries(fields).filter(([path]) => {
                const top = path.split('.')[0]
                if (
                  [...used].some(
                    (u) =>
                      u === path ||
                      u.startsWith(`${path}.`) ||
                      path.startsWith(`${u}.`) ||
                      u.split('.')[0] === top,
                  )
                )
                  return false
                used.add(path)
                return true
              }),
            )
          const s = own(set)
          const i = own(inc)
          const u = own(unset)
          if (Object.keys(s).length) modifier.$set = s
          if (Object.keys(i).length) modifier.$inc = i
          if (Object.keys(u).length) modifier.$unset = u
          if (Object.keys(modifier).length === 0) return true
          let expected: { doc: Doc; changed: boolean } | Error
          try {
            expected = byMingo(modifier)
          } catch (error) {
            expected = error as Error
          }
          if (expected instanceof Error) {
            expect(() => modify(base(), modifier)).toThrow()
            return true
          }
          expect(modify(base(), modifier)).toEqual(expected)
          return true
        },
      ),
    )
  })
})
