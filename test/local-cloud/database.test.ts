/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { shuffleSeedFor } from '../../local-cloud/testing'
import { dbOf, failure, testManifest, type Db } from './helpers'

let cloud: LocalCloud
let db: Db
let _: any

beforeEach(() => {
  cloud = createLocalCloud({ manifest: testManifest })
  db = dbOf(cloud)
  _ = db.command
})

afterEach(() => cloud.close())

const fruit = () => [
  {
    _id: 'a',
    sku: 'A1',
    name: 'apple',
    price: 5,
    tags: ['fruit', 'red'],
    p: { level: 1, x: 'k' },
    madeAt: new Date('2024-01-01T00:00:00Z'),
    stock: 0,
  },
  {
    _id: 'b',
    sku: 'B1',
    name: 'banana',
    price: 3,
    tags: ['fruit', 'yellow'],
    p: { level: 2 },
    madeAt: new Date('2024-03-01T00:00:00Z'),
    stock: 10,
  },
  {
    _id: 'c',
    sku: 'C1',
    name: 'Cherry',
    price: 12,
    tags: ['fruit', 'red', 'small'],
    p: { level: 2, x: 'm' },
    madeAt: new Date('2024-06-01T00:00:00Z'),
  },
  {
    _id: 'd',
    sku: 'D1',
    name: 'dates',
    price: 20,
    tags: [],
    p: { level: 3 },
    items: [
      { q: 1, k: 'x' },
      { q: 5, k: 'y' },
    ],
    madeAt: new Date('2023-12-01T00:00:00Z'),
    stock: null,
  },
  {
    _id: 'e',
    sku: 'E1',
    name: 'elderberry',
    price: 7.5,
    tags: 'berry',
    p: { level: 1 },
    madeAt: new Date('2024-02-01T00:00:00Z'),
  },
]

async function seed(collection: string) {
  const res = await db.collection(collection).add({ data: fruit() })
  expect(res._ids).toEqual(['a', 'b', 'c', 'd', 'e'])
}

async function ids(collection: string, where: unknown): Promise<string[]> {
  const res = await db.collection(collection).where(where).get()
  return res.data.map((doc: any) => doc._id)
}

describe('return shapes and errMsg of the real SDK', () => {
  it('add / doc().get / where().get / count / update / set / remove', async () => {
    const added = await db.collection('plain').add({ data: { n: 1 } })
    expect(added).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{32}$/), errMsg: 'collection.add:ok' })

    const got = await db.collection('plain').doc(added._id).get()
    expect(got).toEqual({ data: { _id: added._id, n: 1 }, errMsg: 'document.get:ok' })

    expect(await db.collection('plain').where({ n: 1 }).get()).toEqual({
      data: [{ _id: added._id, n: 1 }],
      errMsg: 'collection.get:ok',
    })
    expect(await db.collection('plain').where({ n: 1 }).count()).toEqual({
      total: 1,
      errMsg: 'collection.count:ok',
    })

    expect(
      await db
        .collection('plain')
        .doc(added._id)
        .update({ data: { n: 2 } }),
    ).toEqual({
      stats: { updated: 1 },
      errMsg: 'document.update:ok',
    })
    // Same value again: nothing modified, as CloudBase reports it.
    expect(
      await db
        .collection('plain')
        .doc(added._id)
        .update({ data: { n: 2 } }),
    ).toEqual({
      stats: { updated: 0 },
      errMsg: 'document.update:ok',
    })
    expect(
      await db
        .collection('plain')
        .where({ n: 2 })
        .update({ data: { m: 1 } }),
    ).toEqual({
      stats: { updated: 1 },
      errMsg: 'collection.update:ok',
    })

    expect(
      await db
        .collection('plain')
        .doc('fixed')
        .set({ data: { s: 1 } }),
    ).toEqual({
      _id: 'fixed',
      stats: { updated: 0, created: 1 },
      errMsg: 'document.set:ok',
    })
    expect(
      await db
        .collection('plain')
        .doc('fixed')
        .set({ data: { t: 2 } }),
    ).toEqual({
      _id: 'fixed',
      stats: { updated: 1, created: 0 },
      errMsg: 'document.set:ok',
    })
    // set() replaces the whole document.
    expect((await db.collection('plain').doc('fixed').get()).data).toEqual({ _id: 'fixed', t: 2 })

    expect(await db.collection('plain').doc('fixed').remove()).toEqual({
      stats: { removed: 1 },
      errMsg: 'document.remove:ok',
    })
    expect(await db.collection('plain').where({ n: 2 }).remove()).toEqual({
      stats: { removed: 1 },
      errMsg: 'collection.remove:ok',
    })
    expect(await db.collection('plain').count()).toEqual({ total: 0, errMsg: 'collection.count:ok' })
  })

  it('createCollection answers like the SDK and refuses an existing name', async () => {
    expect(await db.createCollection('fresh')).toEqual({
      errMsg: 'createCollection:ok',
      requestId: expect.any(String),
    })
    await db.collection('fresh').add({ data: { x: 1 } })
    const error = await failure(db.createCollection('fresh'))
    expect(error.errMsg).toMatch(/^createCollection:fail .*Table exist/)
  })
})

