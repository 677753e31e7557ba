// The manager of the demo store (database/seed.ts DEMO_PERSONAS, chosen in the dev panel) lands
// on 员工工作台 (the 员工 tab), creates a counter invite and sees its mini-program code and
// one-time code (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { browserSession, journey } from './browser.mjs'
import { openHome } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const session = browserSession('staff')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

test('a manager invites counter staff with a mini-program code', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))

  await step('the workbench says who the manager is and offers 邀请同事', async () => {
    await openHome(page, BASE_URL)
    await page.locator('.dev-tools__fab:visible').click()
    await page.locator('.dev-tools__persona:visible', { hasText: '店长' }).click()
    await page.locator('.workbench__me:visible').waitFor({ timeout: 20_000 })
    assert.equal(await page.locator('.workbench__role:visible').innerText(), '店长')
    assert.equal(await page.locator('.workbench__name:visible').innerText(), '徐汇店店长')
    await page.locator('.entry-list__item--list:visible').waitFor()
    await shot('02-workbench')
  })

  await step('a counter invite shows its mini-program code and one-time code', async () => {
    await page.locator('.entry-list__item--invite:visible').click()
    const create = page.locator('taro-button-core.invite__create:visible')
    await create.waitFor()
    await shot('03-invite-form')
    await create.click()
    const image = page.locator('.invite__qr:visible img')
    await image.waitFor({ timeout: 20_000 })
    await page.waitForFunction(() => document.querySelector('.invite__qr img')?.naturalWidth > 0, undefined, {
      timeout: 10_000,
    })
    assert.match(await page.locator('.invite__code:visible').innerText(), /^([0-9A-Z]{4} ){3}[0-9A-Z]{4}$/)
    assert.match(await page.locator('.invite__expiry:visible').innerText(), /北京时间/)
    await shot('04-invite-code')
  })

  await step('the staff list shows the store’s staff, with 停用 for the colleague only', async () => {
    await page.goBack()
    await page.locator('.entry-list__item--list:visible').click()
    await page.locator('.staff-list__item:visible').first().waitFor()
    assert.match(await page.locator('.staff-list__items:visible').innerText(), /兰蔻专柜导购/)
    assert.equal(await page.locator('.staff-list__toggle:visible').count(), 1)
    await shot('05-staff-list')
  })
})
