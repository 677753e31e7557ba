/**
 * Jest setup (functions project): a test whose function calls scan a whole collection that the
 * manifest marks `large` fails, naming the query. Index the field in database/manifest.ts, or
 * query by `_id`.
 */
import { fullScansOfLargeCollections, recordQueryPlans, takeQueryPlans } from './query-plans'

recordQueryPlans()

beforeEach(() => {
  takeQueryPlans()
})

afterEach(() => {
  const scans = fullScansOfLargeCollections(takeQueryPlans())
  if (scans.length > 0) {
    throw new Error(
      `Unindexed queries on large collections (add an index to database/manifest.ts):\n  ${scans.join('\n  ')}`,
    )
  }
})
