/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports -- the import forms are the subject */
import cloudDefault from 'wx-server-sdk'
import * as cloudNamespace from 'wx-server-sdk'
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { createTestCloud } from '../../local-cloud/testing'
import { failure, testManifest } from './helpers'

const open: LocalCloud[] = []
afterEach(() => {
  while (open.length) open.pop()?.close()
})

describe('wx-server-sdk maps to local-cloud/sdk.ts', () => {
  it('default import, namespace import and require all expose the SDK API', () => {
    const required = require('wx-server-sdk')
    for (const sdk of [cloudDefault as any, cloudNamespace as any, required]) {
      for (const api of ['init', 'getWXContext', 'database', 'callFunction'])
        expect(typeof sdk[api]).toBe('function')
      expect(typeof sdk.DYNAMIC_CURRENT_ENV).toBe('symbol')
      expect(sdk.openapi).toBeDefined()
    }
    expect(required.database).toBe((cloudNamespace as any).database)
  })

  it('like the real SDK, APIs need init() first; without a current LocalCloud the error says what to do', () => {
    jest.isolateModules(() => {
      const fresh = require('wx-server-sdk')
      expect(() => fresh.database()).toThrow(/please call init first/)
      fresh.init({ env: fresh.DYNAMIC_CURRENT_ENV })
      const db = fresh.database()
      expect(typeof db.command.inc).toBe('function')
      expect(() => db.collection('x')).toThrow(/no LocalCloud in use/)
    })
  })

  it('uses the current cloud, and inside an invocation the cloud that runs it', async () => {
    const sdk = cloudDefault as any
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV })
    const a = createTestCloud({ manifest: testManifest, functions: { count: () => ({ main: count }) } })
    const b = createLocalCloud({ manifest: testManifest })
    open.push(a, b)
    async function count() {
      return (await sdk.database().collection('plain').count()).total
    }
    await b
      .database()
      .collection('plain')
      .add({ data: [{ n: 1 }, { n: 2 }] })
    expect((await sdk.database().collection('plain').count()).total).toBe(0)
    b.use()
    expect((await sdk.database().collection('plain').count()).total).toBe(2)
    // b is current, but the invocation runs in a
    expect(await a.invoke('count', {}, { OPENID: 'o' })).toBe(0)
  })

  it('a database taken at module load (before any cloud) follows the current cloud', async () => {
    const sdk = cloudDefault as any
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV })
    const moduleLevelDb = sdk.database()
    const _ = moduleLevelDb.command
    const first = createTestCloud({ manifest: testManifest })
    open.push(first)
    await moduleLevelDb.collection('plain').add({ data: { _id: 'one', n: 1 } })
    await moduleLevelDb
      .collection('plain')
      .doc('one')
      .update({ data: { n: _.inc(1) } })
    expect(((await first.database().collection('plain').doc('one').get()) as any).data.n).toBe(2)
    first.close()
    const second = createTestCloud({ manifest: testManifest })
    open.push(second)
    expect((await moduleLevelDb.collection('plain').count()).total).toBe(0)
    await moduleLevelDb.runTransaction(async (t: any) => {
      await t.collection('plain').add({ data: { _id: 'two', at: moduleLevelDb.serverDate() } })
    })
    expect(((await second.database().collection('plain').doc('two').get()) as any).data.at).toBeInstanceOf(
      Date,
    )
  })

  it('database({ throwOnNotFound: false }) through the mapped SDK', async () => {
    const sdk = cloudDefault as any
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV })
    open.push(createTestCloud({ manifest: testManifest }))
    expect(await sdk.database({ throwOnNotFound: false }).collection('plain').doc('none').get()).toEqual({
      data: null,
      errMsg: 'document.get:ok',
    })
    expect((await failure(sdk.database().collection('plain').doc('none').get())).errCode).toBe(-1)
  })

  it('a closed cloud fails clearly instead of reaching the network', async () => {
    const cloud = createLocalCloud({ manifest: testManifest })
    const db = cloud.database() as any
    cloud.close()
    const error = await failure(db.collection('plain').get())
    expect(String(error.message)).toMatch(/LocalCloud is closed/)
  })
})
