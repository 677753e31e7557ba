/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
import { LIMITS } from '../../local-cloud/engine'
import { createLocalCloud, type LocalCloud, type TransactionStep } from '../../local-cloud/runtime'
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
    expect(error.errCode).toBe(-501001)
    expect(error.errMsg).toMatch(/^document\.get:fail .*\[ResourceUnavailable\.TransactionNotExist\]/)
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
})

/** What wx-server-sdk 4.0.2 makes of CloudBase's DATABASE_TRANSACTION_CONFLICT answer. */
const CONFLICT = {
  errCode: -501001,
  errMsg: expect.stringContaining('[ResourceUnavailable.TransactionConflict] Transaction is conflict'),
}

const spend = (t: any, balance: number) => t.collection('accounts').doc('acc').update({ data: { balance } })

/** True when `promise` has not settled after the event loop ran a while (writes yield to it). */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
  return !settled
}

describe('snapshot reads', () => {
  it('see the documents as they were at the transaction’s first operation', async () => {
    const t = await db.startTransaction()
    expect((await t.collection('accounts').doc('acc').get()).data.balance).toBe(100)
    await db
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: 50 } })
    await db.collection('accounts').add({ data: { _id: 'late', balance: 1 } })
    expect((await t.collection('accounts').doc('acc').get()).data.balance).toBe(100)
    expect(await failure(t.collection('accounts').doc('late').get())).toMatchObject({
      errMsg: 'document.get:fail document with _id late does not exist',
    })
    await t.commit()
    expect(await balance()).toBe(50)
  })

  it('take no lock: a plain write to a document a transaction only read goes through at once', async () => {
    const t = await db.startTransaction()
    await t.collection('accounts').doc('acc').get()
    await db
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: 1 } })
    expect(await balance()).toBe(1)
    await t.rollback()
  })

  it('do not make a commit fail: two transactions reading one document and writing others both commit (write skew)', async () => {
    await db.collection('accounts').add({ data: { _id: 'other', balance: 0 } })
    const t1 = await db.startTransaction()
    const t2 = await db.startTransaction()
    const seen1 = (await t1.collection('accounts').doc('acc').get()).data.balance
    const seen2 = (await t2.collection('accounts').doc('other').get()).data.balance
    await t1
      .collection('accounts')
      .doc('other')
      .update({ data: { balance: seen1 } })
    await t2
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: seen2 } })
    await t1.commit()
    await t2.commit()
    expect(await balance()).toBe(0)
    expect((await db.collection('accounts').doc('other').get()).data.balance).toBe(100)
  })
})

describe('write conflicts', () => {
  it('a write to a document another open transaction holds fails at once; that transaction is over', async () => {
    const t1 = await db.startTransaction()
    const t2 = await db.startTransaction()
    await spend(t1, 70)
    // Awaited while t1 is still open: a write that waited for t1's lock would never settle here.
    expect(await failure(spend(t2, 60))).toMatchObject(CONFLICT)
    expect(await failure(t2.collection('accounts').doc('acc').get())).toMatchObject({
      errMsg: expect.stringContaining('[ResourceUnavailable.TransactionNotExist]'),
    })
    await t1.commit()
    expect(await balance()).toBe(70)
  })

  it('a write to a document written by anybody since the snapshot fails the same way', async () => {
    const t = await db.startTransaction()
    const seen = (await t.collection('accounts').doc('acc').get()).data.balance
    await db
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: _.inc(-50) } })
    expect(await failure(spend(t, seen - 10))).toMatchObject(CONFLICT)
    expect(await balance()).toBe(50)
  })

  it('holds for add and remove too: another transaction’s pending add or remove blocks the _id', async () => {
    const t1 = await db.startTransaction()
    const t2 = await db.startTransaction()
    const t3 = await db.startTransaction()
    await t1.collection('ledger').add({ data: { _id: 'e1', v: 1 } })
    await t2.collection('accounts').doc('acc').remove()
    expect(await failure(t3.collection('ledger').add({ data: { _id: 'e1', v: 2 } }))).toMatchObject(CONFLICT)
    const t4 = await db.startTransaction()
    expect(await failure(spend(t4, 1))).toMatchObject(CONFLICT)
    await t1.commit()
    await t2.rollback()
    expect((await db.collection('ledger').doc('e1').get()).data.v).toBe(1)
    expect(await balance()).toBe(100)
  })

  it('runTransaction reruns only an error whose `code` is the conflict: wx-server-sdk’s own conflict error has none', async () => {
    const holder = await db.startTransaction()
    await spend(holder, 70)
    let runs = 0
    const error = await failure(
      db.runTransaction(async (t: any) => {
        runs++
        await spend(t, 60)
      }),
    )
    expect(runs).toBe(1)
    expect(error).toMatchObject(CONFLICT)
    expect(error).not.toHaveProperty('code')
    await holder.commit()
    expect(await balance()).toBe(70)
  })

  it('runTransaction reruns a conflict rethrown with its code, and the rerun succeeds once the holder is gone', async () => {
    const holder = await db.startTransaction()
    await spend(holder, 70)
    let runs = 0
    const result = await db.runTransaction(async (t: any) => {
      runs++
      const seen = (await t.collection('accounts').doc('acc').get()).data.balance
      try {
        await spend(t, seen - 5)
      } catch (error: any) {
        await holder.commit()
        throw Object.assign(new Error(error.errMsg), { code: 'DATABASE_TRANSACTION_CONFLICT' })
      }
      return seen
    })
    expect([runs, result]).toEqual([2, 70])
    expect(await balance()).toBe(65)
  })

  it('runTransaction runs the callback 4 times (3 retries) at most, then surfaces the conflict', async () => {
    const holder = await db.startTransaction()
    await spend(holder, 70)
    let runs = 0
    const error = await failure(
      db.runTransaction(async (t: any) => {
        runs++
        try {
          await spend(t, 60)
        } catch (conflict: any) {
          throw Object.assign(new Error(conflict.errMsg), { code: 'DATABASE_TRANSACTION_CONFLICT' })
        }
      }),
    )
    expect(runs).toBe(4)
    expect(error).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT', message: CONFLICT.errMsg })
    await holder.commit()
    expect(await balance()).toBe(70)
  })

  it('of 50 concurrent spenders none spends what another spent: the losers fail with the conflict', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        db.runTransaction(async (t: any) => {
          const acc = (await t.collection('accounts').doc('acc').get()).data
          if (acc.balance < 10) throw new Error('insufficient')
          await spend(t, acc.balance - 10)
        }),
      ),
    )
    const succeeded = outcomes.filter((o) => o.status === 'fulfilled').length
    const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []))
    expect(succeeded).toBeGreaterThan(0)
    expect(await balance()).toBe(100 - 10 * succeeded)
    for (const reason of reasons) expect(reason).toMatchObject(CONFLICT)
  })
})

