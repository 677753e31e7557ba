/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { dbOf, failure, testManifest, type Db } from './helpers'

let cloud: LocalCloud
let db: Db
let _: any
let $: any

beforeEach(async () => {
  cloud = createLocalCloud({ manifest: testManifest })
  db = dbOf(cloud)
  _ = db.command
  $ = _.aggregate
  await db.collection('ledger').add({
    data: [
      {
        _id: 'l1',
        member: 'm1',
        points: 10,
        kind: 'earn',
        tags: ['a', 'b'],
        at: new Date('2024-01-01T00:00:00Z'),
      },
      {
        _id: 'l2',
        member: 'm1',
        points: -4,
        kind: 'redeem',
        tags: ['b'],
        at: new Date('2024-01-02T00:00:00Z'),
      },
      { _id: 'l3', member: 'm2', points: 7, kind: 'earn', tags: [], at: new Date('2024-01-03T00:00:00Z') },
      { _id: 'l4', member: 'm2', points: 3, kind: 'earn', tags: ['c'], at: new Date('2024-01-04T00:00:00Z') },
      {
        _id: 'l5',
        member: 'm3',
        points: 1,
        kind: 'earn',
        p: { level: 2 },
        at: new Date('2024-01-05T00:00:00Z'),
      },
    ],
  })
  await db.collection('accounts').add({
    data: [
      { _id: 'm1', name: 'Ann' },
      { _id: 'm2', name: 'Bo' },
    ],
  })
})

afterEach(() => cloud.close())

const cases: Array<[string, (agg: any, db: Db, _: any, $: any) => any, unknown[]]> = [
  [
    'match + group with $sum/$avg/$min/$max/$push + sort',
    (agg, _db, _, $) =>
      agg
        .match({ kind: 'earn' })
        .group({
          _id: '$member',
          total: $.sum('$points'),
          avg: $.avg('$points'),
          min: $.min('$points'),
          max: $.max('$points'),
          all: $.push('$points'),
          n: $.sum(1),
        })
        .sort({ total: -1 }),
    [
      { _id: 'm1', total: 10, avg: 10, min: 10, max: 10, all: [10], n: 1 },
      { _id: 'm2', total: 10, avg: 5, min: 3, max: 7, all: [7, 3], n: 2 },
      { _id: 'm3', total: 1, avg: 1, min: 1, max: 1, all: [1], n: 1 },
    ],
  ],
  [
    'match with a command, project, skip, limit',
    (agg, _db, _) =>
      agg
        .match({ points: _.gt(2) })
        .sort({ at: 1 })
        .project({ _id: 0, member: 1, points: 1 })
        .skip(1)
        .limit(2),
    [
      { member: 'm2', points: 7 },
      { member: 'm2', points: 3 },
    ],
  ],
  [
    'match flattens nested objects',
    (agg) => agg.match({ p: { level: 2 } }).project({ _id: 1 }),
    [{ _id: 'l5' }],
  ],
  ['count', (agg) => agg.match({ kind: 'earn' }).count('earned'), [{ earned: 4 }]],
  [
    'unwind',
    (agg) => agg.match({ member: 'm1' }).unwind('$tags').project({ _id: 1, tags: 1 }),
    [
      { _id: 'l1', tags: 'a' },
      { _id: 'l1', tags: 'b' },
      { _id: 'l2', tags: 'b' },
    ],
  ],
  [
    'lookup',
    (agg) =>
      agg
        .match({ kind: 'redeem' })
        .lookup({ from: 'accounts', localField: 'member', foreignField: '_id', as: 'account' })
        .project({ _id: 1, 'account.name': 1 }),
    [{ _id: 'l2', account: [{ name: 'Ann' }] }],
  ],
  [
    'group by a date expression',
    (agg, _db, _, $) =>
      agg
        .group({ _id: $.dateToString({ date: '$at', format: '%Y-%m' }), n: $.sum(1) })
        .project({ _id: 1, n: 1 }),
    [{ _id: '2024-01', n: 5 }],
  ],
]

describe('aggregate stages', () => {
  it.each(cases)('%s', async (_name, build, expected) => {
    const res = await build(db.collection('ledger').aggregate(), db, _, $).end()
    expect(res).toEqual({ list: expected, errMsg: 'collection.aggregate:ok' })
  })

  it('dates stay Dates through the pipeline', async () => {
    const res = await db.collection('ledger').aggregate().sort({ at: -1 }).limit(1).end()
    expect(res.list[0].at).toEqual(new Date('2024-01-05T00:00:00Z'))
  })

  it('an invalid stage fails with the SDK error shape', async () => {
    const error = await failure(
      db
        .collection('ledger')
        .aggregate()
        .group({ total: $.sum('$points') })
        .end(),
    )
    expect(error.errMsg).toMatch(/^collection\.aggregate:fail /)
  })
})
