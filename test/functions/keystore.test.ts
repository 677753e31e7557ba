/**
 * The key store (5.1, 5.3, 7.2): where the wrapped data keys are (the key environment named by
 * PI_KEY_ENV, never the main one), how a missing configuration fails, and what it costs a call
 * (at most one key read).
 */
import { createKeyStore, keyEnvFromEnv, memberKey } from '../../cloudfunctions/common/keystore'
import { VaultConfigError, VaultError } from '../../cloudfunctions/common/vault'
import { DEMO_CARDS } from '../../database/seed'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

/** Database requests per environment while `fn` runs. */
async function requestsDuring(fn: () => Promise<unknown>): Promise<Record<string, string[]>> {
  const seen: Record<string, string[]> = {}
  const stop = env.cloud.onWire((action, _params, name) => {
    if (!action.startsWith('database.')) return
    const key = name ?? env.cloud.env
    ;(seen[key] ??= []).push(action)
  })
  try {
    await fn()
  } finally {
    stop()
  }
  return seen
}

describe('PI_KEY_ENV', () => {
  it('[5.3] is required, must be an environment id and must not be the function’s own', () => {
    expect(keyEnvFromEnv({ PI_KEY_ENV: ' mall-keys-1a2b ' })).toBe('mall-keys-1a2b')
    expect(() => keyEnvFromEnv({})).toThrow(VaultConfigError)
    expect(() => keyEnvFromEnv({ PI_KEY_ENV: '' })).toThrow(/PI_KEY_ENV is not set/)
    expect(() => keyEnvFromEnv({ PI_KEY_ENV: 'a b' })).toThrow(/environment id/)
    expect(() => keyEnvFromEnv({ PI_KEY_ENV: 'mall-prod' }, 'mall-prod')).toThrow(/another environment/)
  })

  it.each([
    ['missing', undefined],
    ['the main environment itself', 'local-cloud'],
  ])(
    '[5.3] %s: the call answers INTERNAL and the log names the variable, nothing else',
    async (_what, value) => {
      const saved = process.env.PI_KEY_ENV
      if (value === undefined) delete process.env.PI_KEY_ENV
      else process.env.PI_KEY_ENV = value
      const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
      try {
        expect(await env.call(shopper(), 'home')).toEqual({
          ok: false,
          code: 'INTERNAL',
          message: '系统繁忙，请稍后再试',
        })
        expect(errors).toHaveBeenCalledWith(
          '[member] home failed',
          expect.objectContaining({
            name: 'VaultConfigError',
            message: expect.stringContaining('PI_KEY_ENV'),
          }),
        )
      } finally {
        process.env.PI_KEY_ENV = saved
        errors.mockRestore()
      }
    },
  )
})

describe('where the keys are', () => {
  it('[5.1][7.2] a join writes the data key to the key environment only', async () => {
    const openid = shopper()
    const requests = await requestsDuring(() => env.join(openid))
    expect(requests[env.cloud.keyEnv]).toEqual(['database.insertDocument'])
    const memberId = await env.memberIdOf(openid)
    const [key] = (await env.all('member_keys')).filter((k) => k._id === memberId)
    expect(key).toMatchObject({ kind: 'member', owner: memberId, keyId: 'k1' })
    expect(JSON.stringify(await env.db.collection('identities').doc(String(memberId)).get())).not.toMatch(
      /wrappedKey|keyId/,
    )
  })

  it('[5.1] demo cards keep their keys as card:<card id>', async () => {
    const ids = DEMO_CARDS.map((c) => `card:${env.vault.blindIndex('card', c.cardNo)}`)
    expect((await env.all('member_keys')).map((k) => k._id).sort()).toEqual(ids.sort())
  })

  it('a call reads the key document at most once, in parallel with the identity', async () => {
    const openid = shopper()
    await env.member(openid)
    await env.grant(openid, 'parking')
    await env.grant(openid, 'idNumber')
    for (const action of ['home', 'profile', 'exportData']) {
      const requests = await requestsDuring(() => env.call(openid, action))
      expect([action, requests[env.cloud.keyEnv]]).toEqual([action, ['database.getDocument']])
    }
    const requests = await requestsDuring(() =>
      env.call(openid, 'updateProfile', { address: '上海市黄浦区1号' }),
    )
    expect(requests[env.cloud.keyEnv]).toEqual(['database.getDocument'])
  })

  it('[5.5] refuses a key document that names another owner', async () => {
    const memberId = await env.member(shopper())
    const other = await env.member(shopper(), { ...VALID_FORM, phone: '13900000077' })
    const { data } = await env.keyDb.collection('member_keys').doc(other).get()
    await env.keyDb
      .collection('member_keys')
      .doc(memberId)
      .update({ data: { owner: other, wrappedKey: data?.wrappedKey } })
    await expect(env.keys().cipher(memberKey(memberId))).rejects.toThrow(VaultError)
  })

  it('[7.2] destroying a key makes the member unreadable at once, before the identity goes', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await createKeyStore({ db: env.keyDb, vault: env.vault, clock: env.clock }).destroy(memberKey(memberId))
    // A deletion that died after its first step: the identity is still there, unreadable.
    expect((await env.all('identities')).map((d) => d._id)).toContain(memberId)
    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null } })
    expect(await env.call(openid, 'deleteAccount', { confirm: true })).toMatchObject({ ok: true })
    expect((await env.all('identities')).map((d) => d._id)).not.toContain(memberId)
  })
})