describe('errors as the platform gives them', () => {
  it('a missing collection fails with -502005, for every operation', async () => {
    const coll = db.collection('nope')
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['collection.get', () => coll.get()],
      ['collection.count', () => coll.count()],
      ['collection.add', () => coll.add({ data: { a: 1 } })],
      ['collection.update', () => coll.where({ a: 1 }).update({ data: { a: 2 } })],
      ['collection.remove', () => coll.where({ a: 1 }).remove()],
      ['document.get', () => coll.doc('x').get()],
      ['document.set', () => coll.doc('x').set({ data: { a: 1 } })],
      ['document.update', () => coll.doc('x').update({ data: { a: 1 } })],
      ['document.remove', () => coll.doc('x').remove()],
      ['collection.aggregate', () => coll.aggregate().match({ a: 1 }).end()],
    ]
    for (const [api, call] of calls) {
      const error = await failure(call())
      expect(error).toBeInstanceOf(Error)
      expect(error.errCode).toBe(-502005)
      expect(error.errMsg).toMatch(
        new RegExp(`^${api.replace('.', '\\.')}:fail -502005 database collection not exists\\. `),
      )
      expect(error.errMsg).toContain('Db or Table not exist: nope')
    }
  })

  it('updating _id fails with -501007', async () => {
    await seed('items')
    for (const call of [
      () =>
        db
          .collection('items')
          .doc('a')
          .update({ data: { _id: 'z' } }),
      () =>
        db
          .collection('items')
          .where({ name: 'apple' })
          .update({ data: { _id: 'z' } }),
      () =>
        db
          .collection('items')
          .doc('a')
          .set({ data: { _id: 'z', n: 1 } }),
    ]) {
      const error = await failure(call())
      expect(error.errCode).toBe(-501007)
      expect(error.errMsg).toMatch(/:fail -501007 invalid parameters\. /)
    }
    // Also refused at the wire level, where the SDK's own check does not reach.
    const wire = (await cloud.wire('database.modifyDocument', {
      collectionName: 'items',
      queryType: 'DOC',
      query: JSON.stringify({ _id: 'a' }),
      data: JSON.stringify({ $set: { _id: 'z' } }),
      multi: false,
      merge: true,
      upsert: false,
    })) as any
    expect(wire.code).toBe('INVALID_PARAM')
    expect((await db.collection('items').doc('a').get()).data._id).toBe('a')
  })

  it('a missing document: doc().get() throws, unless throwOnNotFound is false', async () => {
    const error = await failure(db.collection('plain').doc('ghost').get())
    expect(error.errMsg).toBe('document.get:fail document with _id ghost does not exist')
    const lenient = dbOf(cloud, { throwOnNotFound: false })
    expect(await lenient.collection('plain').doc('ghost').get()).toEqual({
      data: null,
      errMsg: 'document.get:ok',
    })
    // update / remove of a missing document are not errors
    expect(
      (
        await db
          .collection('plain')
          .doc('ghost')
          .update({ data: { a: 1 } })
      ).stats.updated,
    ).toBe(0)
    expect((await db.collection('plain').doc('ghost').remove()).stats.removed).toBe(0)
  })

  it('a duplicate _id on add fails with E11000 duplicate key (-502001), nothing is overwritten', async () => {
    await db.collection('plain').add({ data: { _id: 'k1', v: 1 } })
    const error = await failure(db.collection('plain').add({ data: { _id: 'k1', v: 2 } }))
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toMatch(
      /^collection\.add:fail -502001 database request fail\. .*E11000 duplicate key error/,
    )
    expect(error.errMsg).toContain('dup key: { _id: "k1" }')
    expect((await db.collection('plain').doc('k1').get()).data.v).toBe(1)
  })

  it('a unique manifest index refuses a duplicate value', async () => {
    await seed('items')
    const error = await failure(db.collection('items').add({ data: { sku: 'A1' } }))
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toContain('index: sku dup key: { sku: "A1" }')
  })

  it('$inc on a non-numeric field fails like MongoDB', async () => {
    await seed('items')
    const error = await failure(
      db
        .collection('items')
        .doc('a')
        .update({ data: { name: _.inc(1) } }),
    )
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toContain('Cannot apply $inc to a value of non-numeric type')
  })
})

