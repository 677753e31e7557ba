/**
 * The points-expiry reminder: one subscribe message per member and expiry date, about 30 days
 * before, only with the topic's consent and an allowance, never twice.
 */
import { templatesFromEnv } from '../../cloudfunctions/common/notify'
import { createLedger, type Ledger } from '../../cloudfunctions/common/points/ledger'
import { createExpiryReminder } from '../../cloudfunctions/scheduler/expiryReminder'
import { DEMO_STORES } from '../../database/seed'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

const STORE = DEMO_STORES.xuhui
const TEMPLATES = {
  subscribePointsExpiry: {
    templateId: 'tmpl-expiry',
    keywords: { points: 'number1', expires: 'time2', note: 'thing3' },
  },
}
/** Points earned on 2024-06-15 expire at the end of 31 December 2025 (China time). */
const BEFORE_EXPIRY = '2025-12-05T02:00:00Z'

let env: TestEnv
let ledger: Ledger
let phone = 13800000100
beforeEach(async () => {
  env = await createTestEnv()
  ledger = createLedger({ db: env.db, clock: env.clock, policy: DEFAULT_LOT_POLICY })
  registerScheduler(env, { ...process.env, SUBSCRIBE_TEMPLATES: JSON.stringify(TEMPLATES) })
})
afterEach(() => env.cloud.close())

const reminder = () =>
  createExpiryReminder({
    db: env.db,
    clock: env.clock,
    notifier: env.deps({ templates: templatesFromEnv(JSON.stringify(TEMPLATES)) }).notifier,
  })
const sent = () => env.cloud.outbox.list({ kind: 'subscribeMessage' })

/** A member with `points` in two lots; `allowances` "allow"s of 积分到期提醒 (0: topic off). */
async function memberWith(points: number, allowances: number): Promise<{ openid: string; memberId: string }> {
  const openid = shopper()
  const memberId = await env.member(openid, { ...VALID_FORM, phone: String(phone++) })
  for (const [i, share] of [points - 10, 10].entries())
    await ledger.earn({
      memberId,
      source: { kind: 'pos', ref: `${memberId}:${i}` },
      points: share,
      storeId: STORE,
      actor: 'staff:s',
      immediate: true,
    })
  for (let i = 1; i <= allowances; i++)
    await env.call(openid, 'setConsent', {
      purpose: 'subscribePointsExpiry',
      granted: true,
      noticeVersion: NOTICE_VERSION,
      subscription: { requestId: `req-0000000${i}` },
    })
  return { openid, memberId }
}

describe('the points-expiry reminder', () => {
  test('should send one message per member and expiry date with the points that expire, once', async () => {
    const { openid } = await memberWith(120, 2)
    env.clock.set(BEFORE_EXPIRY)
    expect(await reminder().run()).toMatchObject({ sent: 1, complete: true })
    expect(sent().map((m) => m.payload)).toEqual([
      {
        touser: openid,
        template_id: 'tmpl-expiry',
        page: 'account/consents/index?topic=subscribePointsExpiry',
        data: {
          number1: { value: '120' },
          time2: { value: '2025-12-31 23:59' },
          thing3: { value: '请在到期前使用积分' },
        },
      },
    ])
    env.clock.advance(86_400_000)
    expect(await reminder().run()).toMatchObject({ sent: 0 })
    expect(sent()).toHaveLength(1)
  })

  test('should not send a second message on a rerun over the same lots', async () => {
    await memberWith(120, 2)
    env.clock.set(BEFORE_EXPIRY)
    await reminder().run()
    await env.db.collection('jobs').doc('points:expiry-reminder').remove()
    env.clock.advance(-86_400_000)
    expect(await reminder().run()).toMatchObject({ sent: 0 })
    expect(sent()).toHaveLength(1)
  })

  test('should send nothing to a member without the topic', async () => {
    await memberWith(120, 0)
    const { openid } = await memberWith(80, 1)
    env.clock.set(BEFORE_EXPIRY)
    expect(await reminder().run()).toMatchObject({ sent: 1 })
    expect(sent().map((m) => (m.payload as { touser: string }).touser)).toEqual([openid])
  })

  test('should send nothing when nothing expires within the days ahead, or all was spent', async () => {
    const { memberId } = await memberWith(120, 1)
    env.clock.set('2025-11-01T02:00:00Z')
    expect(await reminder().run()).toMatchObject({ sent: 0 })
    await ledger.spend({
      memberId,
      source: { kind: 'redemption', ref: 'all' },
      points: 120,
      storeId: STORE,
      actor: 'staff:s',
    })
    env.clock.set(BEFORE_EXPIRY)
    expect(await reminder().run()).toMatchObject({ sent: 0 })
    expect(sent()).toEqual([])
  })

  test('should run from the daily points trigger', async () => {
    await memberWith(120, 1)
    env.clock.set(BEFORE_EXPIRY)
    const answer = await tick(env, 'points')
    expect(answer.data.jobs.remindPointsExpiry).toMatchObject({ sent: 1, complete: true })
  })
})
