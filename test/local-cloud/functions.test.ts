/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
import cloud from 'wx-server-sdk'
import { InvokeError, type FunctionModule, type LocalCloud } from '../../local-cloud/runtime'
import { createTestCloud } from '../../local-cloud/testing'
import { failure, testManifest } from './helpers'

const sdk = cloud as any
// wx-server-sdk's own typings reject its DYNAMIC_CURRENT_ENV symbol as env.
sdk.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const tick = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5))

/** Functions written as they would be deployed: everything through `wx-server-sdk`. */
const functions: Record<string, () => FunctionModule> = {
  whoami: () => ({
    main: async (event: any, context: any) => {
      const before = cloud.getWXContext()
      await tick()
      const db = sdk.database()
      await db.collection('ledger').add({ data: { openid: before.OPENID, n: event.n } })
      await tick()
      return { before, after: cloud.getWXContext(), event, requestId: context.request_id }
    },
  }),
  caller: () => ({
    main: async (event: any) => {
      const res = await sdk.callFunction({ name: 'callee', data: { x: event.x } })
      return { res, me: cloud.getWXContext() }
    },
  }),
  callee: () => ({
    main: async (event: any) => ({ got: event, ctx: cloud.getWXContext(), at: new Date(0) }),
  }),
  callsMissing: () => ({ main: () => sdk.callFunction({ name: 'nope', data: {} }) }),
  callsThrower: () => ({ main: () => sdk.callFunction({ name: 'thrower', data: {} }) }),
  thrower: () => ({
    main: () => {
      throw new Error('boom')
    },
  }),
  huge: () => ({ main: () => ({ blob: 'x'.repeat(1024 * 1024) }) }),
  callsHuge: () => ({ main: () => sdk.callFunction({ name: 'huge', data: {} }) }),
  undef: () => ({ main: () => undefined }),
  // Redemptions of 10 points against the caller's balance, three ways.
  redeemNaive: () => ({
    main: async () => {
      const db = sdk.database()
      const me = (await db.collection('accounts').doc('acc').get()).data
      if (me.balance < 10) return { ok: false }
      await db
        .collection('accounts')
        .doc('acc')
        .update({ data: { balance: me.balance - 10 } })
      return { ok: true }
    },
  }),
  redeemConditional: () => ({
    main: async () => {
      const db = sdk.database()
      const _ = db.command
      const res = await db
        .collection('accounts')
        .where({ _id: 'acc', balance: _.gte(10) })
        .update({ data: { balance: _.inc(-10) } })
      return { ok: res.stats.updated === 1 }
    },
  }),
  redeemTransaction: () => ({
    main: async () => {
      const db = sdk.database()
      try {
        await db.runTransaction(async (t: any) => {
          const me = (await t.collection('accounts').doc('acc').get()).data
          if (me.balance < 10) throw new Error('insufficient')
          await t
            .collection('accounts')
            .doc('acc')
            .update({ data: { balance: me.balance - 10 } })
        })
        return { ok: true }
      } catch {
        return { ok: false }
      }
    },
  }),
}

let local: LocalCloud

beforeEach(() => {
  local = createTestCloud({ manifest: testManifest, functions, appId: 'wxapp123', env: 'test-env' })
})

afterEach(() => local.close())

