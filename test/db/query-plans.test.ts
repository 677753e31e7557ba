/**
 * The guard behind every function test (test/support/no-full-scans.ts): a function query that
 * scans a whole `large` collection is caught; indexed and `_id` queries are not; test helpers
 * outside an invocation are not recorded.
 */
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { manifest } from '../../database/manifest'
import { createTestCloud, shuffleSeedFor, type LocalCloud } from '../../local-cloud/testing'
import { fullScansOfLargeCollections, isLarge, takeQueryPlans } from '../support/query-plans'

let cloud: LocalCloud

/** A function whose only action runs `query` and answers the number of documents. */
function register(query: (db: ReturnType<typeof asDb>) => Promise<unknown>) {
  cloud.register('probe', () => ({
    main: async () => query(asDb(cloud.database(DB_OPTIONS))),
  }))
}

beforeEach(() => {
  cloud = createTestCloud({ shuffleUnordered: shuffleSeedFor(expect.getState().currentTestName ?? '') })
})
afterEach(() => cloud.close())

test('the manifest marks the collections that grow with members and events as large', () => {
  const large = manifest.collections.filter((c) => c.large).map((c) => c.name)
  expect(large).toEqual(
    expect.arrayContaining(['members', 'identities', 'identity_index', 'audit_log', 'sms_codes']),
  )
  expect(isLarge('settings')).toBe(false)
})

test.each([
  [
    'an unindexed equality',
    (db: ReturnType<typeof asDb>) => db.collection('members').where({ points: 5 }).get(),
  ],
  [
    'an unindexed count',
    (db: ReturnType<typeof asDb>) => db.collection('audit_log').where({ action: 'read' }).count(),
  ],
  [
    'an unindexed update',
    (db: ReturnType<typeof asDb>) =>
      db
        .collection('members')
        .where({ province: '31' })
        .update({ data: { tier: 'normal' } }),
  ],
])('should report %s on a large collection', async (_label, query) => {
  register(query)
  await cloud.invoke('probe', {}, { OPENID: 'o-probe' })
  const scans = fullScansOfLargeCollections(takeQueryPlans())
  expect(scans).toHaveLength(1)
  expect(scans[0]).toMatch(
    /^probe: database\.\w+ on (members|audit_log) filtering on \[(points|action|province)\]/,
  )
})

test.each([
  [
    'an indexed equality',
    (db: ReturnType<typeof asDb>) => db.collection('members').where({ memberNo: 'x' }).get(),
  ],
  [
    'an indexed range',
    (db: ReturnType<typeof asDb>) =>
      db
        .collection('sms_codes')
        .where({ expiresAt: db.command.lt(new Date()) })
        .get(),
  ],
  ['a document read', (db: ReturnType<typeof asDb>) => db.collection('identities').doc('m1').get()],
  ['a whole-collection count', (db: ReturnType<typeof asDb>) => db.collection('members').count()],
  [
    'a scan of a small collection',
    (db: ReturnType<typeof asDb>) => db.collection('stores').where({ city: 'x' }).get(),
  ],
])('should accept %s', async (_label, query) => {
  register(query)
  await cloud.invoke('probe', {}, { OPENID: 'o-probe' })
  const plans = takeQueryPlans()
  // Document reads and whole-collection counts never scan: they are not even recorded.
  expect(plans.length).toBeLessThanOrEqual(1)
  expect(plans.every((plan) => !plan.fullScan || !isLarge(plan.collection))).toBe(true)
  expect(fullScansOfLargeCollections(plans)).toEqual([])
})

test('should not record queries made outside a function invocation', async () => {
  await asDb(cloud.database(DB_OPTIONS)).collection('members').where({ points: 5 }).get()
  expect(takeQueryPlans()).toEqual([])
})
