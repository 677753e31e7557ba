/** What the WeChat Pay tests share: the merchant configuration and the sync queue's drain. */
import type { KeyObject } from 'node:crypto'

import type { CallerKeys } from '../../cloudfunctions/common/wxpay/config'
import { createSyncDrain } from '../../cloudfunctions/common/wxpay/sync'
import { createWxPayFake } from '../../local-cloud/wxpay'
import type { TestEnv } from './support'

/** A test merchant signing with `privateKey`, as `callerKeysFromEnv` makes one. */
export const testCaller = (privateKey: KeyObject, overrides: Partial<CallerKeys> = {}): CallerKeys => ({
  mchid: '1900000001',
  appid: 'wx0000000000000000',
  serialNo: 'MERCHANT-SERIAL-1',
  privateKey,
  apiBase: 'https://api.mch.weixin.qq.com',
  ...overrides,
})

/**
 * The drain over the test environment, calling WeChat Pay's fake (`calls`: the clock at each
 * call); its waits move the test's clock (`waits`: each one).
 */
export function fakeDrainOf(env: TestEnv, caller: CallerKeys) {
  const fake = createWxPayFake(env.cloud.outbox)
  const waits: number[] = []
  const calls: number[] = []
  const drain = createSyncDrain({
    db: env.db,
    clock: env.clock,
    keys: env.keys(),
    audit: env.audit(),
    caller,
    port: async (request) => {
      calls.push(env.clock.now())
      return fake.port(request)
    },
    sleep: async (ms) => {
      waits.push(ms)
      env.clock.advance(ms)
    },
  })
  return { fake, drain, waits, calls }
}