describe('invoke and getWXContext', () => {
  it('getWXContext outside an invocation is empty, like the real SDK without WX_CONTEXT_KEYS', () => {
    expect(cloud.getWXContext()).toEqual({})
  })

  it('passes the caller context, the SCF context, and the event as JSON with userInfo', async () => {
    const result: any = await local.invoke(
      'whoami',
      { n: 1, at: new Date(0), openid: 'forged' },
      { OPENID: 'o-1' },
    )
    expect(result.before).toEqual({ OPENID: 'o-1', APPID: 'wxapp123', ENV: 'test-env', SOURCE: 'wx_client' })
    expect(result.event).toEqual({
      n: 1,
      at: '1970-01-01T00:00:00.000Z',
      openid: 'forged',
      userInfo: { appId: 'wxapp123', openId: 'o-1' },
    })
    expect(result.requestId).toEqual(expect.any(String))
  })

  it('UNIONID and SOURCE come from the caller when given', async () => {
    const result: any = await local.invoke('whoami', {}, { OPENID: 'o', UNIONID: 'u', SOURCE: 'wx_devtools' })
    expect(result.before).toMatchObject({ OPENID: 'o', UNIONID: 'u', SOURCE: 'wx_devtools' })
  })

  it('50 concurrent invocations never see each other’s OPENID', async () => {
    const results: any[] = await Promise.all(
      Array.from({ length: 50 }, (_, i) => local.invoke('whoami', { n: i }, { OPENID: `user-${i}` })),
    )
    results.forEach((result, i) => {
      expect(result.before.OPENID).toBe(`user-${i}`)
      expect(result.after.OPENID).toBe(`user-${i}`)
    })
    const ledger = (await local.database().collection('ledger').limit(100).get()) as any
    for (const doc of ledger.data) expect(doc.openid).toBe(`user-${doc.n}`)
    expect(ledger.data).toHaveLength(50)
  })

  it('results are JSON: dates become strings, undefined becomes null', async () => {
    const callee: any = await local.invoke('callee', {}, { OPENID: 'o' })
    expect(callee.at).toBe('1970-01-01T00:00:00.000Z')
    expect(await local.invoke('undef', {}, { OPENID: 'o' })).toBeNull()
  })

  it('a result over 1 MB fails with -604001', async () => {
    const error = await failure(local.invoke('huge', {}, { OPENID: 'o' }))
    expect(error).toBeInstanceOf(InvokeError)
    expect(error.errCode).toBe(-604001)
  })

  it('an unknown function fails clearly; an exception of main() is rethrown as is', async () => {
    const missing = await failure(local.invoke('nope', {}, { OPENID: 'o' }))
    expect(missing.errMsg).toMatch(/FunctionName parameter could not be found/)
    const thrown = await failure(local.invoke('thrower', {}, { OPENID: 'o' }))
    expect(thrown.message).toBe('boom')
  })

  it('an event nested 100,000 levels deep is refused with -501007, not a stack overflow', async () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown
    const error = await failure(local.invoke('huge', { action: 'x', data: deep }, { OPENID: 'o' }))
    expect(error).toBeInstanceOf(InvokeError)
    expect(error.errCode).toBe(-501007)
  })

  it('register() adds a function later', async () => {
    local.register('late', () => ({ main: () => 'hello' }))
    expect(await local.invoke('late', {}, { OPENID: 'o' })).toBe('hello')
  })
})

describe('callFunction from a function', () => {
  it('invokes the local function with the same caller and answers like wx-server-sdk', async () => {
    const result: any = await local.invoke('caller', { x: 42 }, { OPENID: 'o-9', UNIONID: 'u-9' })
    expect(result.res).toEqual({
      result: {
        got: { x: 42 },
        ctx: { OPENID: 'o-9', APPID: 'wxapp123', UNIONID: 'u-9', ENV: 'test-env', SOURCE: 'wx_client,scf' },
        at: '1970-01-01T00:00:00.000Z',
      },
      errMsg: 'callFunction:ok',
      requestID: expect.any(String),
    })
    expect(result.me.OPENID).toBe('o-9')
  })

  it('errors of the callee surface as -504002 functions execute fail', async () => {
    const thrown = await failure(local.invoke('callsThrower', {}, { OPENID: 'o' }))
    expect(thrown.errCode).toBe(-504002)
    expect(thrown.errMsg).toMatch(/^callFunction:fail -504002 functions execute fail\. .*Error: boom/)
    const missing = await failure(local.invoke('callsMissing', {}, { OPENID: 'o' }))
    expect(missing.errCode).toBe(-504002)
    expect(missing.errMsg).toMatch(/FunctionName parameter could not be found/)
    const huge = await failure(local.invoke('callsHuge', {}, { OPENID: 'o' }))
    expect(huge.errMsg).toMatch(/result size exceed limit \(1MB\)/)
  })

  it('from test code (no invocation) the callee has no OPENID', async () => {
    const res: any = await sdk.callFunction({ name: 'callee', data: { y: 1 } })
    expect(res.result.ctx).toEqual({ ENV: 'test-env', SOURCE: 'scf' })
    expect(res.errMsg).toBe('callFunction:ok')
  })
})

describe('50 concurrent redemptions of 10 points against a balance of 100', () => {
  const run = async (name: string) => {
    await local
      .database()
      .collection('accounts')
      .add({ data: { _id: 'acc', balance: 100 } })
    const results: any[] = await Promise.all(
      Array.from({ length: 50 }, (_, i) => local.invoke(name, {}, { OPENID: `u${i}` })),
    )
    const balance = ((await local.database().collection('accounts').doc('acc').get()) as any).data.balance
    return { succeeded: results.filter((r) => r.ok).length, balance }
  }

  it('read-then-write double-spends (every call yields to the event loop)', async () => {
    const { succeeded, balance } = await run('redeemNaive')
    expect(succeeded).toBeGreaterThan(10)
    expect(balance).toBeGreaterThan(0)
  })

  it('a conditional update lets exactly 10 succeed', async () => {
    expect(await run('redeemConditional')).toEqual({ succeeded: 10, balance: 0 })
  })

  it('a transaction never double-spends: a call that loses the race for the balance fails with the conflict', async () => {
    const { succeeded, balance } = await run('redeemTransaction')
    expect(succeeded).toBeGreaterThan(0)
    expect(succeeded).toBeLessThanOrEqual(10)
    expect(balance).toBe(100 - 10 * succeeded)
  })
})
