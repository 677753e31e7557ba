/**
 * Channels' mini-program codes for the staff (4.2.1.2) and the counters of a store: each within
 * the caller's stores; a code scans back to its channel's scene.
 */
import jsQR from 'jsqr'

import { CHANNEL_PAGE } from '../../cloudfunctions/common/channels'
import { DEMO_CHANNELS, DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import { decodeScene, encodeScene, SCENE_MAX } from '../../src/domain/channel/scene'
import { readPng } from '../support/png'
import { createTestEnv, dataOf, shopper, VALID_FORM, type Answer, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const call = async (openid: string, action: string, data?: unknown) =>
  (await env.cloud.invoke('staff', data === undefined ? { action } : { action, data }, {
    OPENID: openid,
  })) as Answer

interface Listed {
  channels: { code: string; name: string; counterName?: string; status: string }[]
}

describe('channels for the staff', () => {
  it.each(['manager', 'counter'] as const)(
    '[4.2.1.2] lists the channels of the %s’s store with their counters, and no other store’s',
    async (persona) => {
      const openid = DEMO_PERSONAS[persona]
      const { channels } = dataOf<Listed>(await call(openid, 'listChannels', { storeId: DEMO_STORES.xuhui }))
      expect(channels.map((c) => c.code).sort()).toEqual(
        [
          DEMO_CHANNELS.lancome,
          DEMO_CHANNELS.estee,
          DEMO_CHANNELS.xuhuiDesk,
          DEMO_CHANNELS.closedPoster,
        ].sort(),
      )
      expect(channels.find((c) => c.code === DEMO_CHANNELS.lancome)).toMatchObject({
        name: '兰蔻专柜',
        counterName: '兰蔻专柜',
        status: 'open',
      })
      expect(channels.at(-1)?.status).toBe('closed')
      expect(await call(openid, 'listChannels', { storeId: DEMO_STORES.pudong })).toMatchObject({
        ok: false,
        code: 'STORE_UNKNOWN',
      })
    },
  )

  it('[4.2.1.2] draws a channel’s code that scans back to the channel, with its card’s text', async () => {
    const answer = await call(DEMO_PERSONAS.counter, 'channelCode', { code: DEMO_CHANNELS.lancome })
    const card = dataOf<{
      png: string
      scene: string
      storeName: string
      earning: string[]
      channel: unknown
    }>(answer)
    expect(card).toMatchObject({
      storeName: '星湖购物中心·徐汇店',
      channel: { name: '兰蔻专柜', counterName: '兰蔻专柜' },
    })
    expect(card.earning.length).toBeGreaterThan(0)
    const png = readPng(Buffer.from(card.png, 'base64'))
    const read = jsQR(new Uint8ClampedArray(png.pixels), png.width, png.height)
    expect(read?.data).toBe(card.scene)
    expect(decodeScene(card.scene)).toEqual({
      ok: true,
      data: { kind: 'counter', code: DEMO_CHANNELS.lancome },
    })
    expect(env.cloud.outbox.last('wxacode')?.payload).toMatchObject({ scene: card.scene, page: CHANNEL_PAGE })
  })

  it('refuses the code of another store’s channel, a closed one and an unknown one alike', async () => {
    for (const code of [DEMO_CHANNELS.nike, DEMO_CHANNELS.closedPoster, 'Zz99']) {
      expect(await call(DEMO_PERSONAS.manager, 'channelCode', { code })).toMatchObject({
        ok: false,
        code: 'CHANNEL_UNKNOWN',
      })
    }
    expect(env.cloud.outbox.last('wxacode')).toBeUndefined()
    expect(await call(shopper(), 'listChannels', { storeId: DEMO_STORES.xuhui })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })
})

describe('counters of a store', () => {
  it('[5.3] lists the open counters of a store the manager runs, for managers and admins only', async () => {
    const { counters } = dataOf<{ counters: { counterId: string; name: string }[] }>(
      await call(DEMO_PERSONAS.manager, 'listCounters', { storeId: DEMO_STORES.xuhui }),
    )
    expect(counters.map((c) => c.counterId).sort()).toEqual(
      ['counter-xh-desk', 'counter-xh-estee', 'counter-xh-lancome'].sort(),
    )
    expect(await call(DEMO_PERSONAS.manager, 'listCounters', { storeId: DEMO_STORES.pudong })).toMatchObject({
      ok: false,
      code: 'STORE_UNKNOWN',
    })
    expect(await call(DEMO_PERSONAS.counter, 'listCounters', { storeId: DEMO_STORES.xuhui })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })
})

describe('opening and closing channels', () => {
  const poster = { storeId: DEMO_STORES.xuhui, kind: 'poster', name: '三楼扶梯海报' }
  const channelAudit = async () =>
    (await env.all('audit_log')).filter((entry) => entry.purpose === 'channelAdmin')

  it('[4.2.1.2] a manager opens a channel of their store with a new short code that joins attribute to', async () => {
    const created = dataOf<{ channel: { code: string; status: string } }>(
      await call(DEMO_PERSONAS.manager, 'createChannel', { ...poster, counterId: 'counter-xh-estee' }),
    )
    expect(created.channel).toMatchObject({
      kind: 'poster',
      name: '三楼扶梯海报',
      storeId: DEMO_STORES.xuhui,
      counterId: 'counter-xh-estee',
      counterName: '雅诗兰黛专柜',
      status: 'open',
    })
    const { code } = created.channel
    expect(code).toMatch(/^[2-9A-HJ-NP-Za-km-z]{6}$/)
    expect(encodeScene({ kind: 'poster', code }).length).toBeLessThanOrEqual(SCENE_MAX)
    // A retry answers the same channel and adds nothing.
    const again = await call(DEMO_PERSONAS.manager, 'createChannel', {
      ...poster,
      counterId: 'counter-xh-estee',
    })
    expect(dataOf<{ channel: { code: string } }>(again).channel.code).toBe(code)
    expect(await channelAudit()).toEqual([
      expect.objectContaining({
        action: 'create',
        memberId: `channel:${code}`,
        actor: 'staff:staff-demo-manager',
      }),
    ])
    const { channels } = dataOf<Listed>(
      await call(DEMO_PERSONAS.counter, 'listChannels', { storeId: DEMO_STORES.xuhui }),
    )
    expect(channels.filter((c) => c.code === code)).toHaveLength(1)

    const openid = shopper()
    await env.join(openid, { ...VALID_FORM, scene: encodeScene({ kind: 'poster', code }) })
    const memberId = await env.memberIdOf(openid)
    const member = await env.db
      .collection('members')
      .doc(memberId ?? '')
      .get()
    expect((member.data as { source?: unknown }).source).toMatchObject({ kind: 'poster', channelId: code })
  })

  it('refuses another store, an unknown or foreign counter, a taken name and a missing name, and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...poster, storeId: DEMO_STORES.pudong }, 'STORE_UNKNOWN'],
      [{ ...poster, counterId: 'counter-pd-nike' }, 'COUNTER_UNKNOWN'],
      [{ ...poster, counterId: 'counter-nowhere' }, 'COUNTER_UNKNOWN'],
      [{ ...poster, name: '兰蔻专柜' }, 'CHANNEL_EXISTS'],
      [{ ...poster, name: '  ' }, 'CHANNEL_NAME_REQUIRED'],
      [{ ...poster, kind: 'billboard' }, 'INVALID_ARGUMENT'],
    ]
    const before = await env.all('channels')
    for (const [input, code] of cases)
      expect(await call(DEMO_PERSONAS.manager, 'createChannel', input)).toMatchObject({ ok: false, code })
    expect(await env.all('channels')).toEqual(before)
    expect(await channelAudit()).toEqual([])
    expect(await call(DEMO_PERSONAS.counter, 'createChannel', poster)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })

  it('[4.2.1.2] closing a channel stops its code attributing sign-ups, once, audited', async () => {
    const scene = encodeScene({ kind: 'counter', code: DEMO_CHANNELS.estee })
    expect(await call(DEMO_PERSONAS.manager, 'closeChannel', { code: DEMO_CHANNELS.nike })).toMatchObject({
      ok: false,
      code: 'CHANNEL_UNKNOWN',
    })
    expect(await call(DEMO_PERSONAS.counter, 'closeChannel', { code: DEMO_CHANNELS.estee })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    for (let i = 0; i < 2; i++) {
      const closed = await call(DEMO_PERSONAS.manager, 'closeChannel', { code: DEMO_CHANNELS.estee })
      expect(dataOf<{ channel: unknown }>(closed).channel).toMatchObject({ status: 'closed' })
    }
    expect(await channelAudit()).toEqual([
      expect.objectContaining({ action: 'update', memberId: `channel:${DEMO_CHANNELS.estee}` }),
    ])
    expect(await call(DEMO_PERSONAS.manager, 'channelCode', { code: DEMO_CHANNELS.estee })).toMatchObject({
      ok: false,
      code: 'CHANNEL_UNKNOWN',
    })
    const openid = shopper()
    expect(await env.join(openid, { ...VALID_FORM, scene })).toMatchObject({ ok: true })
    const memberId = await env.memberIdOf(openid)
    const member = await env.db
      .collection('members')
      .doc(memberId ?? '')
      .get()
    expect((member.data as { source?: unknown }).source).toBeUndefined()
    expect(await env.all('channel_days')).toEqual([])
  })

  it('lists the counter staff’s own counter’s channels first', async () => {
    const created = dataOf<{ channel: { code: string } }>(
      await call(DEMO_PERSONAS.manager, 'createChannel', {
        storeId: DEMO_STORES.xuhui,
        kind: 'counter',
        name: '雅诗兰黛旁的兰蔻海报',
        counterId: 'counter-xh-lancome',
      }),
    )
    const codesFor = async (openid: string) =>
      dataOf<Listed>(await call(openid, 'listChannels', { storeId: DEMO_STORES.xuhui })).channels.map(
        (c) => c.code,
      )
    expect((await codesFor(DEMO_PERSONAS.counter)).slice(0, 2).sort()).toEqual(
      [DEMO_CHANNELS.lancome, created.channel.code].sort(),
    )
    // Others see the open channels by name: the new one is not second there.
    expect((await codesFor(DEMO_PERSONAS.manager)).indexOf(created.channel.code)).toBeGreaterThan(1)
  })
})
