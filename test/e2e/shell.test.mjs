// The 会员 | 员工 tab bar (375×812): a shopper sees 会员 only; the counter persona (database/seed.ts
// DEMO_PERSONAS) lands on the 员工 tab, can go back to 会员 and stays there, and shows and prints
// a channel's mini-program code.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { browserSession, journey } from './browser.mjs'
import { openHome } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const session = browserSession('shell')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

const tab = (name) => page.locator(`.tab-bar__item--${name}:visible`)

test('staff land on the 员工 tab; shoppers see no tab bar', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))

  await step('a shopper sees no tab bar: one tab would only be in the way', async () => {
    await openHome(page, BASE_URL)
    await page.locator('.home__greeting:visible, .welcome-card:visible').first().waitFor()
    assert.equal(await page.locator('.tab-bar:visible').count(), 0)
    await shot('01-shopper-home')
  })

  await step('the counter persona lands on the 员工 tab: the workbench', async () => {
    await page.locator('.dev-tools__fab:visible').click()
    await page.locator('.dev-tools__persona:visible', { hasText: '专柜导购' }).click()
    await page.locator('.workbench__me:visible').waitFor({ timeout: 20_000 })
    assert.equal(await page.locator('.workbench__role:visible').innerText(), '导购 / 服务台')
    assert.match(await tab('staff').getAttribute('class'), /tab-bar__item--current/)
    assert.equal(await page.locator('.back-control:visible').count(), 0)
    await shot('02-counter-workbench')
  })

  await step('会员 opens the member centre, and it stays there after a reload', async () => {
    await tab('member').click()
    await page.locator('.home__greeting:visible').waitFor()
    assert.match(await tab('member').getAttribute('class'), /tab-bar__item--current/)
    await page.reload()
    await page.locator('.home__greeting:visible').waitFor()
    await tab('staff').waitFor()
    // The staff member chose 会员 themselves: no redirect.
    await page.waitForTimeout(1_000)
    assert.equal(await page.locator('.workbench__me:visible').count(), 0)
    await shot('03-counter-member-tab')
    await tab('staff').click()
    await page.locator('.workbench__me:visible').waitFor()
  })

  await step('渠道二维码 lists the store’s channels', async () => {
    await page.locator('.entry-list__item--codes:visible').click()
    await page.locator('.codes__item--open:visible').first().waitFor({ timeout: 20_000 })
    const names = await page.locator('.codes__name:visible').allInnerTexts()
    assert.ok(names.includes('兰蔻专柜'), names.join(','))
    assert.ok(!names.includes('耐克专柜'), 'another store’s channel')
    await shot('04-channels')
  })

  await step('a channel shows its code large, with the card to print', async () => {
    await page.locator('.codes__item--open:visible', { hasText: '兰蔻专柜' }).first().click()
    await page.waitForFunction(
      () => document.querySelector('.channel-card__qr img')?.naturalWidth > 0,
      undefined,
      {
        timeout: 20_000,
      },
    )
    assert.equal(await page.locator('.channel-card__counter:visible').innerText(), '兰蔻专柜')
    assert.match(await page.locator('.channel-card__store:visible').innerText(), /徐汇店/)
    assert.equal(await page.locator('.channel-card__call:visible').innerText(), '微信扫码加入会员')
    await page.locator('taro-button-core.printable-code__print:visible').waitFor()
    await shot('05-channel-code')
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.printable-code__actions:visible').count(), 0)
    await shot('06-channel-print')
    await page.emulateMedia({ media: 'screen' })
  })
})
