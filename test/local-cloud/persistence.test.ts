/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildSync } from 'esbuild'
import { manifest as projectManifest } from '../../database/manifest'
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { createTestCloud } from '../../local-cloud/testing'
import { dbOf, failure, testManifest, type Db } from './helpers'

const ROOT = path.resolve(__dirname, '../..')
let dir: string
const open: LocalCloud[] = []

function cloudIn(dataDir: string, withManifest = true): LocalCloud {
  const cloud = createLocalCloud({ dataDir, manifest: withManifest ? testManifest : undefined })
  open.push(cloud)
  return cloud
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-persist-'))
})

afterEach(() => {
  while (open.length) open.pop()?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('durability', () => {
  it('documents, dates, collections and indexes survive a restart', async () => {
    const first = cloudIn(dir)
    const db = dbOf(first)
    await db.collection('items').add({ data: { _id: 'x', sku: 'X', madeAt: new Date(1234), tags: ['a'] } })
    await db.createCollection('made_later')
    await db.collection('made_later').add({ data: { _id: 'y', v: 1 } })
    first.close()

    const second = cloudIn(dir, false)
    const db2 = dbOf(second)
    expect((await db2.collection('items').doc('x').get()).data).toEqual({
      _id: 'x',
      sku: 'X',
      madeAt: new Date(1234),
      tags: ['a'],
    })
    expect((await db2.collection('made_later').doc('y').get()).data.v).toBe(1)
    // the unique index came back with the file
    expect((await failure(db2.collection('items').add({ data: { sku: 'X' } }))).errCode).toBe(-502001)
    expect(second.explain('items', { sku: 'X' }).join(' ')).toContain('ix_c_items__sku')
    expect(fs.readFileSync(path.join(dir, 'local-cloud.sqlite')).subarray(0, 15).toString()).toBe(
      'SQLite format 3',
    )
    expect(second.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
  })

  it('a write acknowledged just before kill -9 of the process is there after reopening', async () => {
    // The child runs local-cloud from an esbuild bundle (packages external), as `npm start` does.
    const bundle = path.join(dir, 'runtime.cjs')
    buildSync({
      entryPoints: [path.join(ROOT, 'local-cloud/runtime.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
    })
    const dataDir = path.join(dir, 'data')
    const script = `
      const { createLocalCloud } = require(${JSON.stringify(bundle)})
      const cloud = createLocalCloud({ dataDir: ${JSON.stringify(dataDir)}, manifest: ${JSON.stringify(testManifest)} })
      const db = cloud.database()
      ;(async () => {
        for (let i = 0; i < 50; i++) await db.collection('items').add({ data: { _id: 'k' + i, i, at: new Date(i) } })
        await db.collection('items').doc('k0').update({ data: { i: 100 } })
        await db.runTransaction(async (t) => {
          await t.collection('accounts').add({ data: { _id: 'acc', balance: 7 } })
        })
        process.stdout.write('written\\n')
        setInterval(() => {}, 1000)
      })().catch((error) => { console.error(error); process.exit(2) })
    `
    const child = spawn(process.execPath, ['-e', script], {
      cwd: dir,
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        if (String(chunk).includes('written')) resolve()
      })
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)))
    })
    // The data is still in the write-ahead log: nothing was checkpointed or closed.
    expect(fs.statSync(path.join(dataDir, 'local-cloud.sqlite-wal')).size).toBeGreaterThan(0)
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    )
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    const reopened = cloudIn(dataDir, false)
    const db = dbOf(reopened)
    expect((await db.collection('items').count()).total).toBe(50)
    expect((await db.collection('items').doc('k0').get()).data.i).toBe(100)
    expect((await db.collection('items').doc('k49').get()).data.at).toEqual(new Date(49))
    expect((await db.collection('accounts').doc('acc').get()).data.balance).toBe(7)
  }, 30_000)
})