describe('plain writes and transaction locks', () => {
  it('a plain write to a document a transaction holds waits for the commit, then applies on top of it', async () => {
    const t = await db.startTransaction()
    await spend(t, 70)
    const write = db
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: _.inc(-5) } })
    expect(await pending(write)).toBe(true)
    expect(await balance()).toBe(100)
    await t.commit()
    expect(await write).toMatchObject({ stats: { updated: 1 } })
    expect(await balance()).toBe(65)
  })

  it('where().update and where().remove wait too', async () => {
    const t = await db.startTransaction()
    await spend(t, 70)
    const update = db
      .collection('accounts')
      .where({ _id: 'acc' })
      .update({ data: { note: 'seen' } })
    const remove = db.collection('accounts').where({ note: 'seen' }).remove()
    expect(await pending(update)).toBe(true)
    await t.commit()
    expect(await update).toMatchObject({ stats: { updated: 1 } })
    expect(await remove).toMatchObject({ stats: { removed: 0 } })
    expect((await db.collection('accounts').doc('acc').get()).data).toEqual({
      _id: 'acc',
      balance: 70,
      note: 'seen',
    })
  })

  it('abort releases the locks: the waiting write applies to the old version', async () => {
    const t = await db.startTransaction()
    await spend(t, 70)
    const write = db
      .collection('accounts')
      .doc('acc')
      .update({ data: { balance: _.inc(-5) } })
    expect(await pending(write)).toBe(true)
    await t.rollback()
    await write
    expect(await balance()).toBe(95)
    const next = await db.startTransaction()
    await spend(next, 1)
    await next.commit()
    expect(await balance()).toBe(1)
  })

  it('waits at most until the holder’s lifetime is over: its writes are then discarded', async () => {
    const lifetime = LIMITS.transactionLifetimeMs
    LIMITS.transactionLifetimeMs = 50
    try {
      const t = await db.startTransaction()
      await spend(t, 70)
      await db
        .collection('accounts')
        .doc('acc')
        .update({ data: { balance: _.inc(-5) } })
      expect(await balance()).toBe(95)
      expect(await failure(t.commit())).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
      expect(await balance()).toBe(95)
    } finally {
      LIMITS.transactionLifetimeMs = lifetime
    }
  })
})

describe('onTransactionStep', () => {
  it('sees every step and runs code between two of them', async () => {
    const steps: TransactionStep[] = []
    cloud.onTransactionStep(async (step) => {
      steps.push(step)
      if (step.action === 'database.getDocument' && !step.error)
        await db
          .collection('accounts')
          .doc('acc')
          .update({ data: { balance: 1 } })
    })
    const error = await failure(
      db.runTransaction(async (t: any) => {
        const acc = (await t.collection('accounts').doc('acc').get()).data
        await spend(t, acc.balance - 10)
      }),
    )
    expect(error).toMatchObject(CONFLICT)
    expect(steps.map((s) => [s.action, s.collection, s.error])).toEqual([
      ['database.startTransaction', undefined, undefined],
      ['database.getDocument', 'accounts', undefined],
      ['database.modifyDocument', 'accounts', 'DATABASE_TRANSACTION_CONFLICT'],
      // The SDK's rollback after the failed callback: the transaction had ended with the conflict.
      ['database.abortTransaction', undefined, 'DATABASE_TRANSACTION_FAIL'],
    ])
    expect(new Set(steps.map((s) => s.transactionId)).size).toBe(1)
    expect(await balance()).toBe(1)
  })
})
