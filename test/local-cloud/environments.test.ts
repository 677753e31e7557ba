/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
/**
 * Two environments of one account (the main one and the key environment, `PI_KEY_ENV`): each has
 * its own database — its own SQLite file in a data directory — with the manifest's collections
 * of that environment; `database({ env })` reaches it through the real SDK; nothing is shared;
 * an environment that does not exist fails as CloudBase answers it (-501005 invalid env).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import cloudDefault from 'wx-server-sdk'

import type { Manifest } from '../../local-cloud/manifest'
import { createLocalCloud, DATABASE_FILES, type LocalCloud } from '../../local-cloud/runtime'
import { failure } from './helpers'

const manifest: Manifest = {
  collections: [
    {
      name: 'items',
      description: 'Main-environment items',
      indexes: [{ name: 'sku', fields: [{ field: 'sku' }] }],
    },
    {
      name: 'secrets',
      env: 'keys',
      description: 'Key-environment documents',
      indexes: [{ name: 'kind', fields: [{ field: 'kind' }] }],
    },
  ],
}

let dir: string
const open: LocalCloud[] = []
function cloudOf(options: Parameters<typeof createLocalCloud>[0] = {}): LocalCloud {
  const cloud = createLocalCloud({ manifest, ...options })
  open.push(cloud)
  return cloud
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-envs-'))
})
afterEach(() => {
  while (open.length) open.pop()?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the key environment', () => {
  it('is named <env>-keys by default, or as configured, and holds only its own collections', () => {
    expect(cloudOf().keyEnv).toBe('local-cloud-keys')
    const cloud = cloudOf({ env: 'mall-prod', keyEnv: 'mall-keys' })
    expect(cloud.envs()).toEqual(['mall-prod', 'mall-keys'])
    expect(cloud.collectionNames()).toEqual(['items'])
    expect(cloud.collectionNames('mall-keys')).toEqual(['secrets'])
    expect(cloud.explain('secrets', { kind: 'x' }, 'mall-keys').join(' ')).toContain('ix_c_secrets__kind')
    expect(() => createLocalCloud({ env: 'same', keyEnv: 'same' })).toThrow(/must differ/)
  })

  it('is a separate database: a collection of one environment does not exist in the other', async () => {
    const cloud = cloudOf()
    const main: any = cloud.database()
    const keys: any = cloud.database({ env: cloud.keyEnv })
    await keys.collection('secrets').add({ data: { _id: 's1', kind: 'k' } })
    await main.collection('items').add({ data: { _id: 'i1', sku: 'A' } })

    expect((await failure(main.collection('secrets').get())).errCode).toBe(-502005)
    expect((await failure(keys.collection('items').get())).errCode).toBe(-502005)
    // The same collection name in both environments: two collections, no document shared.
    cloud.createCollection('shared')
    cloud.createCollection('shared', cloud.keyEnv)
    await main.collection('shared').add({ data: { _id: 'x', where: 'main' } })
    await keys.collection('shared').add({ data: { _id: 'x', where: 'keys' } })
    expect((await main.collection('shared').doc('x').get()).data.where).toBe('main')
    expect((await keys.collection('shared').doc('x').get()).data.where).toBe('keys')
    await keys.collection('shared').doc('x').remove()
    expect((await main.collection('shared').count()).total).toBe(1)
  })

  it('runs its own transactions', async () => {
    const cloud = cloudOf()
    const keys: any = cloud.database({ env: cloud.keyEnv })
    await keys.runTransaction(async (tx: any) => {
      await tx.collection('secrets').add({ data: { _id: 't1', kind: 'tx' } })
    })
    expect((await keys.collection('secrets').doc('t1').get()).data.kind).toBe('tx')
    expect(cloud.collectionNames()).not.toContain('secrets')
  })

  it('keeps its own SQLite file in the data directory; a copy of the main file holds nothing of it', async () => {
    const dataDir = path.join(dir, 'data')
    const first = cloudOf({ dataDir })
    await (first.database({ env: first.keyEnv }) as any)
      .collection('secrets')
      .add({ data: { _id: 's1', kind: 'wrapped-key-material' } })
    await (first.database() as any).collection('items').add({ data: { _id: 'i1', sku: 'main-only' } })
    const copy = path.join(dir, 'main-copy.sqlite')
    first.sqlite.prepare('VACUUM INTO ?').run(copy)
    first.close()

    expect(fs.readdirSync(dataDir)).toEqual(
      expect.arrayContaining([DATABASE_FILES.main, DATABASE_FILES.keys]),
    )
    const backup = fs.readFileSync(copy)
    expect(backup.includes(Buffer.from('main-only'))).toBe(true)
    expect(backup.includes(Buffer.from('wrapped-key-material'))).toBe(false)

    const second = cloudOf({ dataDir })
    expect(
      (await (second.database({ env: second.keyEnv }) as any).collection('secrets').doc('s1').get()).data
        .kind,
    ).toBe('wrapped-key-material')
    expect(second.sqliteOf(second.keyEnv).pragma('journal_mode', { simple: true })).toBe('wal')
    expect(second.sqliteOf(second.keyEnv).pragma('secure_delete', { simple: true })).toBe(1)
  })

  it('is reached from a function through wx-server-sdk with database({ env }); DYNAMIC_CURRENT_ENV is the main one', async () => {
    const sdk = cloudDefault as any
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV })
    const cloud = cloudOf({
      functions: {
        probe: () => ({
          main: async (event: { env?: string }) => {
            const db = event.env ? sdk.database({ env: event.env }) : sdk.database()
            return (await db.collection(event.env ? 'secrets' : 'items').count()).total
          },
        }),
      },
    }).use()
    await (cloud.database({ env: cloud.keyEnv }) as any)
      .collection('secrets')
      .add({ data: [{ kind: 'a' }, { kind: 'b' }] })
    expect(await cloud.invoke('probe', { env: cloud.keyEnv }, { OPENID: 'o' })).toBe(2)
    expect(await cloud.invoke('probe', {}, { OPENID: 'o' })).toBe(0)
  })

  it('shows its requests to wire listeners with the environment named', async () => {
    const cloud = cloudOf()
    const seen: Array<[string, string | undefined]> = []
    cloud.onWire((action, _params, env) => seen.push([action, env]))
    await (cloud.database({ env: cloud.keyEnv }) as any).collection('secrets').count()
    await cloud.wire('database.calculateDocument', { collectionName: 'items', query: '{}' })
    expect(seen).toEqual([
      ['database.calculateDocument', cloud.keyEnv],
      ['database.calculateDocument', undefined],
    ])
  })
})

describe('an environment that does not exist', () => {
  it('fails with -501005 (invalid env) and never reaches the main database', async () => {
    const cloud = cloudOf()
    const other: any = cloud.database({ env: 'no-such-env' })
    const error = await failure(other.collection('items').add({ data: { _id: 'ghost', sku: 'G' } }))
    expect(error.errCode).toBe(-501005)
    expect(error.errMsg).toMatch(/no-such-env/)
    expect((await failure(other.collection('items').get())).errCode).toBe(-501005)
    expect((await (cloud.database() as any).collection('items').count()).total).toBe(0)
  })

  it('cannot be declared in a manifest', () => {
    expect(() =>
      createLocalCloud({
        manifest: { collections: [{ name: 'x', description: 'x', env: 'other' as never }] },
      }),
    ).toThrow(/unknown environment/)
  })
})
