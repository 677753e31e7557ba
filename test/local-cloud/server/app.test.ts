import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { createRequestHandler, H5_SOURCE, SESSION_COOKIE } from '../../../local-cloud/server/app'
import { createSessionStore } from '../../../local-cloud/server/sessions'
import { getWXContext } from '../../../local-cloud/context'
import { createLocalCloud, type LocalCloud } from '../../../local-cloud/runtime'
import { close, cookieOf, listen, request } from './request'

const STAFF = { counter: 'staff-counter-openid', manager: 'staff-manager-openid' }

// Functions learn the caller from getWXContext(), never from the event.
const functions = {
  echo: () => ({
    main: async (event: { action?: string }) => ({
      ok: true,
      data: { action: event.action, openid: getWXContext().OPENID, source: getWXContext().SOURCE },
    }),
  }),
  broken: () => ({
    main: async () => {
      throw new Error('secret internals at /srv/app.js:12')
    },
  }),
  device: () => ({
    main: async (event: Record<string, unknown>) => ({
      statusCode: 202,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event, openid: getWXContext().OPENID, source: getWXContext().SOURCE }),
    }),
  }),
}

let parentDir: string
let staticDir: string
let cloud: LocalCloud
let server: http.Server

beforeEach(async () => {
  parentDir = mkdtempSync(path.join(os.tmpdir(), 'lc-static-'))
  staticDir = path.join(parentDir, 'dist-h5')
  mkdirSync(path.join(staticDir, 'js'), { recursive: true })
  writeFileSync(path.join(parentDir, 'secret.txt'), 'do not serve')
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>app</title>')
  writeFileSync(path.join(staticDir, 'js/app.1234abcd.js'), 'console.log(1)')
  writeFileSync(path.join(staticDir, 'app.css'), 'body{}')
  cloud = createLocalCloud({ functions })
  server = http.createServer(
    createRequestHandler({
      cloud,
      functions: Object.keys(functions),
      httpFunctions: ['device'],
      staticDir,
      sessions: createSessionStore({ staff: STAFF }),
    }),
  )
  await listen(server)
})

afterEach(async () => {
  await close(server)
  cloud.close()
  rmSync(parentDir, { recursive: true, force: true })
})

const post = (p: string, body: unknown, cookie?: string) =>
  request(server, 'POST', p, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
  })

describe('HTTP access', () => {
  it('should hand a device the integration event with the raw body and no WeChat user', async () => {
    const body = '{"b":1, "a":2}'
    const answer = await request(server, 'POST', '/http/device/pos?store=S1', {
      body,
      headers: { 'Content-Type': 'application/json', 'X-Signature': 'sig' },
    })
    expect(answer.status).toBe(202)
    const seen = JSON.parse(answer.text) as { event: Record<string, unknown>; openid: string; source: string }
    expect(seen.event).toMatchObject({
      path: '/device/pos',
      httpMethod: 'POST',
      body,
      isBase64Encoded: false,
      queryStringParameters: { store: 'S1' },
    })
    expect((seen.event.headers as Record<string, string>)['x-signature']).toBe('sig')
    expect(seen.openid).toBe('')
    expect(seen.source).toBe('http')
  })

  it('should answer 404 for a function without HTTP access', async () => {
    expect((await request(server, 'POST', '/http/echo', { body: '{}' })).status).toBe(404)
    expect((await request(server, 'POST', '/http/missing', { body: '{}' })).status).toBe(404)
  })
})

