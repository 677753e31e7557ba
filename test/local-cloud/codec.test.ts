/**
 * The wire and storage parsers revive tagged values (dates, numbers, patterns) after a plain
 * JSON.parse. They must make exactly what a JSON.parse reviver makes of the same text, children
 * first (`{"$date":{"$numberLong":"…"}}` is a date), an own "__proto__" member included.
 */
import fc from 'fast-check'

import { fromStorage, parseWire, toStorage, toWire } from '../../local-cloud/codec'

const NOW = Date.parse('2026-12-07T08:00:00Z')

/** The reviver the parsers replaced, as the reference. */
function byReviver(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
    const keys = Object.keys(value)
    if (keys.length !== 1 || !keys[0].startsWith('$')) return value
    const inner = (value as Record<string, unknown>)[keys[0]]
    switch (keys[0]) {
      case '$numberInt':
      case '$numberLong':
      case '$numberDouble':
        return typeof inner === 'string' ? Number(inner) : value
      case '$date':
        return typeof inner === 'number' || typeof inner === 'string' ? new Date(inner) : value
      case '$regularExpression': {
        const { pattern, options } = inner as { pattern?: unknown; options?: unknown }
        return typeof pattern === 'string'
          ? new RegExp(
              pattern,
              [...new Set(String(options ?? '').split(''))].filter((f) => 'imsu'.includes(f)).join(''),
            )
          : value
      }
      case '$tcb_server_date': {
        const offset = (inner as { offset?: unknown })?.offset
        return new Date(NOW + (typeof offset === 'number' ? offset : 0))
      }
      case '$oid':
        return typeof inner === 'string' ? inner : value
      default:
        return value
    }
  })
}

describe('parseWire', () => {
  it.each([
    ['plain JSON', '{"a":1,"b":[true,null,"x"],"c":{"d":"e"}}'],
    [
      'a canonical date and numbers',
      '{"at":{"$date":{"$numberLong":"1796000000000"}},"n":{"$numberInt":"3"},"f":{"$numberDouble":"1.5"}}',
    ],
    [
      'an update with operators',
      '{"$set":{"points":{"$numberInt":"12"},"lots":[{"expiresAt":"2027-12-31"}]},"$inc":{"x":{"$numberInt":"-1"}}}',
    ],
    ['a server date and an id', '{"at":{"$tcb_server_date":{"offset":1000}},"_id":{"$oid":"abc"}}'],
    ['a pattern', '{"name":{"$regularExpression":{"pattern":"^张","options":"ig"}}}'],
    ['an object with two keys, one a tag', '{"x":{"$date":1,"other":2}}'],
    ['a tagged root', '{"$date":{"$numberLong":"1"}}'],
    ['an own __proto__ member', '{"__proto__":{"$date":{"$numberLong":"5"}},"y":{"__proto__":1}}'],
  ])('%s: as a reviver', (_name, text) => {
    const parsed = parseWire(text, NOW)
    expect(parsed).toEqual(byReviver(text))
    expect(Object.getPrototypeOf(parsed)).toBe(Object.getPrototypeOf(byReviver(text)))
  })

  it('for any document the SDK could send, what a reviver makes of it', () => {
    const leaf = fc.oneof(
      fc.integer().map((n) => ({ $numberInt: String(n) })),
      fc.date({ noInvalidDate: true }).map((d) => ({ $date: { $numberLong: String(d.getTime()) } })),
      fc.string({ maxLength: 4 }),
      fc.boolean(),
      fc.constant(null),
    )
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie('node'), { maxKeys: 3 }),
      ),
    })).node
    fc.assert(
      fc.property(value, (doc) => {
        const text = JSON.stringify(doc)
        expect(parseWire(text, NOW)).toEqual(byReviver(text))
      }),
    )
  })
})

describe('fromStorage', () => {
  it('gives back what toStorage stored, dates and patterns included', () => {
    const doc = { _id: 'm1', at: new Date(NOW), list: [{ d: new Date(1) }], re: /a.b/i, n: 1, s: '$date' }
    expect(fromStorage(toStorage(doc))).toEqual(doc)
    expect(parseWire(toWire(doc), NOW)).toEqual(doc)
  })
})
