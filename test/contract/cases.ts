/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's database is untyped here on purpose: both runs use it as user code does */
/**
 * The contract cases: database calls as function code makes them, run once through local-cloud's
 * in-process stand-in and once through the real, unpatched wx-server-sdk over HTTP. Both runs
 * must produce identical outcomes. This module is bundled into the child process, so it must
 * not import local-cloud (nothing of local-cloud may sit in the real SDK's path).
 */

/** What both runs need from `wx-server-sdk`: its `database(config?)`. */
export interface CloudLike {
  database(config?: Record<string, unknown>): any
}

/** Prefix of the child's one line of results on stdout. */
export const RESULT_MARKER = 'CONTRACT-RESULTS '

export type Outcome = { value: unknown } | { error: Record<string, unknown> }

export interface CaseResult {
  name: string
  outcome: Outcome
}

/** Collections the cases use; the parent creates them (with these indexes) in each LocalCloud. */
export const CONTRACT_COLLECTIONS = [
  {
    name: 'items',
    description: 'Contract test items',
    indexes: [
      { name: 'sku', fields: [{ field: 'sku' }], unique: true },
      { name: 'price', fields: [{ field: 'price' }] },
      { name: 'level', fields: [{ field: 'p.level' }] },
    ],
  },
  { name: 'accounts', description: 'Contract test balances' },
  { name: 'ledger', description: 'Contract test ledger entries' },
]

/** Dates after this are server times (serverDate, transaction clocks) and differ run to run. */
const FIXED_DATES_BEFORE = Date.UTC(2025, 0, 1)
const AUTO_ID = /\b[0-9a-f]{32}\b/g
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g

/** Makes an outcome comparable across runs: dates tagged, generated ids and request ids masked. */
export function normalise(value: unknown): unknown {
  if (value instanceof Date) {
    return value.getTime() >= FIXED_DATES_BEFORE ? '<server time>' : { $date: value.toISOString() }
  }
  if (value instanceof RegExp) return { $regex: value.source, flags: value.flags }
  if (typeof value === 'string') return value.replace(UUID, '<uuid>').replace(AUTO_ID, '<auto id>')
  if (Array.isArray(value)) return value.map(normalise)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      if (key === 'requestId') continue
      out[key] = normalise((value as Record<string, unknown>)[key])
    }
    return out
  }
  return value
}

function errorOutcome(error: unknown): Record<string, unknown> {
  if (error && typeof error === 'object') {
    const { errCode, errMsg, code, message } = error as Record<string, unknown>
    return normalise({ errCode, errMsg, code, message, isError: error instanceof Error }) as Record<
      string,
      unknown
    >
  }
  return { thrown: normalise(error) }
}

type Case = [name: string, run: (cloud: CloudLike) => Promise<unknown>]

const MADE = new Date('2024-01-02T03:04:05.000Z')

const ITEMS = [
  { _id: 'a1', sku: 'A1', price: 10, tags: ['x', 'y'], p: { level: 2, name: 'alpha' }, madeAt: MADE },
  { _id: 'b2', sku: 'B2', price: 25, tags: ['y'], p: { level: 1, name: 'beta' }, madeAt: MADE },
  { _id: 'c3', sku: 'C3', price: 40, tags: [], p: { level: 2, name: 'gamma' } },
  { _id: 'd4', sku: 'D4', price: 5, p: { level: 3, name: 'delta' }, note: 'Hello World' },
]

