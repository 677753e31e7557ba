/**
 * Which index narrows a query's candidates: an `_id` lookup first, then an indexed equality, `$in`
 * and ranges, and an `_id` range only when nothing better is there (a cursor beside an indexed
 * condition must not walk the collection by `_id`).
 */
import { plan } from '../../local-cloud/planner'
import type { IndexInfo } from '../../local-cloud/store'

const INDEXES: IndexInfo[] = [
  { name: 'member_time', fields: ['memberId', 'at'], unique: false },
  { name: 'expires', fields: ['lotsExpireAt'], unique: false },
]

const narrowedBy = (query: Record<string, unknown>) => plan(query, INDEXES)?.parts[0]?.sql ?? ''

describe('plan', () => {
  it('looks a document up by its _id first', () => {
    expect(narrowedBy({ _id: 'a', memberId: 'm' })).toBe('id = ?')
    expect(narrowedBy({ _id: { $in: ['a', 'b'] }, memberId: 'm' })).toBe('id IN (?, ?)')
  })

  it('narrows by an indexed equality, not by an _id range beside it', () => {
    expect(narrowedBy({ memberId: 'm', _id: { $gt: 'x' } })).toContain('memberId')
    expect(narrowedBy({ lotsExpireAt: { $lte: new Date(0) }, _id: { $gt: 'x' } })).toContain('lotsExpireAt')
  })

  it('uses an _id range when no indexed field is in the query', () => {
    expect(narrowedBy({ _id: { $gt: 'x' }, other: 1 })).toBe('id > ?')
  })
})
