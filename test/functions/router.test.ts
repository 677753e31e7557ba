import { manualClock } from '../../cloudfunctions/common/clock'
import { createRouter, type Principals } from '../../cloudfunctions/common/router'
import { createMain } from '../../cloudfunctions/member/index'
import { action } from '../../src/domain/contracts/contract'
import { fail, ok } from '../../src/domain/errors'
import { empty, int, schema } from '../../src/domain/input'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
const clock = manualClock('2024-06-15T02:00:00.000Z')
const NOBODY: Principals<{ status: 'active' }> = { member: async () => null, staff: async () => null }
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

describe('the member function as a router', () => {
  it.each<[string, unknown, string, string | undefined]>([
    ['an unknown action', { action: 'deleteEverything' }, 'UNKNOWN_ACTION', undefined],
    ['an action named after an Object member', { action: 'constructor' }, 'UNKNOWN_ACTION', undefined],
    ['an action that is not a string', { action: 7 }, 'INVALID_ARGUMENT', undefined],
    ['no action', { data: {} }, 'INVALID_ARGUMENT', undefined],
    ['data that is a string', { action: 'home', data: 'x' }, 'INVALID_ARGUMENT', 'data'],
    ['data that is an array', { action: 'home', data: [] }, 'INVALID_ARGUMENT', 'data'],
  ])('[L-17] answers %s with %s', async (_case, event, code, field) => {
    const answer = await env.cloud.invoke('member', event, { OPENID: shopper() })
    expect(answer).toEqual({
      ok: false,
      code,
      message: expect.stringMatching(/[\u4e00-\u9fa5]/),
      ...(field ? { field } : {}),
    })
  })

  it('refuses an event nested deeper than 32 levels before reading it, however deep', async () => {
    const nest = (levels: number): unknown => {
      let value: unknown = {}
      for (let i = 1; i < levels; i++) value = { a: value }
      return value
    }
    const member = createMain({ clock: env.clock, getContext: () => ({ OPENID: shopper() }) })
    // Refused as a whole, before the schema would name a field.
    for (const depth of [33, 100_000])
      expect(await member({ action: 'home', data: nest(depth - 1) })).toEqual(fail('INVALID_ARGUMENT'))
    // 32 levels in all reach the schema, which refuses the unknown field.
    expect(await member({ action: 'home', data: nest(31) })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'a',
    })
  })

  it('[L-17] refuses a call without a WeChat identity', async () => {
    const answer = await env.cloud.invoke('member', { action: 'home' }, { OPENID: '', SOURCE: 'other' })
    expect(answer).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  it('[L-17] ignores identity-looking fields beside the data and refuses them inside it', async () => {
    const victim = shopper()
    await env.join(victim)
    const [member] = await env.all('members')
    const attacker = shopper()
    const forged = { openid: victim, OPENID: victim, memberId: member._id, userInfo: { openId: victim } }

    const home = await env.cloud.invoke('member', { action: 'home', ...forged }, { OPENID: attacker })
    expect(home).toEqual({ ok: true, data: { member: null } })
    expect(
      await env.cloud.invoke('member', { action: 'home', data: forged }, { OPENID: attacker }),
    ).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', field: 'openid' })

    env.clock.advance(61_000)
    const code = await env.sendCode(attacker, '13900000001')
    const form = { ...VALID_FORM, phone: '13900000001', smsCode: code }
    expect(
      await env.cloud.invoke(
        'member',
        { action: 'join', data: { ...form, ...forged } },
        { OPENID: attacker },
      ),
    ).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', field: 'openid' })
    expect(await env.counts()).toMatchObject({ members: 1 })

    // Forged fields beside the data change nothing: the attacker joins as themself.
    const joined = await env.cloud.invoke(
      'member',
      { action: 'join', ...forged, data: form },
      { OPENID: attacker },
    )
    expect(joined).toMatchObject({ ok: true })
    const claims = await env.all('identity_index')
    const attackerClaim = claims.find((c) => c._id === `openid:${env.vault.blindIndex('openid', attacker)}`)
    expect(attackerClaim?.memberId).not.toBe(member._id)
    expect(await env.counts()).toMatchObject({ members: 2 })
  })

  it('[5.3] answers INTERNAL without details when the keys are missing, and logs no secrets', async () => {
    const saved = process.env.PI_MASTER_KEY
    delete process.env.PI_MASTER_KEY
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const answer = await env.call(shopper(), 'home')
      expect(answer).toEqual({ ok: false, code: 'INTERNAL', message: '系统繁忙，请稍后再试' })
      expect(errors).toHaveBeenCalledWith(
        '[member] home failed',
        expect.objectContaining({
          name: 'VaultConfigError',
          message: expect.stringContaining('PI_MASTER_KEY'),
        }),
      )
    } finally {
      process.env.PI_MASTER_KEY = saved
      errors.mockRestore()
    }
  })

  it('answers INTERNAL, never a stack trace, when a handler throws; the log is redacted', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const contract = { boom: action<never>()({ input: empty, access: ['shopper'], errors: [] }) }
    const main = createRouter(
      contract,
      () => ({
        handlers: {
          boom: async () => {
            throw new Error('cannot save 13812345678 for zhang.san@example.com')
          },
        },
        principals: NOBODY,
      }),
      { name: 'test', clock, getContext: () => ({ OPENID: 'o1' }) },
    )
    const answer = await main({ action: 'boom' })
    expect(answer).toEqual({ ok: false, code: 'INTERNAL', message: '系统繁忙，请稍后再试' })
    const logged = JSON.stringify(errors.mock.calls)
    expect(logged).not.toContain('13812345678')
    expect(logged).not.toContain('zhang.san@example.com')
    expect(logged).not.toMatch(/at .*\.ts:\d+/)
    errors.mockRestore()
  })

  it('[L-17] passes the parsed input and the platform caller to the handler, and its Result back', async () => {
    const contract = {
      echo: action<unknown>()({ input: schema({ a: int(0, 9) }), access: ['shopper'], errors: [] }),
      refuse: action<never>()({ input: empty, access: ['shopper'], errors: [] }),
    }
    const main = createRouter(
      contract,
      () => ({
        handlers: {
          echo: async (data, { caller }) => ok({ data, caller }),
          refuse: async () => fail('FORBIDDEN'),
        },
        principals: NOBODY,
      }),
      { name: 'test', clock, getContext: () => ({ OPENID: 'o1', APPID: 'wx1', SOURCE: 'wx_client' }) },
    )
    expect(await main({ action: 'echo', data: { a: 1 }, userInfo: { openId: 'forged' } })).toEqual({
      ok: true,
      data: { data: { a: 1 }, caller: { openid: 'o1', appid: 'wx1', source: 'wx_client' } },
    })
    expect(await main({ action: 'refuse' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
