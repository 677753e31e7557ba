/**
 * The HTTP face of local-cloud's wire handler: what it accepts and refuses, and the wire
 * listener the benchmarks count database operations with.
 */
import type { Manifest } from '../../local-cloud/manifest'
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { startWireServer, type WireServer } from '../../local-cloud/wire-server'

const manifest: Manifest = { collections: [{ name: 'items', description: 'Wire test items' }] }
const SIGNED = 'TC3-HMAC-SHA256 Credential=test-id/2026-01-01/tcb/tc3_request, SignedHeaders=host'

let cloud: LocalCloud
let server: WireServer

beforeEach(async () => {
  cloud = createLocalCloud({ manifest })
  server = await startWireServer((action, params) => cloud.wire(action, params), { secretId: 'test-id' })
})

afterEach(async () => {
  await server.close()
  cloud.close()
})

async function post(
  body: unknown,
  authorization = SIGNED,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

describe('wire-server', () => {
  it('should answer a database request with the wire handler and drop the transport fields', async () => {
    const seen: Array<[string, Record<string, unknown>]> = []
    cloud.onWire((action, params) => seen.push([action, params]))
    const { status, json } = await post({
      action: 'database.insertDocument',
      collectionName: 'items',
      data: ['{"_id":"a","n":{"$numberInt":"1"}}'],
      envName: 'env-1',
      wxCloudApiToken: '',
      tcb_sessionToken: '',
    })
    expect(status).toBe(200)
    expect(json.data).toEqual({ insertedIds: ['a'] })
    expect(seen).toEqual([
      ['database.insertDocument', { collectionName: 'items', data: ['{"_id":"a","n":{"$numberInt":"1"}}'] }],
    ])
    expect(server.requests.get('database.insertDocument')).toBe(1)
  })

  it('should answer CloudBase error bodies (HTTP 200 with a code) for API errors', async () => {
    const { status, json } = await post({
      action: 'database.getDocument',
      collectionName: 'nope',
      query: '{}',
    })
    expect(status).toBe(200)
    expect(json.code).toBe('DATABASE_COLLECTION_NOT_EXIST')
  })

  it.each([
    ['an unsigned request', { action: 'database.getDocument' }, '', 'SIGN_PARAM_INVALID'],
    [
      'another secret id',
      { action: 'database.getDocument' },
      SIGNED.replace('test-id', 'other'),
      'SIGN_PARAM_INVALID',
    ],
    ['a body that is not JSON', 'not json', SIGNED, 'INVALID_PARAM'],
    ['wx.openApi (multipart, not served)', { action: 'wx.openApi' }, SIGNED, 'INVALID_PARAM'],
  ])('should refuse %s', async (_what, body, authorization, code) => {
    const { status, json } = await post(body, authorization)
    expect(status).toBe(200)
    expect(json.code).toBe(code)
    expect(server.requests.size).toBe(0)
  })

  it('should answer 405 to anything but POST', async () => {
    const response = await fetch(server.url)
    expect(response.status).toBe(405)
  })

  it('should route a request to the environment its envName names', async () => {
    const envs = createLocalCloud({
      manifest: { collections: [{ name: 'secrets', env: 'keys', description: 'Key-environment items' }] },
    })
    const routed = await startWireServer((action, params, env) => envs.wire(action, params, env))
    const send = async (envName: string) =>
      (
        await fetch(routed.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: SIGNED },
          body: JSON.stringify({
            action: 'database.calculateDocument',
            collectionName: 'secrets',
            query: '{}',
            envName,
          }),
        })
      ).json() as Promise<Record<string, unknown>>
    try {
      expect((await send(envs.keyEnv)).data).toEqual({ total: 0 })
      expect((await send(envs.env)).code).toBe('DATABASE_COLLECTION_NOT_EXIST')
      expect((await send('no-such-env')).code).toBe('INVALIID_ENV')
    } finally {
      await routed.close()
      envs.close()
    }
  })

  it('should stop calling a wire listener once it is removed', async () => {
    let count = 0
    const stop = cloud.onWire(() => count++)
    await cloud.wire('database.calculateDocument', { collectionName: 'items', query: '{}' })
    stop()
    await cloud.wire('database.calculateDocument', { collectionName: 'items', query: '{}' })
    expect(count).toBe(1)
  })
})