function cases(): Case[] {
  const items = (cloud: CloudLike) => cloud.database().collection('items')
  const _ = (cloud: CloudLike) => cloud.database().command
  return [
    [
      'add: fixed ids',
      async (cloud) => {
        const out = []
        for (const item of ITEMS) out.push(await items(cloud).add({ data: item }))
        return out
      },
    ],
    ['add: generated id', (cloud) => items(cloud).add({ data: { sku: 'E5', price: 15, p: { level: 1 } } })],
    ['doc().get()', (cloud) => items(cloud).doc('a1').get()],
    [
      'where: nested object flattens',
      (cloud) =>
        items(cloud)
          .where({ p: { level: 2 } })
          .get(),
    ],
    ['where: dotted path', (cloud) => items(cloud).where({ 'p.name': 'beta' }).get()],
    [
      'commands: gt/lt/and, in, or, neq, exists',
      async (cloud) => {
        const c = _(cloud)
        return [
          await items(cloud)
            .where({ price: c.gt(5).and(c.lt(30)) })
            .get(),
          await items(cloud)
            .where({ sku: c.in(['A1', 'C3', 'ZZ']) })
            .get(),
          await items(cloud)
            .where(c.or([{ price: c.lte(5) }, { 'p.level': 1 }]))
            .get(),
          await items(cloud)
            .where({ sku: c.neq('A1'), note: c.exists(true) })
            .get(),
        ]
      },
    ],
    ['array element match', (cloud) => items(cloud).where({ tags: 'y' }).get()],
    [
      'regex',
      (cloud) =>
        items(cloud)
          .where({ note: cloud.database().RegExp({ regexp: 'hello', options: 'i' }) })
          .get(),
    ],
    [
      'orderBy / skip / limit / field',
      (cloud) =>
        items(cloud)
          .where({ price: _(cloud).gte(0) })
          .orderBy('price', 'desc')
          .skip(1)
          .limit(2)
          .field({ sku: true, price: true })
          .get(),
    ],
    [
      'count',
      (cloud) =>
        items(cloud)
          .where({ p: { level: 2 } })
          .count(),
    ],
    ['count: all', (cloud) => items(cloud).count()],
    [
      'doc().update(): inc, nested merge, push',
      async (cloud) => {
        const c = _(cloud)
        const updated = await items(cloud)
          .doc('a1')
          .update({ data: { price: c.inc(5), p: { name: 'alpha2' }, tags: c.push('z') } })
        return [updated, await items(cloud).doc('a1').get()]
      },
    ],
    [
      'where().update(): multi, set, remove field',
      async (cloud) => {
        const c = _(cloud)
        const updated = await items(cloud)
          .where({ p: { level: 2 } })
          .update({ data: { flagged: true, note: c.remove() } })
        return [updated, await items(cloud).where({ flagged: true }).field({ sku: true, note: true }).get()]
      },
    ],
    [
      'doc().set() replaces',
      async (cloud) => {
        const set = await items(cloud)
          .doc('b2')
          .set({ data: { sku: 'B2', price: 26 } })
        return [set, await items(cloud).doc('b2').get()]
      },
    ],
    [
      'doc().update() of a missing document',
      (cloud) =>
        items(cloud)
          .doc('missing')
          .update({ data: { price: 1 } }),
    ],
    [
      'serverDate',
      async (cloud) => {
        const db = cloud.database()
        await items(cloud).add({ data: { _id: 'sd', sku: 'SD', at: db.serverDate() } })
        const { data } = await items(cloud).doc('sd').get()
        const at = data.at as Date
        return {
          isDate: at instanceof Date,
          nearNow: Math.abs(at.getTime() - Date.now()) < 60_000,
          data,
        }
      },
    ],
    [
      'serverDate with offset in update',
      async (cloud) => {
        const db = cloud.database()
        const before = Date.now()
        await items(cloud)
          .doc('sd')
          .update({ data: { later: db.serverDate({ offset: 3_600_000 }) } })
        const { data } = await items(cloud).doc('sd').get()
        const ahead = (data.later as Date).getTime() - before
        return { aheadAboutAnHour: ahead > 3_540_000 && ahead < 3_660_000 }
      },
    ],
    [
      'aggregate: match, group, sort',
      (cloud) => {
        const db = cloud.database()
        const $ = db.command.aggregate
        return items(cloud)
          .aggregate()
          .match({ price: db.command.gt(0) })
          .group({ _id: '$p.level', total: $.sum('$price'), n: $.sum(1) })
          .sort({ _id: 1 })
          .end()
      },
    ],
    [
      'doc().remove() and where().remove()',
      async (cloud) => {
        const one = await items(cloud).doc('d4').remove()
        const many = await items(cloud)
          .where({ sku: _(cloud).in(['E5', 'SD']) })
          .remove()
        return [one, many, await items(cloud).count()]
      },
    ],
    ['error: collection does not exist (-502005)', (cloud) => cloud.database().collection('nope').get()],
    [
      'error: update _id (-501007)',
      (cloud) =>
        items(cloud)
          .doc('a1')
          .update({ data: { _id: 'other' } }),
    ],
    ['error: doc().get() not found (throwOnNotFound default)', (cloud) => items(cloud).doc('missing').get()],
    [
      'doc().get() not found with throwOnNotFound: false',
      (cloud) => cloud.database({ throwOnNotFound: false }).collection('items').doc('missing').get(),
    ],
    ['error: duplicate _id (-502001)', (cloud) => items(cloud).add({ data: { _id: 'a1', sku: 'other' } })],
    ['error: duplicate unique index value', (cloud) => items(cloud).add({ data: { _id: 'x9', sku: 'A1' } })],
    [
      'transaction: runTransaction commits',
      async (cloud) => {
        const db = cloud.database()
        await db.collection('accounts').add({ data: { _id: 'acc1', balance: 100 } })
        const result = await db.runTransaction(async (tx: any) => {
          const { data } = await tx.collection('accounts').doc('acc1').get()
          await tx
            .collection('accounts')
            .doc('acc1')
            .update({ data: { balance: db.command.inc(-30) } })
          await tx.collection('ledger').add({ data: { _id: 'l1', account: 'acc1', amount: -30 } })
          return data.balance
        })
        return [
          result,
          await db.collection('accounts').doc('acc1').get(),
          await db.collection('ledger').doc('l1').get(),
        ]
      },
    ],
    [
      'transaction: rollback leaves nothing',
      async (cloud) => {
        const db = cloud.database()
        let rejected: unknown
        try {
          await db.runTransaction(async (tx: any) => {
            await tx
              .collection('accounts')
              .doc('acc1')
              .update({ data: { balance: 0 } })
            await tx.rollback('insufficient')
          })
        } catch (error) {
          rejected = error
        }
        return [normalise(rejected), await db.collection('accounts').doc('acc1').get()]
      },
    ],
    [
      'transaction: startTransaction / commit',
      async (cloud) => {
        const db = cloud.database()
        const tx = await db.startTransaction()
        await tx.collection('ledger').add({ data: { _id: 'l2', account: 'acc1', amount: 5 } })
        await tx
          .collection('accounts')
          .doc('acc1')
          .update({ data: { balance: db.command.inc(5) } })
        const committed = await tx.commit()
        return [committed, await db.collection('accounts').doc('acc1').get()]
      },
    ],
    [
      'transaction: a write to a document another transaction holds fails at once',
      async (cloud) => {
        const db = cloud.database()
        const holder = await db.startTransaction()
        await holder
          .collection('accounts')
          .doc('acc1')
          .update({ data: { balance: 1 } })
        let runs = 0
        let conflict: unknown
        try {
          await db.runTransaction(async (tx: any) => {
            runs++
            await tx
              .collection('accounts')
              .doc('acc1')
              .update({ data: { balance: 2 } })
          })
        } catch (error) {
          conflict = errorOutcome(error)
        }
        await holder.rollback()
        return [runs, conflict, await db.collection('accounts').doc('acc1').get()]
      },
    ],
    [
      'error: update through a string (-502001)',
      async (cloud) => {
        await items(cloud).add({ data: { _id: 's1', sku: 'S1', note: 'text' } })
        return items(cloud)
          .doc('s1')
          .update({ data: { 'note.x': 1 } })
      },
    ],
    ['error: NaN (-501007)', (cloud) => items(cloud).add({ data: { _id: 'nan', price: NaN } })],
  ]
}

/** Runs every case in order (later cases see earlier writes) and records each outcome. */
export async function runContract(cloud: CloudLike): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  for (const [name, run] of cases()) {
    let outcome: Outcome
    try {
      outcome = { value: normalise(await run(cloud)) }
    } catch (error) {
      outcome = { error: errorOutcome(error) }
    }
    results.push({ name, outcome })
  }
  return results
}