describe('query commands (same answers with and without indexes)', () => {
  const cases: Array<[string, (db: Db, _: any) => unknown, string[]]> = [
    ['equality', () => ({ name: 'apple' }), ['a']],
    ['eq', (_db, _) => ({ price: _.eq(3) }), ['b']],
    ['neq', (_db, _) => ({ price: _.neq(3) }), ['a', 'c', 'd', 'e']],
    ['gt', (_db, _) => ({ price: _.gt(5) }), ['c', 'd', 'e']],
    ['gte', (_db, _) => ({ price: _.gte(5) }), ['a', 'c', 'd', 'e']],
    ['lt', (_db, _) => ({ price: _.lt(5) }), ['b']],
    ['lte', (_db, _) => ({ price: _.lte(5) }), ['a', 'b']],
    ['in', (_db, _) => ({ price: _.in([3, 20]) }), ['b', 'd']],
    ['nin', (_db, _) => ({ price: _.nin([3, 20]) }), ['a', 'c', 'e']],
    ['field and', (_db, _) => ({ price: _.gt(4).and(_.lt(10)) }), ['a', 'e']],
    ['field or', (_db, _) => ({ price: _.lt(4).or(_.gt(15)) }), ['b', 'd']],
    ['top-level or', (_db, _) => _.or([{ price: _.lt(4) }, { name: 'dates' }]), ['b', 'd']],
    ['top-level or of indexed fields', (_db, _) => _.or([{ sku: 'A1' }, { price: 20 }]), ['a', 'd']],
    ['top-level and', (_db, _) => _.and([{ tags: 'fruit' }, { tags: 'red' }]), ['a', 'c']],
    ['nor', (_db, _) => _.nor([{ price: _.lt(6) }, { name: 'dates' }]), ['c', 'e']],
    ['not', (_db, _) => ({ price: _.not(_.gt(5)) }), ['a', 'b']],
    ['exists true', (_db, _) => ({ stock: _.exists(true) }), ['a', 'b', 'd']],
    ['exists false', (_db, _) => ({ stock: _.exists(false) }), ['c', 'e']],
    ['null matches null and missing', () => ({ stock: null }), ['c', 'd', 'e']],
    ['size', (_db, _) => ({ tags: _.size(2) }), ['a', 'b']],
    ['array contains', () => ({ tags: 'red' }), ['a', 'c']],
    ['in on an array field', (_db, _) => ({ tags: _.in(['small', 'berry']) }), ['c', 'e']],
    ['all', (_db, _) => ({ tags: _.all(['fruit', 'red']) }), ['a', 'c']],
    ['elemMatch', (_db, _) => ({ items: _.elemMatch({ q: _.gt(3) }) }), ['d']],
    ['dotted path into array elements', () => ({ 'items.k': 'y' }), ['d']],
    ['nested object is flattened', () => ({ p: { level: 2 } }), ['b', 'c']],
    ['nested object with two keys', () => ({ p: { level: 1, x: 'k' } }), ['a']],
    ['dotted path', () => ({ 'p.level': 2 }), ['b', 'c']],
    ['range on a dotted path', (_db, _) => ({ 'p.level': _.gte(2) }), ['b', 'c', 'd']],
    ['db.RegExp', (db) => ({ name: db.RegExp({ regexp: '^c', options: 'i' }) }), ['c']],
    ['JS RegExp', () => ({ name: /an/ }), ['b']],
    ['RegExp with the g flag is not stateful', () => ({ name: /e/g }), ['a', 'c', 'd', 'e']],
    ['date gte', (_db, _) => ({ madeAt: _.gte(new Date('2024-02-01T00:00:00Z')) }), ['b', 'c', 'e']],
    ['date lt', (_db, _) => ({ madeAt: _.lt(new Date('2024-01-15T00:00:00Z')) }), ['a', 'd']],
    ['date equality', () => ({ madeAt: new Date('2024-03-01T00:00:00Z') }), ['b']],
    ['_id in', (_db, _) => ({ _id: _.in(['a', 'c']) }), ['a', 'c']],
    ['_id', () => ({ _id: 'e' }), ['e']],
    ['two predicates', (_db, _) => ({ price: _.gt(4), tags: 'fruit' }), ['a', 'c']],
    ['mod', (_db, _) => ({ price: _.mod(5, 0) }), ['a', 'd']],
    ['empty where matches all', () => ({}), ['a', 'b', 'c', 'd', 'e']],
  ]

  it.each(cases)('%s', async (_name, where, expected) => {
    await seed('items')
    await seed('plain')
    expect(await ids('items', where(db, _))).toEqual(expected)
    expect(await ids('plain', where(db, _))).toEqual(expected)
    expect((await db.collection('items').where(where(db, _)).count()).total).toBe(expected.length)
  })
})

