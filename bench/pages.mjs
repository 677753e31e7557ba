// Cloud calls per shopper page load, in the H5 build served by `npm start` (Chromium through
// playwright-core): each page of the app (main package and subpackages) is opened fresh, as a
// new shopper and as a member, and the POST /api/functions/<name> requests until the network
// is idle are counted. Goal: one call per screen load (docs: principle 9).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { launchBrowser } from '../test/e2e/browser.mjs'
import { ROOT } from './bundle.mjs'

const START_TIMEOUT_MS = 10 * 60_000
const QUIET_MS = 800

/** Pages of the weapp's app.json (main package first), as Taro H5 routes. */
export function appPages(appConfigFile = path.join(ROOT, 'src/app.config.ts')) {
  const text = readFileSync(appConfigFile, 'utf8')
  const quoted = (block) => [...block.matchAll(/'([^']+)'/g)].map((m) => m[1])
  const main = quoted(/pages:\s*\[([^\]]*)\]/.exec(text)?.[1] ?? '')
  const sub = [...text.matchAll(/root:\s*'([^']+)',\s*pages:\s*\[([^\]]*)\]/g)].flatMap((m) =>
    quoted(m[2]).map((p) => `${m[1]}/${p}`),
  )
  return [...main, ...sub]
}

function startServer(dataDir) {
  const server = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LC_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let seen = ''
  server.stderr.on('data', (chunk) => (seen += chunk.toString()))
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start in time')), START_TIMEOUT_MS)
    server.stdout.on('data', (chunk) => {
      seen += chunk.toString()
      const match = /Ready: (http:\/\/\S+)/.exec(seen)
      if (match) {
        clearTimeout(timer)
        resolve(match[1].replace(/\/$/, ''))
      }
    })
    server.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code}) before it was ready:\n${seen.slice(-2000)}`))
    })
  })
  const stop = () =>
    new Promise((resolve) => {
      if (server.exitCode !== null) return resolve()
      server.once('exit', () => resolve())
      server.kill('SIGTERM')
    })
  return { url, stop }
}

async function callFunction(context, baseUrl, action, data) {
  const response = await context.request.post(`${baseUrl}/api/functions/member`, {
    data: { action, data },
    headers: { origin: baseUrl },
  })
  return response.json()
}

/** Makes the browser context's shopper a member through the API (not counted). */
async function becomeMember(context, baseUrl) {
  const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  await callFunction(context, baseUrl, 'sendJoinCode', { phone })
  const outbox = await (await context.request.get(`${baseUrl}/api/dev/outbox`)).json()
  const sms = outbox.items.find((i) => JSON.stringify(i.payload ?? {}).includes(phone))
  const smsCode = sms?.payload?.template_param_list?.[0]
  const form = await callFunction(context, baseUrl, 'joinForm')
  const joined = await callFunction(context, baseUrl, 'join', {
    name: '王小明',
    storeId: form.data?.stores?.[0]?.id,
    phone,
    smsCode,
    noticeVersion: form.data?.notice?.version,
  })
  if (!joined.ok) throw new Error(`could not make a member for the page test: ${joined.code}`)
}

/** Opens `route` in a new page of `context` and answers the cloud calls made while loading. */
async function countCalls(context, baseUrl, route) {
  const page = await context.newPage()
  const calls = []
  let last = Date.now()
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (request.method() === 'POST' && url.pathname.startsWith('/api/functions/')) {
      let action = '?'
      try {
        action = JSON.parse(request.postData() ?? '{}').action ?? '?'
      } catch {
        // not JSON: counted as '?'
      }
      calls.push(`${url.pathname.slice('/api/functions/'.length)}.${action}`)
      last = Date.now()
    }
  })
  page.on('requestfinished', () => (last = Date.now()))
  await page.goto(`${baseUrl}/#/${route}`, { waitUntil: 'load' })
  // Pages that process personal information first ask for the privacy authorisation (L-1):
  // agreeing is part of loading them, and their calls come after it.
  const agree = page.locator('taro-button-core.privacy-auth__agree')
  const asked = await agree
    .waitFor({ state: 'visible', timeout: 2_000 })
    .then(() => true)
    .catch(() => false)
  if (asked) await agree.click()
  await page.waitForLoadState('networkidle').catch(() => undefined)
  while (Date.now() - last < QUIET_MS) await page.waitForTimeout(100)
  await page.close()
  return calls
}

/** Answers `[{ page, persona, calls: ['member.home', …] }]`. */
export async function measurePageCalls({ log = () => {} } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-pages-'))
  const server = startServer(dataDir)
  let browser
  try {
    log('pages: starting `npm start` (builds the H5 app when stale) …')
    const baseUrl = await server.url
    browser = await launchBrowser()
    const results = []
    // One browser profile: first a shopper who is not a member, then the same shopper joined.
    const { context } = browser
    for (const persona of ['new shopper', 'member']) {
      if (persona === 'member') await becomeMember(context, baseUrl)
      for (const route of appPages()) {
        const calls = await countCalls(context, baseUrl, route)
        results.push({ page: route, persona, calls })
        log(`  ${route} (${persona}): ${calls.length} call(s) ${calls.join(', ')}`)
      }
    }
    return results
  } finally {
    await browser?.close()
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
