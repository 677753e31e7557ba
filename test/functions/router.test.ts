import { createRouter } from '../../cloudfunctions/common/router'
import { fail, ok } from '../../src/domain/errors'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
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

  it('[L-17] refuses a call without a WeChat identity', async () => {
    const answer = await env.cloud.invoke('member', { action: 'home' }, { OPENID: '', SOURCE: 'other' })
    expect(answer).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  it('[L-17] ignores identity-looking fields in the event', async () => {
    const victim = shopper()
    await env.join(victim)
    const [member] = await env.all('members')
    const attacker = shopper()
    const forged = { openid: victim, OPENID: victim, memberId: member._id, userInfo: { openId: victim } }

    const home = await env.cloud.invoke(
      'member',
      { action: 'home', ...forged, data: forged },
      { OPENID: attacker },
    )
    expect(home).toEqual({ ok: true, data: { member: null } })

    // A join with forged fields creates the attacker's own member, bound to the attacker.
    env.clock.advance(61_000)
    const code = await env.sendCode(attacker, '13900000001')
    const joined = await env.cloud.invoke(
      'member',
      { action: 'join', ...forged, data: { ...VALID_FORM, ...forged, phone: '13900000001', smsCode: code } },
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

  it('[4.1.4] answers INTERNAL, never a stack trace, when a handler throws; the log is redacted', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const main = createRouter(
      {
        boom: async () => {
          throw new Error('cannot save 13812345678 for zhang.san@example.com')
        },
      },
      { name: 'test', getContext: () => ({ OPENID: 'o1' }) },
    )
    const answer = await main({ action: 'boom' })
    expect(answer).toEqual({ ok: false, code: 'INTERNAL', message: '系统繁忙，请稍后再试' })
    const logged = JSON.stringify(errors.mock.calls)
    expect(logged).not.toContain('13812345678')
    expect(logged).not.toContain('zhang.san@example.com')
    expect(logged).not.toMatch(/at .*\.ts:\d+/)
    errors.mockRestore()
  })

  it('[L-17] passes the data and the platform caller to the handler, and its Result back', async () => {
    const main = createRouter(
      {
        echo: async (data, caller) => ok({ data, caller }),
        refuse: async () => fail('FORBIDDEN'),
      },
      { name: 'test', getContext: () => ({ OPENID: 'o1', APPID: 'wx1', SOURCE: 'wx_client' }) },
    )
    expect(await main({ action: 'echo', data: { a: 1 }, userInfo: { openId: 'forged' } })).toEqual({
      ok: true,
      data: { data: { a: 1 }, caller: { openid: 'o1', appid: 'wx1', source: 'wx_client' } },
    })
    expect(await main({ action: 'refuse' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