describe('update commands', () => {
  const start = { n: 2, arr: [1, 2], o: { a: 0, b: 2 }, s: 'x' }
  const cases: Array<[string, (db: Db, _: any) => unknown, Record<string, unknown>, number?]> = [
    ['inc', (_db, _) => ({ n: _.inc(3) }), { n: 5 }],
    ['inc negative', (_db, _) => ({ n: _.inc(-1.5) }), { n: 0.5 }],
    ['inc creates the field', (_db, _) => ({ m: _.inc(1) }), { m: 1 }],
    ['mul', (_db, _) => ({ n: _.mul(3) }), { n: 6 }],
    ['min lowers', (_db, _) => ({ n: _.min(1) }), { n: 1 }],
    ['min keeps (nothing updated)', (_db, _) => ({ n: _.min(5) }), { n: 2 }, 0],
    ['max', (_db, _) => ({ n: _.max(9) }), { n: 9 }],
    ['plain nested object merges', () => ({ o: { a: 1 } }), { o: { a: 1, b: 2 } }],
    ['set replaces a nested object', (_db, _) => ({ o: _.set({ a: 1 }) }), { o: { a: 1 } }],
    ['dotted path', () => ({ 'o.c': 3 }), { o: { a: 0, b: 2, c: 3 } }],
    ['array index path', () => ({ 'arr.1': 9 }), { arr: [1, 9] }],
    ['remove', (_db, _) => ({ s: _.remove() }), { s: undefined }],
    ['push', (_db, _) => ({ arr: _.push([3, 4]) }), { arr: [1, 2, 3, 4] }],
    ['push with position', (_db, _) => ({ arr: _.push({ each: [0], position: 0 }) }), { arr: [0, 1, 2] }],
    ['push with slice', (_db, _) => ({ arr: _.push({ each: [3], slice: -2 }) }), { arr: [2, 3] }],
    ['pop', (_db, _) => ({ arr: _.pop() }), { arr: [1] }],
    ['shift', (_db, _) => ({ arr: _.shift() }), { arr: [2] }],
    ['unshift', (_db, _) => ({ arr: _.unshift([0]) }), { arr: [0, 1, 2] }],
    ['pull', (_db, _) => ({ arr: _.pull(2) }), { arr: [1] }],
    ['pull with a condition', (_db, _) => ({ arr: _.pull(_.gt(1)) }), { arr: [1] }],
    ['pullAll', (_db, _) => ({ arr: _.pullAll([1, 2]) }), { arr: [] }],
    ['addToSet new', (_db, _) => ({ arr: _.addToSet(3) }), { arr: [1, 2, 3] }],
    ['addToSet $each', (_db, _) => ({ arr: _.addToSet({ $each: [2, 3] }) }), { arr: [1, 2, 3] }],
    ['rename', (_db, _) => ({ s: _.rename('t') }), { s: undefined, t: 'x' }],
    ['date value', () => ({ d: new Date('2020-05-05T00:00:00Z') }), { d: new Date('2020-05-05T00:00:00Z') }],
  ]

  it.each(cases)('%s', async (_name, data, expected, updated = 1) => {
    await db.collection('plain').add({ data: { _id: 'u', ...start } })
    const res = await db
      .collection('plain')
      .doc('u')
      .update({ data: data(db, _) })
    expect(res.stats.updated).toBe(updated)
    const doc = (await db.collection('plain').doc('u').get()).data
    for (const [key, value] of Object.entries(expected)) {
      if (value === undefined) expect(doc).not.toHaveProperty(key)
      else expect(doc[key]).toEqual(value)
    }
  })

  it('where().update() flattens nested objects and updates every match; multi:false is not exposed by the SDK', async () => {
    await seed('items')
    const res = await db
      .collection('items')
      .where({ tags: 'fruit' })
      .update({ data: { p: { checked: true } } })
    expect(res.stats.updated).toBe(3)
    const docs = (await db.collection('items').where({ 'p.checked': true }).get()).data
    expect(docs.map((d: any) => d._id)).toEqual(['a', 'b', 'c'])
    expect(docs[0].p).toEqual({ level: 1, x: 'k', checked: true })
  })

  it('addToSet of an existing element reports nothing updated', async () => {
    await db.collection('plain').add({ data: { _id: 'u', arr: [1, 2] } })
    expect(
      (
        await db
          .collection('plain')
          .doc('u')
          .update({ data: { arr: _.addToSet(2) } })
      ).stats.updated,
    ).toBe(0)
  })
})

