import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'

import type { FunctionModule } from '../../local-cloud/runtime'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from './support'

const root = path.resolve(__dirname, '../..')
const bundle = path.join(root, 'cloudfunctions/member/index.js')

let env: TestEnv
beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-functions.mjs'), 'member'], {
    stdio: 'pipe',
  })
})
beforeEach(async () => {
  env = await createTestEnv()
  // The deployable bundle instead of the TypeScript source; wx-server-sdk is mapped to local-cloud.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  env.cloud.register('member', () => require(bundle) as FunctionModule)
})
afterEach(() => env.cloud.close())

describe('the bundled member function', () => {
  it('keeps wx-server-sdk external and inlines everything else', () => {
    const text = readFileSync(bundle, 'utf8')
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])
    expect(new Set(required)).toEqual(new Set(['wx-server-sdk', 'node:crypto']))
    expect(text).toContain('会员个人信息处理规则')
  })

  it('[4.2.1.1][5.1] signs a shopper up end to end', async () => {
    const openid = shopper()
    const sent = await env.call(openid, 'sendJoinCode', { phone: VALID_FORM.phone })
    expect(sent).toMatchObject({ ok: true })
    const smsCode = env.lastCode(VALID_FORM.phone)
    expect(await env.call(openid, 'join', { ...VALID_FORM, smsCode })).toMatchObject({
      ok: true,
      data: { member: { name: '张*', phone: '138****5678' } },
    })
    expect(await env.call(openid, 'home')).toMatchObject({
      ok: true,
      data: { member: { memberNo: '800000000011' } },
    })
    expect(await env.dump()).not.toContain(VALID_FORM.phone)
  })
})

describe('the bundled wxevents function', () => {
  it('builds with wx-server-sdk external and everything else inlined', () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/build-functions.mjs'), 'wxevents'], {
      stdio: 'pipe',
    })
    const text = readFileSync(path.join(root, 'cloudfunctions/wxevents/index.js'), 'utf8')
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])
    expect(new Set(required)).toEqual(new Set(['wx-server-sdk', 'node:crypto']))
  })
})

describe('the bundled staff function', () => {
  it('builds with wx-server-sdk external and answers `me` from the bundle', async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/build-functions.mjs'), 'staff'], {
      stdio: 'pipe',
    })
    const staffBundle = path.join(root, 'cloudfunctions/staff/index.js')
    const text = readFileSync(staffBundle, 'utf8')
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])
    expect(new Set(required)).toEqual(new Set(['wx-server-sdk', 'node:crypto']))
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    env.cloud.register('staff', () => require(staffBundle) as FunctionModule)
    expect(await env.cloud.invoke('staff', { action: 'me' }, { OPENID: shopper() })).toEqual({
      ok: true,
      data: { staff: null },
    })
  })
})
