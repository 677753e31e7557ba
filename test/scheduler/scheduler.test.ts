/**
 * The scheduler function against local-cloud: who may run it, and the retention sweeps (7.1)
 * on the state the member function really leaves behind (every sweep at its boundary:
 * retention.test.ts).
 */
import { COLLECTIONS } from '../../cloudfunctions/common/db'
import { createClaims } from '../../cloudfunctions/common/identity'
import { ABANDONED_CLAIM_MS } from '../../cloudfunctions/common/members/registration'
import { retentionMs } from '../../cloudfunctions/scheduler/sweeps'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

const HOUR = 3600_000
const DAY = 24 * HOUR
const SMS_CODE_GRACE_MS = retentionMs('smsCodes')

let env: TestEnv

const run = (trigger: string, caller: { OPENID?: string } = {}) => tick(env, trigger, caller)

beforeEach(async () => {
  env = await createTestEnv()
  registerScheduler(env)
})

afterEach(() => env.cloud.close())

describe('scheduler: who may run it', () => {
  test('should refuse a shopper even with a timer-shaped event', async () => {
    const answer = await run('sweep', { OPENID: shopper() })
    expect(answer).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  test.each([
    ['an action call', { action: 'sweep' }],
    ['an empty event', {}],
    ['a wrong type', { Type: 'Http', TriggerName: 'sweep' }],
  ])('should refuse %s without a WeChat user', async (_label, event) => {
    const answer = await env.cloud.invoke('scheduler', event, {
      OPENID: undefined as unknown as string,
      SOURCE: 'scf',
    })
    expect(answer).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  test('should refuse an unknown trigger', async () => {
    expect(await run('everything')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })

  test('should run every job of a trigger and report each', async () => {
    const answer = await run('sweep')
    expect(answer.ok).toBe(true)
    expect(Object.keys(answer.data?.jobs ?? {}).sort()).toEqual(
      [
        'abandonedClaims',
        'backfillMemberTail',
        'campaignClaims',
        'closeReceiptClaims',
        'expirePoints',
        'guardianPending',
        'ingestNonces',
        'migrateKeys',
        'orphans',
        'parkingEvents',
        'parkingPlates',
        'parkingSessions',
        'rotateKeys',
        'settleParkingPayments',
        'smsCodes',
        'smsQuota',
        'staffInvites',
        'wxpaySync',
        'wxpayParkingFailed',
      ].sort(),
    )
    expect(answer.data?.jobs.migrateKeys).toEqual({ moved: 0, failed: 0, failedIds: [], done: true })
    expect(answer.data?.jobs.rotateKeys).toEqual({ skipped: 'no PI_RETIRED_MASTER_KEYS' })
  })
})

describe('scheduler: SMS codes and quotas', () => {
  test('[7.1] should remove a code only an hour after it expired, and quotas after their day', async () => {
    await env.sendCode(shopper())
    expect((await env.counts()).sms_codes).toBe(1)
    const quotas = (await env.counts()).sms_quota
    expect(quotas).toBeGreaterThan(0)

    env.clock.advance(5 * 60_000 + SMS_CODE_GRACE_MS - 1000)
    await run('sweep')
    expect((await env.counts()).sms_codes).toBe(1)

    env.clock.advance(2000)
    const answer = await run('sweep')
    expect(answer.data?.jobs.smsCodes).toEqual({ removed: 1, complete: true })
    expect((await env.counts()).sms_codes).toBe(0)
    expect((await env.counts()).sms_quota).toBe(quotas)

    env.clock.advance(2 * DAY)
    expect((await run('sweep')).data?.jobs.smsQuota).toEqual({ removed: quotas, complete: true })
    expect((await env.counts()).sms_quota).toBe(0)
  })

  test('[7.1] should keep a fresh code that replaced an expired one', async () => {
    const openid = shopper()
    await env.sendCode(openid)
    env.clock.advance(2 * HOUR)
    await env.sendCode(openid)
    await run('sweep')
    expect((await env.counts()).sms_codes).toBe(1)
    // The fresh code still works after the sweep.
    const code = env.lastCode(VALID_FORM.phone) as string
    const joined = await env.call(openid, 'join', { ...VALID_FORM, smsCode: code })
    expect(joined.ok).toBe(true)
  })
})

describe('scheduler: abandoned uniqueness claims', () => {
  function claims() {
    return createClaims({ db: env.db, vault: env.vault, clock: env.clock, isAbandoned: async () => false })
  }

  test('should release claims of a sign-up that died, and keep those of members', async () => {
    const member = shopper()
    expect((await env.join(member)).ok).toBe(true)
    const before = (await env.all(COLLECTIONS.identityIndex)).length

    // A sign-up that claimed a phone and an openid, then died before writing the member.
    await claims().claim('phone', '13900000001', 'ghost-member')
    await claims().claim('openid', 'o-ghost', 'ghost-member')

    env.clock.advance(ABANDONED_CLAIM_MS - 1000)
    expect((await run('sweep')).data?.jobs.abandonedClaims).toMatchObject({ removed: 0 })
    expect(await claims().holder('phone', '13900000001')).toBe('ghost-member')

    env.clock.advance(2000)
    expect((await run('sweep')).data?.jobs.abandonedClaims).toMatchObject({ removed: 2, complete: true })
    expect(await claims().holder('phone', '13900000001')).toBeNull()
    expect((await env.all(COLLECTIONS.identityIndex)).length).toBe(before)
    expect(await env.call(member, 'home')).toMatchObject({
      ok: true,
      data: { member: { tier: expect.any(String) } },
    })
  })

  test('should not examine old claims again on the next tick', async () => {
    for (const openid of [shopper(), shopper()])
      expect(
        (await env.join(openid, { ...VALID_FORM, phone: `1390000${String(Math.random()).slice(2, 6)}` })).ok,
      ).toBe(true)
    env.clock.advance(ABANDONED_CLAIM_MS + 1000)
    const first = (await run('sweep')).data?.jobs.abandonedClaims as { examined: number }
    expect(first.examined).toBeGreaterThanOrEqual(4)
    env.clock.advance(60_000)
    const second = (await run('sweep')).data?.jobs.abandonedClaims as { examined: number }
    expect(second.examined).toBeLessThan(first.examined)
  })
})
