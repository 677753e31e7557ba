// What the H5 app does around its pages (375×812): an unknown address shows 页面不存在 with the
// way home instead of a stale page, and the browser's favicon request finds an icon.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { browserSession, journey } from './browser.mjs'
import { openHome } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const session = browserSession('h5-shell')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

test('/favicon.ico answers an icon', async () => {
  const answer = await page.request.get(new URL('/favicon.ico', BASE_URL).href)
  assert.equal(answer.status(), 200)
  assert.equal(answer.headers()['content-type'], 'image/x-icon')
  const bytes = await answer.body()
  // An ICO file: reserved 0, type 1 (icon), at least one image.
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 1, 0])
  assert.ok(bytes.readUInt16LE(4) > 0)
})

test('an unknown address shows 页面不存在 with the way home', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))

  await step('opened directly', async () => {
    await page.goto(`${BASE_URL}#/pages/no-such/index`)
    const title = page.locator('.not-found__title:visible')
    await title.waitFor()
    assert.equal(await title.innerText(), '页面不存在')
    await shot('01-not-found')
    await page.locator('taro-button-core.not-found__home:visible').click()
    await page.locator('.welcome-card:visible, .member-card:visible').first().waitFor()
  })

  await step('reached from a page: the last page does not stay on screen', async () => {
    await openHome(page, BASE_URL)
    await page.evaluate(() => {
      window.location.hash = '#/account/no-such/index'
    })
    await page.locator('.not-found__title:visible').waitFor()
    assert.equal(await page.locator('.welcome-card:visible, .member-card:visible').count(), 0)
  })
})
