import {
  addUnique,
  asDb,
  DB_OPTIONS,
  inTransaction,
  isDuplicateKeyError,
  isTransactionConflict,
  type Db,
} from '../../cloudfunctions/common/db'
import { createTestCloud, type LocalCloud } from '../../local-cloud/testing'

let cloud: LocalCloud
let db: Db
beforeEach(async () => {
  cloud = createTestCloud()
  db = asDb(cloud.database(DB_OPTIONS))
  await db.collection('counters').add({ data: { _id: 'c', value: 0 } })
})
afterEach(() => cloud.close())

/** Awaits a promise that must reject and answers what it rejected with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail, it succeeded')
}

const E11000 =
  'document.add:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{E11000 duplicate key error collection: env.counters index: _id_ dup key: { _id: "c" }}]}, {<nil>}]'

describe('isDuplicateKeyError: the code and the text both', () => {
  it.each<[string, unknown, boolean]>([
    ['wx-server-sdk’s error for a duplicate _id', { errCode: -502001, errMsg: E11000 }, true],
    [
      'the raw answer',
      { code: 'DATABASE_REQUEST_FAILED', message: 'E11000 duplicate key error collection' },
      true,
    ],
    ['the text with another code', { errCode: -501001, errMsg: E11000 }, false],
    [
      '-502001 with another text',
      { errCode: -502001, errMsg: 'Cannot apply $inc to a value of non-numeric type' },
      false,
    ],
    ['a missing collection', { errCode: -502005, errMsg: 'database collection not exists' }, false],
    ['an Error that only quotes the words', new Error('duplicate key error in my own code'), false],
    ['nothing', null, false],
    ['a string', 'E11000 duplicate key', false],
  ])('%s → %s', (_case, error, expected) => {
    expect(isDuplicateKeyError(error)).toBe(expected)
  })

  it('addUnique answers false for a duplicate and rethrows any other failure', async () => {
    expect(await addUnique(db, 'counters', { _id: 'd', value: 1 })).toBe(true)
    expect(await addUnique(db, 'counters', { _id: 'd', value: 2 })).toBe(false)
    expect(isDuplicateKeyError(await failure(db.collection('counters').add({ data: { _id: 'd' } })))).toBe(
      true,
    )
    expect(await failure(addUnique(db, 'no_such_collection', { _id: 'x' }))).toMatchObject({
      errCode: -502005,
    })
    expect(await failure(addUnique(db, 'counters', { _id: 'y', value: NaN }))).toMatchObject({
      errCode: -501007,
    })
    expect((await db.collection('counters').doc('d').get()).data).toMatchObject({ value: 1 })
  })
})

describe('inTransaction: transactions rerun on a write conflict', () => {
  const increment = (tx: Parameters<Parameters<typeof inTransaction>[1]>[0]) => async () => {
    const { data } = await tx.collection('counters').doc('c').get()
    await tx
      .collection('counters')
      .doc('c')
      .update({ data: { value: Number(data?.value) + 1 } })
  }

  it('recognises the conflict in both shapes, and nothing else', async () => {
    const holder = await cloud.database().startTransaction()
    await holder
      .collection('counters')
      .doc('c')
      .update({ data: { value: 5 } })
    const wrapped = await failure(db.runTransaction(async (tx) => increment(tx)()))
    expect(wrapped).toMatchObject({ errCode: -501001 })
    expect(isTransactionConflict(wrapped)).toBe(true)
    expect(isTransactionConflict({ code: 'DATABASE_TRANSACTION_CONFLICT', message: '' })).toBe(true)
    expect(isTransactionConflict({ errCode: -501001, errMsg: 'resource system error' })).toBe(false)
    expect(isTransactionConflict(new Error('[ResourceUnavailable.TransactionConflict]'))).toBe(false)
    await holder.rollback()
  })

  it('reruns the callback when another transaction held the document, and commits once it is gone', async () => {
    const holder = await cloud.database().startTransaction()
    await holder
      .collection('counters')
      .doc('c')
      .update({ data: { value: 5 } })
    let runs = 0
    await inTransaction(db, async (tx) => {
      runs++
      if (runs === 2) await holder.commit()
      await increment(tx)()
    })
    expect(runs).toBe(2)
    expect((await db.collection('counters').doc('c').get()).data).toMatchObject({ value: 6 })
  })

  it('gives up after the SDK’s 4 runs with the conflict, writing nothing', async () => {
    const holder = await cloud.database().startTransaction()
    await holder
      .collection('counters')
      .doc('c')
      .update({ data: { value: 5 } })
    let runs = 0
    const error = await failure(
      inTransaction(db, async (tx) => {
        runs++
        await tx.collection('counters').add({ data: { _id: `run-${runs}` } })
        await increment(tx)()
      }),
    )
    expect(runs).toBe(4)
    expect(isTransactionConflict(error)).toBe(true)
    await holder.commit()
    expect((await db.collection('counters').get()).data).toEqual([{ _id: 'c', value: 5 }])
  })

  it('passes any other error through after one run', async () => {
    let runs = 0
    const error = await failure(
      inTransaction(db, async () => {
        runs++
        throw new Error('insufficient points')
      }),
    )
    expect([runs, (error as Error).message]).toEqual([1, 'insufficient points'])
  })
})
