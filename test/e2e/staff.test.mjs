// The manager of the demo store (database/seed.ts DEMO_PERSONAS, chosen in the dev panel) lands
// on 员工工作台 (the 员工 tab), creates a counter invite and sees its mini-program code and
// one-time code; a new colleague opens the invite's scene, joins the staff and lands on the
// workbench as counter staff; the manager's staff list shows them (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asPersona, browserSession, journey } from './browser.mjs'
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
  let inviteCode = ''

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
    inviteCode = (await page.locator('.invite__code:visible').innerText()).replace(/ /g, '')
    await shot('04-invite-code')
  })

  await step('a new colleague opens the invite’s scene, joins, and lands on the workbench', async () => {
    // What WeChat hands the page when the invite's mini-program code is scanned.
    const scene = encodeURIComponent(`k=i&c=${inviteCode}`)
    await asPersona(page, BASE_URL, 'new-shopper', `/pages/index/index?scene=${scene}`)
    const join = page.locator('taro-button-core.home__join-staff-go:visible')
    await join.waitFor({ timeout: 20_000 })
    await shot('04b-join-staff')
    await join.click()
    await page.locator('.workbench__me:visible').waitFor({ timeout: 20_000 })
    assert.equal(await page.locator('.workbench__role:visible').innerText(), '导购 / 服务台')
    await shot('04c-new-colleague-workbench')
  })

  await step('the manager’s staff list shows the new colleague, with 停用 for colleagues only', async () => {
    await asPersona(page, BASE_URL, 'manager', '/staff/list/index')
    await page.locator('.staff-list__item:visible').first().waitFor()
    assert.match(await page.locator('.staff-list__items:visible').innerText(), /兰蔻专柜导购/)
    // The seeded counter staff and the colleague who just joined.
    assert.equal(await page.locator('.staff-list__toggle:visible').count(), 2)
    await shot('05-staff-list')
  })
})