describe('static H5 build', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
    ['/js/app.1234abcd.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/app.css', 'text/css; charset=utf-8', 'body{}'],
    // Browser-mode routes and deep links fall back to the app page.
    ['/pages/join/index', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
  ])('should serve %s as %s', async (p, type, text) => {
    const answer = await request(server, 'GET', p)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe(type)
    expect(answer.text).toBe(text)
  })

  it('should answer 404 when a file with an extension is missing', async () => {
    expect((await request(server, 'GET', '/js/missing.js')).status).toBe(404)
  })

  it.each([['/..%2fsecret.txt'], ['/%2e%2e/secret.txt'], ['/js/..%2f..%2fsecret.txt'], ['/%00.js']])(
    'should not serve a file outside the build when the path is %s',
    async (p) => {
      const answer = await request(server, 'GET', p)
      expect(answer.text).not.toContain('do not serve')
    },
  )

  it('should not serve dotfiles when asked for one', async () => {
    writeFileSync(path.join(staticDir, '.inputs-hash'), 'abc')
    expect((await request(server, 'GET', '/.inputs-hash')).status).toBe(404)
  })

  it('should answer 304 when the ETag matches', async () => {
    const first = await request(server, 'GET', '/app.css')
    const again = await request(server, 'GET', '/app.css', {
      headers: { 'If-None-Match': String(first.headers.etag) },
    })
    expect(again.status).toBe(304)
  })

  it('should set an HttpOnly session cookie when the page is first loaded', async () => {
    const answer = await request(server, 'GET', '/')
    const setCookie = answer.headers['set-cookie']?.[0] ?? ''
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]{20,};`))
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Lax')
  })
})

describe('POST /api/functions/<name>', () => {
  it('should run the function as the session shopper when called', async () => {
    const first = await post('/api/functions/echo', { action: 'home' })
    expect(first.status).toBe(200)
    const { data } = first.json() as { data: { action: string; openid: string; source: string } }
    expect(data.action).toBe('home')
    // Not a WeChat client: consent receipts of the H5 build record the channel h5.
    expect(data.source).toBe(H5_SOURCE)
    expect(data.openid).toMatch(/^o[\w-]{27}$/)

    const again = await post('/api/functions/echo', { action: 'home' }, cookieOf(first))
    expect((again.json() as { data: { openid: string } }).data.openid).toBe(data.openid)
    expect(again.headers['set-cookie']).toBeUndefined()
  })

  it('should give each new browser its own shopper when there is no cookie', async () => {
    const a = (await post('/api/functions/echo', { action: 'x' })).json() as { data: { openid: string } }
    const b = (await post('/api/functions/echo', { action: 'x' })).json() as { data: { openid: string } }
    expect(a.data.openid).not.toBe(b.data.openid)
  })

  it.each([
    ['an unknown function', '/api/functions/nope', '{"action":"x"}', 404, 'UNKNOWN_ACTION'],
    ['malformed JSON', '/api/functions/echo', '{"action":', 400, 'INVALID_ARGUMENT'],
    ['a JSON array', '/api/functions/echo', '[1,2]', 400, 'INVALID_ARGUMENT'],
    ['a JSON string', '/api/functions/echo', '"home"', 400, 'INVALID_ARGUMENT'],
    ['a name that is not a function name', '/api/functions/..%2Fetc', '{}', 404, 'UNKNOWN_ACTION'],
  ])('should answer a coded failure when given %s', async (_case, p, body, status, code) => {
    const answer = await post(p, body)
    expect(answer.status).toBe(status)
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(answer.json()).toEqual({ ok: false, code, message: expect.any(String) })
  })

  it("should keep a browser's shopper when 1,001 cookie-less requests arrive after it", async () => {
    const first = await post('/api/functions/echo', { action: 'home' })
    const cookie = cookieOf(first)
    for (let i = 0; i < 1001; i++) await request(server, 'GET', '/')
    const again = await post('/api/functions/echo', { action: 'home' }, cookie)
    expect(again.headers['set-cookie']).toBeUndefined()
    expect((again.json() as { data: { openid: string } }).data.openid).toBe(
      (first.json() as { data: { openid: string } }).data.openid,
    )
  })

  it('should refuse a body over 1 MB when it is sent', async () => {
    const big = JSON.stringify({ action: 'x', data: { blob: 'x'.repeat(1024 * 1024) } })
    const answer = await post('/api/functions/echo', big).catch((error: NodeJS.ErrnoException) => error)
    // Either the coded answer arrives or the server closed the connection mid-upload.
    if (answer instanceof Error) {
      expect(answer.code).toMatch(/EPIPE|ECONNRESET/)
    } else {
      expect(answer.status).toBe(413)
      expect(answer.json()).toMatchObject({ ok: false, code: 'FIELD_TOO_LONG' })
    }
  })

  it('should refuse a body nested deeper than 32 levels with INVALID_ARGUMENT when it is sent', async () => {
    const nest = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1)
    const deep = await post('/api/functions/echo', `{"action":"home","data":${nest(100_000)}}`)
    expect(deep.status).toBe(400)
    expect(deep.json()).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    // 32 levels in all still reach the function.
    const fits = await post('/api/functions/echo', `{"action":"home","data":${nest(31)}}`)
    expect(fits.json()).toMatchObject({ ok: true, data: { action: 'home' } })
    const over = await post('/api/functions/echo', `{"action":"home","data":${nest(32)}}`)
    expect(over.status).toBe(400)
  })

  it('should answer INTERNAL without a stack trace when the function throws', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    const answer = await post('/api/functions/broken', { action: 'x' })
    expect(answer.status).toBe(500)
    expect(answer.json()).toEqual({ ok: false, code: 'INTERNAL', message: expect.any(String) })
    expect(answer.text).not.toContain('secret internals')
    expect(spy).toHaveBeenCalled()
    spy.mockRestore()
  })

  it('should answer 405 when the method is not POST', async () => {
    const answer = await request(server, 'GET', '/api/functions/echo')
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('POST')
  })

  it('should refuse a cross-origin call when a foreign page posts', async () => {
    const answer = await request(server, 'POST', '/api/functions/echo', {
      body: '{"action":"x"}',
      headers: { 'Content-Type': 'text/plain', Origin: 'http://evil.example' },
    })
    expect(answer.status).toBe(403)
  })

  it('should refuse a request when the Host is not local', async () => {
    const answer = await request(server, 'GET', '/', { headers: { Host: 'evil.example:10086' } })
    expect(answer.status).toBe(403)
  })
})

describe('dev endpoints', () => {
  it('should switch persona and back to the same shopper when asked', async () => {
    const start = await request(server, 'GET', '/api/dev/session')
    const cookie = cookieOf(start)
    const shopper = start.json() as { persona: string; openid: string }
    expect(shopper.persona).toBe('shopper')

    const counter = await post('/api/dev/persona', { persona: 'counter' }, cookie)
    expect(counter.json()).toEqual({ persona: 'counter', openid: STAFF.counter })
    const asCounter = await post('/api/functions/echo', { action: 'x' }, cookie)
    expect((asCounter.json() as { data: { openid: string } }).data.openid).toBe(STAFF.counter)

    const back = await post('/api/dev/persona', { persona: 'shopper' }, cookie)
    expect(back.json()).toEqual(shopper)
  })

  it('should issue a fresh shopper OPENID when new-shopper is chosen', async () => {
    const start = await request(server, 'GET', '/api/dev/session')
    const cookie = cookieOf(start)
    const fresh = (await post('/api/dev/persona', { persona: 'new-shopper' }, cookie)).json() as {
      persona: string
      openid: string
    }
    expect(fresh.persona).toBe('shopper')
    expect(fresh.openid).not.toBe((start.json() as { openid: string }).openid)
    expect(
      (await request(server, 'GET', '/api/dev/session', { headers: { Cookie: cookie } })).json(),
    ).toEqual(fresh)
  })

  it.each([['admin'], ['toString'], [42]])(
    'should refuse persona %p when it is not offered',
    async (persona) => {
      const answer = await post('/api/dev/persona', { persona })
      expect(answer.status).toBe(400)
      expect(answer.json()).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    },
  )

  it('should list the outbox newest first when asked', async () => {
    cloud.outbox.record('sms', { text: 'first' })
    cloud.outbox.record('sms', { text: 'second' })
    const answer = await request(server, 'GET', '/api/dev/outbox')
    const { items } = answer.json() as { items: { payload: { text: string } }[] }
    expect(items.map((i) => i.payload.text)).toEqual(['second', 'first'])
  })

  it('should answer 404 coded JSON when an API path is unknown', async () => {
    const answer = await request(server, 'GET', '/api/nothing')
    expect(answer.status).toBe(404)
    expect(answer.json()).toMatchObject({ ok: false })
  })
})