describe('updates MongoDB refuses are refused (-502001), the document untouched', () => {
  const start = { n: null, s: 'text', num: 1, arr: [1], o: { a: 1 }, d: new Date('2020-01-01T00:00:00Z') }
  const cases: Array<[string, (_: any) => Record<string, unknown>, string]> = [
    ['a dotted path through null', () => ({ 'n.b': 1 }), "Cannot create field 'b' in element {n: null}"],
    [
      'a nested object under null (the SDK flattens it)',
      () => ({ n: { b: 1 } }),
      "Cannot create field 'b' in element {n: null}",
    ],
    [
      'a dotted path through a string',
      () => ({ 's.b': 1 }),
      `Cannot create field 'b' in element {s: "text"}`,
    ],
    [
      'a dotted path through a number',
      (_) => ({ 'num.b': _.inc(1) }),
      "Cannot create field 'b' in element {num: 1}",
    ],
    ['a named path into an array', () => ({ 'arr.b': 1 }), "Cannot create field 'b' in element {arr: [1]}"],
    ['push on a string', (_) => ({ s: _.push(1) }), "The field 's' must be an array but is of type string"],
    ['push on null', (_) => ({ n: _.push(1) }), "The field 'n' must be an array but is of type null"],
    [
      'unshift on a string',
      (_) => ({ s: _.unshift([1]) }),
      "The field 's' must be an array but is of type string",
    ],
    ['addToSet on an object', (_) => ({ o: _.addToSet(1) }), "Field named 'o' has non-array type object"],
    ['pull on a string', (_) => ({ s: _.pull(1) }), 'Cannot apply $pull to a non-array value'],
    ['pullAll on a number', (_) => ({ num: _.pullAll([1]) }), 'Cannot apply $pull to a non-array value'],
    ['pop on a string', (_) => ({ s: _.pop() }), "Path 's' contains an element of non-array type 'string'"],
    ['shift on a date', (_) => ({ d: _.shift() }), "Path 'd' contains an element of non-array type 'date'"],
    ['inc on a string', (_) => ({ s: _.inc(1) }), "has the field 's' of non-numeric type string"],
    ['inc on null', (_) => ({ n: _.inc(1) }), "has the field 'n' of non-numeric type null"],
    ['mul on an array', (_) => ({ arr: _.mul(2) }), "has the field 'arr' of non-numeric type array"],
  ]

  it.each(cases)('%s', async (_name, data, message) => {
    await db.collection('plain').add({ data: { _id: 'u', ...start } })
    const before = (await db.collection('plain').doc('u').get()).data
    for (const write of [
      () =>
        db
          .collection('plain')
          .doc('u')
          .update({ data: data(_) }),
      () =>
        db
          .collection('plain')
          .where({ _id: 'u' })
          .update({ data: data(_) }),
    ]) {
      const error = await failure(write())
      expect(error.errCode).toBe(-502001)
      expect(error.errMsg).toContain(message)
    }
    expect((await db.collection('plain').doc('u').get()).data).toEqual(before)
  })

  it('operators that create nothing do nothing on a path they cannot follow', async () => {
    await db.collection('plain').add({ data: { _id: 'u', ...start } })
    for (const data of [{ 'n.b': _.remove() }, { 's.b': _.pull(1) }, { 'n.b': _.pop() }]) {
      expect((await db.collection('plain').doc('u').update({ data })).stats.updated).toBe(0)
    }
  })
})

describe('NaN and Infinity are refused, not stored as null (-501007)', () => {
  const writes: Array<[string, (db: Db, _: any) => Promise<unknown>]> = [
    ['add', (db) => db.collection('plain').add({ data: { v: NaN } })],
    ['add, nested in an array', (db) => db.collection('plain').add({ data: { v: [{ w: Infinity }] } })],
    [
      'set',
      (db) =>
        db
          .collection('plain')
          .doc('u')
          .set({ data: { v: -Infinity } }),
    ],
    [
      'update',
      (db) =>
        db
          .collection('plain')
          .doc('u')
          .update({ data: { v: NaN } }),
    ],
    [
      'update with inc',
      (db, _) =>
        db
          .collection('plain')
          .doc('u')
          .update({ data: { v: _.inc(NaN) } }),
    ],
    [
      'where().update',
      (db) =>
        db
          .collection('plain')
          .where({ _id: 'u' })
          .update({ data: { o: { v: NaN } } }),
    ],
    [
      'add in a transaction',
      (db) => db.runTransaction((t: any) => t.collection('plain').add({ data: { _id: 'x', v: NaN } })),
    ],
  ]

  it.each(writes)('%s', async (_name, write) => {
    await db.collection('plain').add({ data: { _id: 'u', v: 1 } })
    const error = await failure(write(db, _))
    expect(error.errCode).toBe(-501007)
    expect(error.errMsg).toMatch(/holds (NaN|-?Infinity) at/)
    expect((await db.collection('plain').get()).data).toEqual([{ _id: 'u', v: 1 }])
  })
})

