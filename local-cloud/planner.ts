import { isPlainObject } from './codec'
import { arrayFlagExpression, fieldExpression, type IndexInfo, type Narrowing } from './store'

/**
 * Turns a MongoDB-style query into an SQL condition on indexed expressions that selects a
 * superset of the matching documents; mingo then evaluates the full query on those candidates.
 * Only the leading field of each declared index (and `_id`) is used, and only for equality,
 * `$in` and range predicates on scalar values.
 */

type Scalar = string | number | null

type Part = { sql: string; params: unknown[] }

interface Predicate {
  field: string
  /**
   * Lower is better: id lookups, then equality, then $in, then ranges, an `_id` range last (a
   * cursor beside an indexed condition must not make the scan walk the collection by `_id`).
   */
  rank: number
  /** The condition on the field's index expression (for `$or`: unused, see parts). */
  sql: string
  params: unknown[]
  /** Bounds ($gt/$gte/$lt/$lte): several on one field combine into one range. */
  range?: boolean
  /** For `$or` only: the union of the branches' parts. */
  parts?: Part[]
}

/** Alternatives, each answerable from one index; the candidates are their union. */
function partsOf(predicate: Predicate): Part[] {
  if (predicate.parts) return predicate.parts
  const main = { sql: predicate.sql, params: predicate.params }
  // _id is never an array, so the array escape hatch is only needed for document fields.
  if (predicate.field === '_id') return [main]
  return [main, { sql: arrayFlagExpression(predicate.field), params: [] }]
}

function scalar(value: unknown): Scalar | undefined {
  if (value === null) return null
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'boolean') return value ? 1 : 0
  return undefined
}

function equality(expr: string, value: unknown): { sql: string; params: unknown[] } | undefined {
  const v = scalar(value)
  if (v === undefined) return undefined
  if (v === null) return { sql: `${expr} IS NULL`, params: [] }
  return { sql: `${expr} = ?`, params: [v] }
}

const RANGE_OPS: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }

function predicatesForField(field: string, condition: unknown): Predicate[] {
  const expr = fieldExpression(field)
  const isId = field === '_id'
  const wrap = (sql: string, params: unknown[], rank: number): Predicate => ({
    field,
    rank: isId ? (rank === 3 ? 3.5 : rank - 10) : rank,
    sql,
    params,
    range: rank === 3,
  })
  if (!isPlainObject(condition) || Object.keys(condition).some((k) => !k.startsWith('$'))) {
    if (condition instanceof RegExp || Array.isArray(condition)) return []
    if (isPlainObject(condition)) return []
    const eq = equality(expr, condition)
    return eq ? [wrap(eq.sql, eq.params, 1)] : []
  }
  const out: Predicate[] = []
  const ranges: string[] = []
  const rangeParams: unknown[] = []
  for (const [op, operand] of Object.entries(condition)) {
    if (op === '$eq') {
      const eq = equality(expr, operand)
      if (eq) out.push(wrap(eq.sql, eq.params, 1))
    } else if (op === '$in' && Array.isArray(operand) && operand.length > 0) {
      const values = operand.map(scalar)
      if (values.some((v) => v === undefined)) continue
      const present = values.filter((v): v is string | number => v !== null)
      const parts: string[] = []
      if (present.length) parts.push(`${expr} IN (${present.map(() => '?').join(', ')})`)
      if (values.includes(null)) parts.push(`${expr} IS NULL`)
      out.push(wrap(parts.join(' OR '), present, 2))
    } else if (op in RANGE_OPS) {
      const v = scalar(operand)
      if (v === undefined || v === null || typeof operand === 'boolean') continue
      ranges.push(`${expr} ${RANGE_OPS[op]} ?`)
      rangeParams.push(v)
    }
  }
  if (ranges.length) out.push(wrap(ranges.join(' AND '), rangeParams, 3))
  return out
}

function collect(query: Record<string, unknown>, indexed: Set<string>, out: Predicate[]): void {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) collect(part, indexed, out)
    } else if (!key.startsWith('$') && indexed.has(key)) {
      out.push(...predicatesForField(key, condition))
    }
  }
}

/** `_.gte(a).and(_.lt(b))` arrives as `$and: [{f: {$gte}}, {f: {$lt}}]`: one range, both bounds. */
function mergeRanges(found: Predicate[]): Predicate[] {
  const out: Predicate[] = []
  const ranges = new Map<string, Predicate>()
  for (const predicate of found) {
    const merged = predicate.range ? ranges.get(predicate.field) : undefined
    if (merged) {
      merged.sql = `${merged.sql} AND ${predicate.sql}`
      merged.params = [...merged.params, ...predicate.params]
      continue
    }
    const copy = { ...predicate }
    if (predicate.range) ranges.set(predicate.field, copy)
    out.push(copy)
  }
  return out
}

function best(query: Record<string, unknown>, indexed: Set<string>): Predicate | undefined {
  const found: Predicate[] = []
  collect(query, indexed, found)
  const or = query.$or
  if (Array.isArray(or) && or.length > 0 && found.length === 0) {
    const branches = or.map((branch) => (isPlainObject(branch) ? best(branch, indexed) : undefined))
    if (branches.every((b): b is Predicate => b !== undefined)) {
      return { field: '$or', rank: 4, sql: '', params: [], parts: branches.flatMap(partsOf) }
    }
  }
  return mergeRanges(found).sort((a, b) => a.rank - b.rank)[0]
}

export function plan(query: unknown, indexes: IndexInfo[]): Narrowing | undefined {
  if (!isPlainObject(query)) return undefined
  const indexed = new Set<string>(['_id', ...indexes.map((index) => index.fields[0])])
  const predicate = best(query, indexed)
  if (!predicate) return undefined
  // The same array-flag part can come from several $or branches; one copy is enough.
  const seen = new Set<string>()
  const parts = partsOf(predicate).filter((part) => {
    if (part.params.length > 0) return true
    if (seen.has(part.sql)) return false
    seen.add(part.sql)
    return true
  })
  return { parts }
}
