import { CHANNEL_PAGE, channelCode } from '../../cloudfunctions/common/channels'
import type { WxacodeApi } from '../../cloudfunctions/common/wxacode'
import { encodeScene } from '../../src/domain/channel/scene'
import type { DataExport } from '../../src/domain/member/model'
import { DEMO_CHANNELS, DEMO_STORES } from '../../database/seed'
import { createTestEnv, dataOf, shopper, START, TODAY, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const LANCOME = encodeScene({ kind: 'counter', code: DEMO_CHANNELS.lancome })
const phoneOf = (i: number) => `1390000${String(1000 + i)}`

async function memberOf(openid: string) {
  const id = await env.memberIdOf(openid)
  return (await env.all('members')).find((m) => m._id === id)
}

describe('member.join through a channel’s code', () => {
  it('[4.2.2.2] records the counter the shopper scanned on the new member and counts the sign-up', async () => {
    const openid = shopper()
    expect(await env.join(openid, { ...VALID_FORM, scene: LANCOME })).toMatchObject({ ok: true })
    const member = await memberOf(openid)
    expect(member?.source).toEqual({
      kind: 'counter',
      channelId: DEMO_CHANNELS.lancome,
      storeId: DEMO_STORES.xuhui,
      counterId: 'counter-xh-lancome',
      at: new Date(START),
    })
    // The platform the member joined on stays where it was.
    expect(member?.channel).toBe('weapp')
    // Both are inventory items, named in the audit entry of the sign-up.
    expect(await env.all('audit_log')).toContainEqual(
      expect.objectContaining({
        action: 'create',
        memberId: member?._id,
        fields: ['gender', 'province', 'memberNo', 'storeId', 'source', 'channel', 'birthdayMarks'],
      }),
    )
    expect(await env.all('channel_days')).toEqual([
      {
        _id: `${DEMO_CHANNELS.lancome}:${TODAY}`,
        channelId: DEMO_CHANNELS.lancome,
        storeId: DEMO_STORES.xuhui,
        counterId: 'counter-xh-lancome',
        day: TODAY,
        count: 1,
      },
    ])
  })

  it('[6.5.2] counts sign-ups per channel and China day, counts only', async () => {
    for (let i = 0; i < 3; i++)
      await env.join(shopper(), { ...VALID_FORM, phone: phoneOf(i), scene: LANCOME })
    const desk = encodeScene({ kind: 'serviceDesk', code: DEMO_CHANNELS.pudongDesk })
    await env.join(shopper(), { ...VALID_FORM, phone: phoneOf(3), scene: desk })
    // 2024-06-16 01:00 China time: the next China day.
    env.clock.advance(15 * 3600_000)
    await env.join(shopper(), { ...VALID_FORM, phone: phoneOf(4), scene: LANCOME })
    await env.join(shopper(), { ...VALID_FORM, phone: phoneOf(5) })

    const days = await env.all('channel_days')
    expect(Object.fromEntries(days.map(({ _id, count }) => [_id, count]))).toEqual({
      [`${DEMO_CHANNELS.lancome}:2024-06-15`]: 3,
      [`${DEMO_CHANNELS.lancome}:2024-06-16`]: 1,
      [`${DEMO_CHANNELS.pudongDesk}:2024-06-15`]: 1,
    })
    for (const day of days)
      expect(Object.keys(day).sort()).toEqual(['_id', 'channelId', 'count', 'counterId', 'day', 'storeId'])
  })

  it('[4.2.2.2] keeps the first touch: a member scanning another counter’s code stays attributed to the first', async () => {
    const openid = shopper()
    await env.join(openid, { ...VALID_FORM, scene: LANCOME })
    const estee = encodeScene({ kind: 'counter', code: DEMO_CHANNELS.estee })
    expect(await env.call(openid, 'joinForm', { scene: estee })).toMatchObject({ ok: true })
    const again = { ...VALID_FORM, smsCode: '123456', scene: estee }
    expect(await env.call(openid, 'join', again)).toMatchObject({ ok: false, code: 'ALREADY_MEMBER' })
    expect((await memberOf(openid))?.source).toMatchObject({ channelId: DEMO_CHANNELS.lancome })
    expect((await env.all('channel_days')).map((d) => [d._id, d.count])).toEqual([
      [`${DEMO_CHANNELS.lancome}:${TODAY}`, 1],
    ])
  })

  it('joins without attribution through a closed channel, an unknown one or one of another kind', async () => {
    const scenes = [
      encodeScene({ kind: 'poster', code: DEMO_CHANNELS.closedPoster }),
      encodeScene({ kind: 'counter', code: 'Zz99' }),
      encodeScene({ kind: 'website', code: DEMO_CHANNELS.lancome }),
    ]
    for (const [i, scene] of scenes.entries()) {
      const openid = shopper()
      expect(await env.join(openid, { ...VALID_FORM, phone: phoneOf(i), scene })).toMatchObject({ ok: true })
      expect((await memberOf(openid))?.source).toBeUndefined()
    }
    expect(await env.all('channel_days')).toEqual([])
  })

  it('refuses a scene that is not one of ours, and changes nothing', async () => {
    const openid = shopper()
    const answer = await env.join(openid, { ...VALID_FORM, scene: 'k=g&c=8Xk2&p=13800138000' })
    expect(answer).toMatchObject({ ok: false, code: 'SCENE_INVALID', field: 'scene' })
    expect(await env.memberIdOf(openid)).toBeNull()
    expect(await env.all('channel_days')).toEqual([])
  })

  it('does not attribute a child waiting for a guardian', async () => {
    const openid = shopper()
    const child = { ...VALID_FORM, birthDate: '2015-03-01', scene: LANCOME }
    expect(await env.join(openid, child)).toMatchObject({ ok: true })
    const member = await memberOf(openid)
    expect(member?.status).toBe('guardian_pending')
    expect(member?.source).toBeUndefined()
    expect(await env.all('channel_days')).toEqual([])
  })

  it('[L-8] the member’s data copy holds the channel and the platform joined through', async () => {
    const openid = shopper()
    await env.join(openid, { ...VALID_FORM, scene: LANCOME })
    const copy = dataOf<{ export: DataExport }>(await env.call(openid, 'exportData')).export
    expect(copy.profile.source).toEqual({
      kind: 'counter',
      channelId: DEMO_CHANNELS.lancome,
      storeId: DEMO_STORES.xuhui,
      counterId: 'counter-xh-lancome',
      at: START,
    })
    expect(copy.profile.channel).toBe('weapp')
    const other = shopper()
    await env.join(other, { ...VALID_FORM, phone: phoneOf(9) })
    expect(
      dataOf<{ export: DataExport }>(await env.call(other, 'exportData')).export.profile.source,
    ).toBeNull()
  })
})

describe('member.joinForm with a channel’s scene', () => {
  it('[4.2.2.2] names the counter and explains how points are earned', async () => {
    const answer = await env.call(shopper(), 'joinForm', { scene: LANCOME })
    expect(dataOf<{ channel: unknown }>(answer).channel).toEqual({
      kind: 'counter',
      name: '兰蔻专柜',
      storeId: DEMO_STORES.xuhui,
      earning: [
        '在本商场消费，每 1 元累积 1 分，不足 1 分的部分不计',
        'VIP会员每 1 元累积 1.2 分，VVIP会员每 1 元累积 1.5 分',
        '每周二会员日积分 2 倍',
        '专柜加赠：在本专柜单笔满 500 元加赠 50 分',
        '积分可在会员中心兑换停车券等礼品',
      ],
    })
  })

  it('answers the form alone for no scene, or one naming no open channel', async () => {
    for (const data of [
      undefined,
      { scene: encodeScene({ kind: 'poster', code: DEMO_CHANNELS.closedPoster }) },
    ]) {
      const answer = await env.call(shopper(), 'joinForm', data)
      expect(answer).toMatchObject({ ok: true })
      expect(dataOf<Record<string, unknown>>(answer)).not.toHaveProperty('channel')
    }
  })
})

describe('channelCode', () => {
  it('[4.2.2.2] asks getUnlimited for a code opening the join page with the channel’s scene', async () => {
    const openapi = env.cloud.sdk().openapi as unknown as WxacodeApi
    const png = await channelCode(openapi, { kind: 'counter', code: DEMO_CHANNELS.lancome })
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
    expect(env.cloud.outbox.last('wxacode')?.payload).toMatchObject({
      scene: LANCOME,
      page: CHANNEL_PAGE,
      check_path: true,
      env_version: 'release',
      width: 430,
    })

    await channelCode(openapi, { kind: 'poster', code: 'Ab3d' }, { envVersion: 'develop', width: 280 })
    expect(env.cloud.outbox.last('wxacode')?.payload).toMatchObject({
      scene: 'k=p&c=Ab3d',
      check_path: false,
      env_version: 'develop',
      width: 280,
    })
  })
})
