/**
 * Value encodings.
 *
 * - Wire: @cloudbase/database sends queries, updates and documents as canonical Extended JSON
 *   strings (`{"$numberInt":"1"}`, `{"$date":{"$numberLong":"…"}}`, `{"$regularExpression":…}`,
 *   plus CloudBase's own `{"$tcb_server_date":{"offset":…}}`) and parses answers with
 *   `bson.EJSON.parse`, so answers use the same notation for dates.
 * - Storage: documents are JSON text in SQLite with dates as `{"$date": <ms>}` so that a Date
 *   survives a restart and stays comparable inside `json_extract` index expressions.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function singleKey(value: Record<string, unknown>): string | undefined {
  let found: string | undefined
  for (const key in value) {
    if (found !== undefined) return undefined
    found = key
  }
  return found
}

/** Flags JavaScript accepts for a RegExp built from a stored or wire pattern ('g' and 'y' make test() stateful). */
function regexpFlags(options: string): string {
  return [...new Set(options.split(''))].filter((flag) => 'imsu'.includes(flag)).join('')
}

/**
 * Parses an EJSON string from the SDK into plain JavaScript values: numbers, Date, RegExp.
 * `$tcb_server_date` becomes the server's current time plus its offset, as CloudBase does.
 */
export function parseWire(text: string, now: number = Date.now()): unknown {
  const parsed: unknown = JSON.parse(text)
  return text.includes('"$') ? revive(parsed, (value) => fromWireTag(value, now)) : parsed
}

/** A wire-tagged value (`{"$date": …}` …) as a JavaScript value; anything else unchanged. */
function fromWireTag(value: Record<string, unknown>, now: number): unknown {
  const key = singleKey(value)
  if (key === undefined || key[0] !== '$') return value
  const inner = value[key]
  switch (key) {
    case '$numberInt':
    case '$numberLong':
    case '$numberDouble':
      return typeof inner === 'string' ? Number(inner) : value
    case '$date':
      if (typeof inner === 'number' || typeof inner === 'string') return new Date(inner)
      return value
    case '$regularExpression':
      if (isPlainObject(inner) && typeof inner.pattern === 'string') {
        return new RegExp(inner.pattern, regexpFlags(String(inner.options ?? '')))
      }
      return value
    case '$tcb_server_date': {
      const offset = isPlainObject(inner) && typeof inner.offset === 'number' ? inner.offset : 0
      return new Date(now + offset)
    }
    case '$oid':
      return typeof inner === 'string' ? inner : value
    default:
      return value
  }
}

/**
 * What `JSON.parse(text, reviver)` makes of parsed JSON, children first, without the reviver's
 * call per value: `convert` sees every object once its members are converted.
 */
function revive(value: unknown, convert: (value: Record<string, unknown>) => unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], convert)
    return value
  }
  if (!isPlainObject(value)) return value
  for (const key of Object.keys(value)) {
    const item = value[key]
    const next = revive(item, convert)
    if (next === item) continue
    // An own "__proto__" member (JSON.parse makes one) stays a member.
    Object.defineProperty(value, key, { value: next, writable: true, enumerable: true, configurable: true })
  }
  return convert(value)
}

/** Converts a value to JSON-safe form with dates and regexes tagged, for storage or for the wire. */
function tag(value: unknown, dateTag: (date: Date) => Json): Json | undefined {
  if (value === null) return null
  if (value instanceof Date) return dateTag(value)
  if (value instanceof RegExp) {
    return { $regularExpression: { pattern: value.source, options: value.flags } }
  }
  if (Array.isArray(value)) {
    return value.map((item) => {
      const tagged = tag(item, dateTag)
      return tagged === undefined ? null : tagged
    })
  }
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null
    case 'string':
    case 'boolean':
      return value
    case 'object': {
      const out: { [key: string]: Json } = {}
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const tagged = tag(item, dateTag)
        if (tagged !== undefined) out[key] = tagged
      }
      return out
    }
    default:
      return undefined
  }
}

/** A document as the Extended JSON string the SDK's `EJSON.parse` turns back into Dates. */
export function toWire(doc: unknown): string {
  return JSON.stringify(tag(doc, (date) => ({ $date: { $numberLong: String(date.getTime()) } })))
}

/** A document as stored in SQLite. */
export function toStorage(doc: unknown): string {
  return JSON.stringify(tag(doc, (date) => ({ $date: date.getTime() })))
}

function fromStorageTag(value: Record<string, unknown>): unknown {
  const key = singleKey(value)
  if (key === '$date' && typeof value.$date === 'number') return new Date(value.$date)
  if (key === '$regularExpression' && isPlainObject(value.$regularExpression)) {
    const { pattern, options } = value.$regularExpression
    if (typeof pattern === 'string') return new RegExp(pattern, regexpFlags(String(options ?? '')))
  }
  return value
}

/** Parses a stored document; tagged values are revived only when the text holds them. */
export function fromStorage<T = Record<string, unknown>>(text: string): T {
  const parsed: unknown = JSON.parse(text)
  if (!text.includes('"$date"') && !text.includes('"$regularExpression"')) return parsed as T
  return revive(parsed, fromStorageTag) as T
}

/** Deep copy that keeps Dates and RegExps (documents are mutated by the updater). */
export function clone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (value instanceof RegExp) return new RegExp(value.source, value.flags) as T
  if (Array.isArray(value)) return value.map((item) => clone(item) as unknown) as T
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = clone(item)
    return out as T
  }
  return value
}

export { isPlainObject }