describe('deletions leave no earlier copy in the files (7.2)', () => {
  const SECRET = 'c2VjcmV0LWNpcGhlcnRleHQtb2YtYS1tZW1iZXI='
  /** The files of the data directory that still hold SECRET, read while the database is open. */
  const holding = (dataDir: string) =>
    fs.readdirSync(dataDir).filter((f) => fs.readFileSync(path.join(dataDir, f)).includes(SECRET))
  const walSize = (dataDir: string) => fs.statSync(path.join(dataDir, 'local-cloud.sqlite-wal')).size

  type Deletion = (db: Db) => Promise<unknown>
  const deletions: Array<[string, Deletion]> = [
    ['doc().remove()', (db) => db.collection('items').doc('m').remove()],
    ['where().remove()', (db) => db.collection('items').where({ sku: 'M' }).remove()],
    [
      'an update removing the field',
      (db) =>
        db
          .collection('items')
          .doc('m')
          .update({ data: { fields: { phone: db.command.remove() } } }),
    ],
    [
      'a set() without the field',
      (db) =>
        db
          .collection('items')
          .doc('m')
          .set({ data: { sku: 'M' } }),
    ],
    [
      'a transaction removing the document',
      (db) => db.runTransaction(async (t: Db) => t.collection('items').doc('m').remove()),
    ],
  ]

  it.each(deletions)('%s outside a function: at once', async (_what, deletion) => {
    const cloud = cloudIn(dir)
    const db = dbOf(cloud)
    await db.collection('items').add({ data: { _id: 'm', sku: 'M', fields: { phone: { ct: SECRET } } } })
    expect(holding(dir)).toEqual(['local-cloud.sqlite-wal'])
    await deletion(db)
    expect(holding(dir)).toEqual([])
    expect(walSize(dir)).toBe(0)
  })

  it.each(deletions)('%s in a function: before it answers', async (_what, deletion) => {
    const cloud = createLocalCloud({
      dataDir: dir,
      manifest: testManifest,
      functions: {
        erase: () => ({
          main: async () => {
            await deletion(dbOf(cloud))
            // More work after the deletion: the log is truncated when the function is done.
            await dbOf(cloud)
              .collection('ledger')
              .add({ data: { at: new Date(0) } })
            return 'done'
          },
        }),
      },
    })
    open.push(cloud)
    await dbOf(cloud)
      .collection('items')
      .add({ data: { _id: 'm', sku: 'M', fields: { phone: { ct: SECRET } } } })
    expect(await cloud.invoke('erase', {}, { OPENID: 'o' })).toBe('done')
    expect(holding(dir)).toEqual([])
    expect(walSize(dir)).toBe(0)
  })

  it('writes that delete nothing are left to SQLite’s own checkpoints', async () => {
    const cloud = cloudIn(dir)
    const db = dbOf(cloud)
    await db.collection('items').add({ data: { _id: 'm', sku: 'M', price: 1, tags: ['a'] } })
    await db
      .collection('items')
      .doc('m')
      .update({ data: { price: 2, tags: db.command.push('b') } })
    expect(walSize(dir)).toBeGreaterThan(0)
  })
})