describe('serverDate, dates and RegExp', () => {
  it('serverDate is stored as a real Date (with offset), and Dates round-trip as Dates', async () => {
    const before = Date.now()
    await db.collection('plain').add({
      data: { _id: 's', at: db.serverDate(), later: db.serverDate({ offset: 60_000 }), d: new Date(0) },
    })
    const after = Date.now()
    const doc = (await db.collection('plain').doc('s').get()).data
    expect(doc.at).toBeInstanceOf(Date)
    expect(doc.at.getTime()).toBeGreaterThanOrEqual(before)
    expect(doc.at.getTime()).toBeLessThanOrEqual(after)
    expect(doc.later.getTime() - doc.at.getTime()).toBe(60_000)
    expect(doc.d).toEqual(new Date(0))

    await db
      .collection('plain')
      .doc('s')
      .update({ data: { touched: db.serverDate() } })
    const updated = (await db.collection('plain').doc('s').get()).data
    expect(updated.touched).toBeInstanceOf(Date)

    // a query can compare against serverDate too
    const found = await db
      .collection('plain')
      .where({ at: _.lte(db.serverDate()) })
      .get()
    expect(found.data).toHaveLength(1)

    // nested dates and dates in arrays
    await db.collection('plain').add({ data: { _id: 'n', h: [{ at: new Date(5) }], o: { at: new Date(6) } } })
    const nested = (await db.collection('plain').doc('n').get()).data
    expect(nested.h[0].at).toEqual(new Date(5))
    expect(nested.o.at).toEqual(new Date(6))
  })

  it('the stored form of a serverDate is a tagged millisecond value', async () => {
    await db.collection('plain').add({ data: { _id: 't', at: db.serverDate() } })
    const row = cloud.sqlite.prepare('SELECT doc FROM "c_plain" WHERE id = ?').get('t') as { doc: string }
    expect(JSON.parse(row.doc).at).toEqual({ $date: expect.any(Number) })
  })
})

describe('shuffleUnordered: no order without orderBy', () => {
  const idsOf = (res: any) => res.data.map((doc: any) => doc._id)
  const shuffled = async (seed: number | boolean) => {
    const other = createLocalCloud({ manifest: testManifest, shuffleUnordered: seed })
    try {
      const odb = dbOf(other)
      await odb.collection('plain').add({ data: Array.from({ length: 20 }, (_v, i) => ({ _id: `p${i}` })) })
      const orders: string[][] = []
      for (let i = 0; i < 5; i++) orders.push(idsOf(await odb.collection('plain').get()))
      const ordered = idsOf(await odb.collection('plain').orderBy('_id', 'asc').limit(3).get())
      const pages = [
        ...idsOf(await odb.collection('plain').limit(10).get()),
        ...idsOf(await odb.collection('plain').skip(10).limit(10).get()),
      ]
      return { orders, ordered, pages, seed: other.shuffleSeed }
    } finally {
      other.close()
    }
  }

  it('answers the same documents in an order drawn from the seed: the same seed, the same orders', async () => {
    const first = await shuffled(7)
    expect(first.seed).toBe(7)
    for (const order of first.orders) expect([...order].sort()).toEqual([...first.orders[0]].sort())
    expect(new Set(first.orders.map((order) => order.join()))).not.toEqual(new Set([first.orders[0].join()]))
    expect(await shuffled(7)).toEqual(first)
    expect((await shuffled(8)).orders).not.toEqual(first.orders)
  })

  it('leaves orderBy alone, and shows what paging with skip and no order does', async () => {
    const { ordered, pages } = await shuffled(7)
    expect(ordered).toEqual(['p0', 'p1', 'p10'])
    // Two pages of an unordered query are two independent draws: some documents twice, some never.
    expect(new Set(pages).size).toBeLessThan(20)
  })

  it('true takes the seed from LOCAL_CLOUD_SHUFFLE_SEED', async () => {
    const saved = process.env.LOCAL_CLOUD_SHUFFLE_SEED
    process.env.LOCAL_CLOUD_SHUFFLE_SEED = '7'
    try {
      expect(await shuffled(true)).toEqual({ ...(await shuffled(7)) })
    } finally {
      if (saved === undefined) delete process.env.LOCAL_CLOUD_SHUFFLE_SEED
      else process.env.LOCAL_CLOUD_SHUFFLE_SEED = saved
    }
  })

  it('shuffleSeedFor derives a seed from the test name and LOCAL_CLOUD_SHUFFLE_SEED', () => {
    const saved = process.env.LOCAL_CLOUD_SHUFFLE_SEED
    try {
      delete process.env.LOCAL_CLOUD_SHUFFLE_SEED
      const plain = shuffleSeedFor('a test')
      expect(shuffleSeedFor('a test')).toBe(plain)
      expect(shuffleSeedFor('another test')).not.toBe(plain)
      process.env.LOCAL_CLOUD_SHUFFLE_SEED = '1'
      expect(shuffleSeedFor('a test')).not.toBe(plain)
    } finally {
      if (saved === undefined) delete process.env.LOCAL_CLOUD_SHUFFLE_SEED
      else process.env.LOCAL_CLOUD_SHUFFLE_SEED = saved
    }
  })

  it('is off by default: natural order', async () => {
    await db.collection('plain').add({ data: [{ _id: 'z' }, { _id: 'y' }, { _id: 'x' }] })
    expect(cloud.shuffleSeed).toBeUndefined()
    expect(idsOf(await db.collection('plain').get())).toEqual(['z', 'y', 'x'])
  })
})

