/**
 * Channels' mini-program codes for the staff (4.2.1.2) and the counters of a store: each within
 * the caller's stores; a code scans back to its channel's scene.
 */
import jsQR from 'jsqr'

import { CHANNEL_PAGE } from '../../cloudfunctions/common/channels'
import { DEMO_CHANNELS, DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import { decodeScene } from '../../src/domain/channel/scene'
import { readPng } from '../support/png'
import { createTestEnv, dataOf, shopper, type Answer, type TestEnv } from './support'

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