describe('manifest and indexes', () => {
  it('createTestCloud applies database/manifest.ts: every collection and index exists, each in its environment', () => {
    const cloud = createTestCloud()
    open.push(cloud)
    const indexesOf = (env: string) =>
      new Set(
        (
          cloud.sqliteOf(env).prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as Array<{
            name: string
          }>
        ).map((row) => row.name),
      )
    const namesIn = (env: 'keys' | undefined) =>
      projectManifest.collections
        .filter((c) => c.env === env)
        .map((c) => c.name)
        .sort()
    expect(cloud.collectionNames().sort()).toEqual(namesIn(undefined))
    expect(cloud.collectionNames(cloud.keyEnv).sort()).toEqual(namesIn('keys'))
    expect(namesIn('keys')).toEqual(['device_keys', 'member_keys', 'parking_keys'])
    for (const collection of projectManifest.collections) {
      for (const index of collection.indexes ?? []) {
        expect(indexesOf(cloud.envOf(collection))).toContain(`ix_c_${collection.name}__${index.name}`)
      }
    }
  })

  it('declared indexes are SQLite expression indexes on json_extract of the field', () => {
    const cloud = cloudIn(dir)
    const sql = (
      cloud.sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'ix_c_items__level'").get() as {
        sql: string
      }
    ).sql
    expect(sql).toContain(`json_extract(doc, '$."p"."level"')`)
    expect(sql).toContain(`json_extract(doc, '$."price"')`)
    const unique = (
      cloud.sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'ix_c_items__sku'").get() as any
    ).sql
    expect(unique).toMatch(/^CREATE UNIQUE INDEX/)
  })

  it('a manifest CloudBase would refuse is refused', () => {
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ name: `i${i}`, fields: [{ field: `f${i}` }] }))
    expect(() =>
      createLocalCloud({ manifest: { collections: [{ name: 'x', description: '', indexes: tooMany }] } }),
    ).toThrow(/max 20/)
    expect(() =>
      createLocalCloud({ manifest: { collections: [{ name: 'bad name', description: '' }] } }),
    ).toThrow(/invalid collection name/)
  })

  it('collections must exist: created by the manifest or createCollection, never implicitly', async () => {
    const cloud = cloudIn(dir)
    const db = dbOf(cloud)
    expect((await failure(db.collection('surprise').add({ data: { a: 1 } }))).errCode).toBe(-502005)
    expect(cloud.collectionNames()).not.toContain('surprise')
    expect(cloud.createCollection('surprise')).toBe(true)
    expect(cloud.createCollection('surprise')).toBe(false)
    expect((await db.collection('surprise').add({ data: { a: 1 } })).errMsg).toBe('collection.add:ok')
  })
})

describe('index narrowing', () => {
  it('equality, $in and range queries on indexed fields use the index; others scan', async () => {
    const cloud = cloudIn(dir)
    const plan = (query: Record<string, unknown>) => cloud.explain('items', query).join(' | ')
    expect(plan({ sku: 'A' })).toMatch(/SEARCH c_items USING (COVERING )?INDEX ix_c_items__sku \(<expr>=\?\)/)
    expect(plan({ price: { $in: [1, 2] } })).toMatch(
      /SEARCH c_items USING (COVERING )?INDEX ix_c_items__price/,
    )
    expect(plan({ madeAt: { $gte: new Date(0), $lt: new Date(5) } })).toContain('ix_c_items__made')
    expect(plan({ 'p.level': 2 })).toContain('ix_c_items__level')
    expect(plan({ _id: 'a' })).toContain('sqlite_autoindex_c_items_1')
    expect(plan({ $or: [{ sku: 'A' }, { price: 3 }] })).toMatch(/ix_c_items__sku.*ix_c_items__price/)
    // documents whose indexed field is an array come from their own partial index, not a scan
    expect(plan({ tags: 'x' })).toContain('ixa_c_items__tags')
    expect(cloud.explain('items', { tags: 'x' })).not.toContain('SCAN c_items')
    expect(plan({ name: 'x' })).toBe('SCAN c_items')
    expect(plan({ price: { $ne: 3 } })).toBe('SCAN c_items')
  })

  it('an indexed query over 20k documents is much faster than an unindexed one', async () => {
    const cloud = cloudIn(dir)
    const db = dbOf(cloud)
    for (let start = 0; start < 20_000; start += 1000) {
      const data = []
      for (let i = start; i < start + 1000; i++) data.push({ sku: `S${i}`, name: `N${i}`, price: i % 500 })
      await db.collection('items').add({ data })
    }
    const time = async (where: Record<string, unknown>) => {
      const samples: number[] = []
      for (let i = 0; i < 3; i++) {
        const t = process.hrtime.bigint()
        const res = await db.collection('items').where(where).get()
        samples.push(Number(process.hrtime.bigint() - t) / 1e6)
        expect(res.data).toHaveLength(1)
      }
      return samples.sort((a, b) => a - b)[1]
    }
    const indexed = await time({ sku: 'S12345' })
    const unindexed = await time({ name: 'N12345' })
    expect(indexed * 5).toBeLessThan(unindexed)
  }, 60_000)
})