describe('orderBy, skip, limit, field', () => {
  beforeEach(() => seed('items'))

  it('orders by one or several fields, skips and limits', async () => {
    const byPrice = await db.collection('items').orderBy('price', 'desc').get()
    expect(byPrice.data.map((d: any) => d._id)).toEqual(['d', 'c', 'e', 'a', 'b'])
    const paged = await db.collection('items').orderBy('price', 'asc').skip(1).limit(2).get()
    expect(paged.data.map((d: any) => d._id)).toEqual(['a', 'e'])
    const twoKeys = await db.collection('items').orderBy('p.level', 'asc').orderBy('price', 'desc').get()
    expect(twoKeys.data.map((d: any) => d._id)).toEqual(['e', 'a', 'c', 'b', 'd'])
    const noOrder = await db.collection('items').skip(3).get()
    expect(noOrder.data.map((d: any) => d._id)).toEqual(['d', 'e'])
  })

  it('field() projects like CloudBase: _id included unless excluded', async () => {
    const res = await db.collection('items').where({ _id: 'a' }).field({ name: true, 'p.level': true }).get()
    expect(res.data).toEqual([{ _id: 'a', name: 'apple', p: { level: 1 } }])
    const excluded = await db
      .collection('items')
      .doc('a')
      .field({ tags: false, p: false, madeAt: false })
      .get()
    expect(excluded.data).toEqual({ _id: 'a', sku: 'A1', name: 'apple', price: 5, stock: 0 })
    const noId = await db.collection('items').where({ _id: 'b' }).field({ _id: false, name: true }).get()
    expect(noId.data).toEqual([{ name: 'banana' }])
  })
})

describe('limits', () => {
  async function bulk(n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
    for (let start = 0; start < n; start += 500) {
      const data = []
      for (let i = start; i < Math.min(n, start + 500); i++) data.push({ i, ...extra(i) })
      await db.collection('plain').add({ data })
    }
  }

  it('get() returns 100 by default and at most 1000, silently', async () => {
    await bulk(1100)
    expect((await db.collection('plain').get()).data).toHaveLength(100)
    expect((await db.collection('plain').limit(1000).get()).data).toHaveLength(1000)
    expect((await db.collection('plain').limit(5000).get()).data).toHaveLength(1000)
    const lastPage = await db.collection('plain').skip(1000).limit(1000).get()
    expect(lastPage.data).toHaveLength(100)
    expect(lastPage.data[0].i).toBe(1000)
    // count() is not limited
    expect((await db.collection('plain').count()).total).toBe(1100)
    // the wire enforces the same cap for a client that asks for more
    const wire = (await cloud.wire('database.getDocument', {
      collectionName: 'plain',
      queryType: 'WHERE',
      query: '{}',
      limit: 5000,
    })) as any
    expect(wire.data.list).toHaveLength(1000)
  })

  it('a result over 1 MB fails (-502001) instead of being truncated', async () => {
    await bulk(3, () => ({ blob: 'x'.repeat(400 * 1024) }))
    const error = await failure(db.collection('plain').get())
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toMatch(/^collection\.get:fail .*exceed limit \(1MB\)/)
    expect((await db.collection('plain').limit(2).get()).data).toHaveLength(2)
    expect((await db.collection('plain').field({ i: true }).get()).data).toHaveLength(3)
  })
})

