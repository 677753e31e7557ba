/**
 * The managers' report of sign-ups per channel, counter and day (counts only, their stores),
 * and the change of a member's attribution with a reason.
 */
import { DEMO_CHANNELS, DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import { encodeScene } from '../../src/domain/channel/scene'
import type { ChannelReport } from '../../src/domain/contracts/lookup'
import { createTestEnv, dataOf, shopper, TODAY, VALID_FORM, type TestEnv } from './support'
import { addAdmin as addAdminTo, staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)

const MANAGER = DEMO_PERSONAS.manager
const scene = (code: string) => encodeScene({ kind: 'counter', code })
const phoneOf = (i: number) => `1390000${String(1000 + i)}`

async function joinThrough(code: string, i: number, storeId: string = DEMO_STORES.xuhui) {
  const openid = shopper()
  const answer = await env.join(openid, { ...VALID_FORM, phone: phoneOf(i), storeId, scene: scene(code) })
  if (!answer.ok) throw new Error(answer.code)
  return (await env.memberIdOf(openid)) as string
}

const addAdmin = () => addAdminTo(env)

const report = async (openid: string, data: Record<string, unknown> = { from: TODAY, to: TODAY }) =>
  dataOf<ChannelReport>(await staffCall(openid, 'channelReport', data))

const countOf = (r: ChannelReport, channelId: string) =>
  r.rows.filter((row) => row.channelId === channelId).reduce((sum, row) => sum + row.count, 0)

describe('staff.channelReport', () => {
  it('[6.5.2] counts sign-ups per channel and day for the manager’s stores, with the channels’ names', async () => {
    await joinThrough(DEMO_CHANNELS.lancome, 1)
    await joinThrough(DEMO_CHANNELS.lancome, 2)
    await joinThrough(DEMO_CHANNELS.estee, 3)
    await joinThrough(DEMO_CHANNELS.nike, 4, DEMO_STORES.pudong)
    const seen = await report(MANAGER)
    expect(countOf(seen, DEMO_CHANNELS.lancome)).toBe(2)
    expect(countOf(seen, DEMO_CHANNELS.estee)).toBe(1)
    expect(seen.total).toBe(3)
    expect(seen.rows.find((r) => r.channelId === DEMO_CHANNELS.lancome)).toEqual({
      day: TODAY,
      channelId: DEMO_CHANNELS.lancome,
      count: 2,
      movedIn: 0,
      movedOut: 0,
    })
    const lancome = seen.channels.find((c) => c.channelId === DEMO_CHANNELS.lancome)
    expect(lancome).toMatchObject({ storeId: DEMO_STORES.xuhui, counterId: 'counter-xh-lancome', open: true })
    expect(seen.channels.find((c) => c.channelId === DEMO_CHANNELS.closedPoster)?.open).toBe(false)
    expect(lancome?.name).toEqual(expect.any(String))
    expect(lancome?.counterName).toEqual(expect.any(String))
    // Another store's channels and counts are not in a manager's report.
    expect(seen.channels.every((c) => c.storeId === DEMO_STORES.xuhui)).toBe(true)
    expect(countOf(seen, DEMO_CHANNELS.nike)).toBe(0)
    // Counts only: nothing that names a member.
    expect(JSON.stringify(seen)).not.toMatch(/memberId|phone|1390000/)
  })

  it('[5.3] gives the admin every store, and refuses a manager another store or counter staff', async () => {
    await joinThrough(DEMO_CHANNELS.lancome, 1)
    await joinThrough(DEMO_CHANNELS.nike, 2, DEMO_STORES.pudong)
    const all = await report(await addAdmin())
    expect(all.total).toBe(2)
    expect(countOf(all, DEMO_CHANNELS.nike)).toBe(1)
    expect(
      await staffCall(MANAGER, 'channelReport', { from: TODAY, to: TODAY, storeId: DEMO_STORES.pudong }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await staffCall(DEMO_PERSONAS.counter, 'channelReport', { from: TODAY, to: TODAY })).toMatchObject(
      {
        ok: false,
        code: 'FORBIDDEN',
      },
    )
  })

  it('refuses a range that ends before it starts or spans more than 31 days', async () => {
    for (const data of [
      { from: '2024-06-15', to: '2024-06-14' },
      { from: '2024-05-01', to: '2024-06-15' },
      { from: '2024-06-31', to: '2024-07-01' },
      { from: TODAY },
    ])
      expect(await staffCall(MANAGER, 'channelReport', data)).toMatchObject({
        ok: false,
        code: 'REPORT_RANGE_INVALID',
      })
    expect((await report(MANAGER, { from: '2024-05-16', to: TODAY })).rows).toEqual([])
  })
})

describe('staff.reassignSource', () => {
  it('[4.2.2.2] moves a member to another channel of the store with a reason, audited, keeping the first touch', async () => {
    const memberId = await joinThrough(DEMO_CHANNELS.lancome, 1)
    const answer = await staffCall(MANAGER, 'reassignSource', {
      ref: memberId,
      channelId: DEMO_CHANNELS.estee,
      reason: 'guideHelped',
    })
    expect(answer).toMatchObject({ ok: true, data: { source: { channelId: DEMO_CHANNELS.estee } } })
    const member = (await env.all('members')).find((m) => m._id === memberId)
    expect(member?.source).toMatchObject({ channelId: DEMO_CHANNELS.estee, counterId: 'counter-xh-estee' })
    expect(member?.firstSource).toMatchObject({ channelId: DEMO_CHANNELS.lancome })
    expect(member?.sourceChanges).toEqual([
      expect.objectContaining({
        from: DEMO_CHANNELS.lancome,
        to: DEMO_CHANNELS.estee,
        reason: 'guideHelped',
        by: 'staff-demo-manager',
      }),
    ])
    const entries = (await env.all('audit_log')).filter(
      (e) => e.memberId === memberId && e.action === 'update',
    )
    expect(entries).toEqual([
      expect.objectContaining({
        actor: 'staff:staff-demo-manager',
        fields: ['source'],
        reason: 'guideHelped',
        success: true,
      }),
    ])
    const seen = await report(MANAGER)
    expect(seen.rows.find((r) => r.channelId === DEMO_CHANNELS.lancome)).toMatchObject({
      count: 0,
      movedOut: 1,
    })
    expect(seen.rows.find((r) => r.channelId === DEMO_CHANNELS.estee)).toMatchObject({ count: 1, movedIn: 1 })
    expect(seen.total).toBe(1)
    // Asked again (a retry), nothing moves twice.
    await staffCall(MANAGER, 'reassignSource', {
      ref: memberId,
      channelId: DEMO_CHANNELS.estee,
      reason: 'guideHelped',
    })
    expect((await report(MANAGER)).total).toBe(1)
  })

  it('refuses another store’s channel, a missing reason and counter staff, changing nothing', async () => {
    const memberId = await joinThrough(DEMO_CHANNELS.lancome, 1)
    const before = await env.dump()
    expect(
      await staffCall(MANAGER, 'reassignSource', {
        ref: memberId,
        channelId: DEMO_CHANNELS.nike,
        reason: 'wrongCode',
      }),
    ).toMatchObject({ ok: false, code: 'REASSIGN_CHANNEL_INVALID' })
    expect(
      await staffCall(MANAGER, 'reassignSource', { ref: memberId, channelId: DEMO_CHANNELS.estee }),
    ).toMatchObject({ ok: false, code: 'REASSIGN_REASON_REQUIRED' })
    expect(
      await staffCall(DEMO_PERSONAS.counter, 'reassignSource', {
        ref: memberId,
        channelId: DEMO_CHANNELS.estee,
        reason: 'wrongCode',
      }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await env.dump()).toBe(before)
  })
})
