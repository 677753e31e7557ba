// A member opens 会员码 from the member card: a QR, a barcode and the code's text, turning every
// 30 s. The demo store's counter staff type that text in 会员查询 and see the member masked
// (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asStaff, browserSession, journey } from './browser.mjs'
import { join, openHome, randomPhone } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const session = browserSession('member-code')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

test('the counter finds a member by the code on their phone, masked', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  const phone = randomPhone()
  let code = ''

  await step('the member opens 会员码 from the member card', async () => {
    await openHome(page, BASE_URL)
    await join(page, BASE_URL, { name: '周会码', phone })
    await shot('01-member-card')
    await page.locator('.member-card__code:visible').click()
    const text = page.locator('.member-code__text:visible')
    await text.waitFor({ timeout: 20_000 })
    await page.waitForFunction(
      () => document.querySelector('.member-code__qr img')?.naturalWidth > 0,
      undefined,
      {
        timeout: 10_000,
      },
    )
    code = await text.innerText()
    assert.match(code, /^MC [0-9A-Z]{4} [0-9A-Z]{4} \d{4} \d{4}$/)
    assert.doesNotMatch(code.replace(/\s/g, ''), new RegExp(phone.slice(-4)))
    assert.match(await page.locator('.member-code__countdown:visible').innerText(), /^\d+ 秒后自动刷新$/)
    await shot('02-member-code')
  })

  await step('the counter types the code in 会员查询 and sees the member masked', async () => {
    await asStaff(page, BASE_URL, 'counter')
    await page.locator('.entry-list__item--lookup:visible').click()
    await page.locator('.lookup__code-input:visible input').fill(code)
    await page.locator('taro-button-core.lookup__code-button:visible').click()
    const card = page.locator('.lookup__member:visible')
    await card.waitFor({ timeout: 20_000 })
    const text = await card.innerText()
    assert.match(text, /周\*/)
    assert.match(text, new RegExp(`${phone.slice(0, 3)}\\*{4}${phone.slice(7)}`))
    assert.doesNotMatch(text, new RegExp(phone))
    await shot('03-found-by-code')
  })

  await step('the same code scanned again is refused', async () => {
    await page.locator('.lookup__code-input:visible input').fill(code)
    await page.locator('taro-button-core.lookup__code-button:visible').click()
    await page.getByText('该会员码已使用过').waitFor({ timeout: 20_000 })
    await shot('04-code-used')
  })
})
