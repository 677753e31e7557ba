/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { dbOf, failure, testManifest, type Db } from './helpers'

let cloud: LocalCloud
let db: Db
let _: any

beforeEach(async () => {
  cloud = createLocalCloud({ manifest: testManifest })
  db = dbOf(cloud)
  _ = db.command
  await db.collection('accounts').add({ data: { _id: 'acc', balance: 100 } })
})

afterEach(() => cloud.close())

const balance = async () => (await db.collection('accounts').doc('acc').get()).data.balance

describe('runTransaction', () => {
  it('commits single-document operations and returns the callback value', async () => {
    const result = await db.runTransaction(async (t: any) => {
      const acc = (await t.collection('accounts').doc('acc').get()).data
      await t
        .collection('accounts')
        .doc('acc')
        .update({ data: { balance: acc.balance - 30 } })
      const added = await t.collection('ledger').add({ data: { _id: 'r1', delta: -30 } })
      await t
        .collection('ledger')
        .doc('r2')
        .set({ data: { delta: 0 } })
      await t.collection('ledger').doc('r2').remove()
      return { before: acc.balance, added }
    })
    expect(result).toEqual({ before: 100, added: { _id: 'r1', errMsg: 'collection.add:ok' } })
    expect(await balance()).toBe(70)
    expect((await db.collection('ledger').get()).data).toEqual([{ _id: 'r1', delta: -30 }])
  })

  it('reads its own writes; other readers see nothing until commit', async () => {
    const t = await db.startTransaction()
    await t
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: _.inc(-1) } })
    expect((await t.collection('accounts').doc('acc').get()).data.balance).toBe(99)
    expect(await balance()).toBe(100)
    await t.collection('ledger').add({ data: { _id: 'x', v: 1 } })
    expect((await t.collection('ledger').doc('x').get()).data).toEqual({ _id: 'x', v: 1 })
    expect((await db.collection('ledger').count()).total).toBe(0)
    await t.commit()
    expect(await balance()).toBe(99)
    expect((await db.collection('ledger').count()).total).toBe(1)
  })

  it('rolls back everything on throw: nothing it wrote is visible', async () => {
    const error = await failure(
      db.runTransaction(async (t: any) => {
        await t
          .collection('accounts')
          .doc('acc')
          .update({ data: { balance: 0 } })
        await t.collection('ledger').add({ data: { _id: 'gone', v: 1 } })
        await t
          .collection('ledger')
          .doc('gone2')
          .set({ data: { v: 2 } })
        throw new Error('insufficient points')
      }),
    )
    expect(error.message).toBe('insufficient points')
    expect(await balance()).toBe(100)
    expect((await db.collection('ledger').count()).total).toBe(0)
  })

  it('rollback(reason) aborts and rejects with the reason', async () => {
    const error = await failure(
      db.runTransaction(async (t: any) => {
        await t
          .collection('accounts')
          .doc('acc')
          .update({ data: { balance: 1 } })
        await t.rollback({ code: 'NOPE' })
      }),
    )
    expect(error).toEqual({ code: 'NOPE' })
    expect(await balance()).toBe(100)
  })

  it('startTransaction: rollback discards, a finished transaction cannot be used again', async () => {
    const t = await db.startTransaction()
    await t
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: 5 } })
    await t.rollback()
    expect(await balance()).toBe(100)
    const error = await failure(t.collection('accounts').doc('acc').get())
    expect(error.errMsg).toMatch(/^document\.get:fail .*not active/)
  })

  it('accepts only single-document operations', async () => {
    const attempts: Array<[string, (t: any) => Promise<unknown>]> = [
      ['where().get', (t) => t.collection('accounts').where({ balance: 100 }).get()],
      [
        'where().update',
        (t) =>
          t
            .collection('accounts')
            .where({ balance: 100 })
            .update({ data: { balance: 1 } }),
      ],
      ['where().remove', (t) => t.collection('accounts').where({ balance: 100 }).remove()],
      ['where().count', (t) => t.collection('accounts').where({ balance: 100 }).count()],
      ['collection().get', (t) => t.collection('accounts').get()],
    ]
    for (const [name, attempt] of attempts) {
      const error = await failure(db.runTransaction((t: any) => attempt(t)))
      expect([name, error.errCode]).toEqual([name, -501007])
      expect(error.errMsg).toMatch(/single-document operations/)
    }
    expect(await balance()).toBe(100)
  })

  it('a duplicate add inside a transaction fails and the transaction rolls back', async () => {
    const error = await failure(
      db.runTransaction(async (t: any) => {
        await t
          .collection('accounts')
          .doc('acc')
          .update({ data: { balance: 1 } })
        await t.collection('accounts').add({ data: { _id: 'acc', balance: 0 } })
      }),
    )
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toContain('duplicate key')
    expect(await balance()).toBe(100)
  })

  it('a write outside the transaction to a document it read makes it conflict; runTransaction retries', async () => {
    let attempts = 0
    const result = await db.runTransaction(async (t: any) => {
      attempts++
      const acc = (await t.collection('accounts').doc('acc').get()).data
      if (attempts === 1) {
        // someone else spends 50 between our read and our commit
        await db
          .collection('accounts')
          .doc('acc')
          .update({ data: { balance: _.inc(-50) } })
      }
      await t
        .collection('accounts')
        .doc('acc')
        .update({ data: { balance: acc.balance - 10 } })
      return acc.balance
    })
    expect(attempts).toBe(2)
    expect(result).toBe(50)
    expect(await balance()).toBe(40)
  })

  it('a conflict at commit surfaces as the SDK surfaces it (the raw DATABASE_TRANSACTION_CONFLICT answer)', async () => {
    const t = await db.startTransaction()
    await t.collection('accounts').doc('acc').get()
    await db
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: 1 } })
    await t
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: 99 } })
    const error = await failure(t.commit())
    expect(error).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT', message: expect.any(String) })
    expect(await balance()).toBe(1)
  })

  it('concurrent transactions on one document run one after the other (no stale read commits)', async () => {
    const spend = () =>
      db.runTransaction(async (t: any) => {
        const acc = (await t.collection('accounts').doc('acc').get()).data
        if (acc.balance < 10) throw new Error('insufficient')
        await t
          .collection('accounts')
          .doc('acc')
          .update({ data: { balance: acc.balance - 10 } })
      })
    const results = await Promise.allSettled(Array.from({ length: 50 }, spend))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10)
    expect(await balance()).toBe(0)
  })
})