describe('orderBy _id alone: pages read in key order', () => {
  const idsOf = (res: any) => res.data.map((doc: any) => doc._id)
  // Inserted out of order, with numbers, mixed case and digits, so insertion order is not key order.
  const ids = ['m', 'B', 'a', 'z9', 'z10', 'A', '0', '_', 'b', 'Z', 'aa', 'ab']

  beforeEach(async () => {
    for (const [i, _id] of ids.entries())
      await db.collection('items').add({ data: { _id, sku: `S${i}`, price: i % 3 } })
    await db.collection('items').add({ data: { _id: 7, sku: 'N7', price: 1 } })
    await db.collection('items').add({ data: { _id: 3, sku: 'N3', price: 2 } })
  })

  // What sorting every match gives (numbers before strings, strings by code point).
  const sorted = (all: any[], direction: 1 | -1) => {
    const ascending = [...all]
      .sort((a, b) => {
        const [x, y] = [a._id, b._id]
        if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1
        return x < y ? -1 : x > y ? 1 : 0
      })
      .map((doc) => doc._id)
    return direction === 1 ? ascending : ascending.reverse()
  }

  it('answers every page as sorting every match would, ascending and descending, narrowed or not', async () => {
    const all = (await db.collection('items').limit(100).get()).data
    for (const direction of [1, -1] as const) {
      const expected = sorted(all, direction)
      const pages: unknown[] = []
      for (let skip = 0; skip < expected.length; skip += 4)
        pages.push(
          ...idsOf(
            await db
              .collection('items')
              .orderBy('_id', direction === 1 ? 'asc' : 'desc')
              .skip(skip)
              .limit(4)
              .get(),
          ),
        )
      expect(pages).toEqual(expected)
      // An indexed condition and a cursor beside it: the same order among the matches.
      const cheap = all.filter((doc: any) => doc.price === 1)
      const after = await db
        .collection('items')
        .where({ price: 1, _id: direction === 1 ? _.gt('A') : _.lt('z9') })
        .orderBy('_id', direction === 1 ? 'asc' : 'desc')
        .limit(100)
        .get()
      expect(idsOf(after)).toEqual(
        sorted(cheap, direction).filter(
          (id: any) =>
            // A comparison with a string matches strings only, as in MongoDB.
            typeof id === 'string' && (direction === 1 ? id > 'A' : id < 'z9'),
        ),
      )
    }
  })

  it('stops reading at the end of the page instead of loading every match', async () => {
    await db
      .collection('plain')
      .add({ data: Array.from({ length: 300 }, (_v, i) => ({ _id: `k${1000 + i}` })) })
    const read = new Set<string>()
    const original = JSON.parse
    const spy = jest.spyOn(JSON, 'parse').mockImplementation((text: string, ...rest: any[]) => {
      const value = original(text, ...rest)
      if (typeof value?._id === 'string' && value._id.startsWith('k')) read.add(value._id)
      return value
    })
    try {
      const page = await db
        .collection('plain')
        .where({ _id: _.gt('k1100') })
        .orderBy('_id', 'asc')
        .limit(5)
        .get()
      expect(idsOf(page)).toEqual(['k1101', 'k1102', 'k1103', 'k1104', 'k1105'])
    } finally {
      spy.mockRestore()
    }
    expect(read.size).toBeLessThan(20)
  })

  it('lets SQLite stop at the page too: a cursor is not first collected into a set of every match', async () => {
    await db
      .collection('plain')
      .add({ data: Array.from({ length: 50 }, (_v, i) => ({ _id: `k${1000 + i}` })) })
    const statements: string[] = []
    const prepare = cloud.sqlite.prepare.bind(cloud.sqlite)
    const spy = jest.spyOn(cloud.sqlite, 'prepare').mockImplementation(((sql: string) => {
      statements.push(sql)
      return prepare(sql)
    }) as typeof cloud.sqlite.prepare)
    try {
      const page = await db
        .collection('plain')
        .where({ _id: _.gt('k1010') })
        .orderBy('_id', 'asc')
        .limit(3)
        .get()
      expect(idsOf(page)).toEqual(['k1011', 'k1012', 'k1013'])
    } finally {
      spy.mockRestore()
    }
    const scan = statements.find((sql) => sql.startsWith('SELECT rowid, doc FROM'))
    expect(scan).toBeDefined()
    // The plan walks the key's index from the cursor on: no list of matches, no sort.
    const plan = (cloud.sqlite.prepare(`EXPLAIN QUERY PLAN ${scan}`).all('k1010') as { detail: string }[])
      .map((row) => row.detail)
      .join('\n')
    expect(plan).not.toMatch(/LIST SUBQUERY|TEMP B-TREE/)
    expect(plan).toMatch(/SEARCH .* USING INDEX .*\(id>\?\)/)
  })
})
