// 会员等级 (6.6.1, 6.3.2; 375×812): a new member taps the tier badge on the member card and reads
// the tier, what the next tier needs, every tier's benefits and that tiers never raise a price.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { browserSession, journey } from './browser.mjs'
import { join, openHome, randomPhone } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const session = browserSession('tier')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

test("[6.3.2] a member opens 会员等级 from the tier badge and reads each tier's benefits", async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))

  await step('a new member sees the tier badge on the member card', async () => {
    await openHome(page, BASE_URL)
    await join(page, BASE_URL, { name: '林晓', phone: randomPhone() })
    assert.equal(await page.locator('.member-card:visible .member-card__tier').innerText(), '普通会员')
  })

  await step('the badge opens 会员等级: tier, the spend the next tier needs, benefits', async () => {
    await page.locator('.member-card:visible .member-card__tier-link').click()
    const next = page.locator('.tier__next:visible')
    await next.waitFor({ timeout: 20_000 })
    assert.equal(await page.locator('.tier__name:visible').innerText(), '普通会员')
    assert.equal(await next.innerText(), '再消费 ¥20,000 可升级为VIP会员')
    assert.equal(await page.locator('.tier__benefits:visible').count(), 3)
    assert.match(await page.locator('.tier__benefits--vvip:visible').innerText(), /会员休息室/)
    assert.match(await page.locator('.tier__fair:visible').innerText(), /价格相同/)
    await shot('01-tier')
    await page.locator('.tier__fair:visible').scrollIntoViewIfNeeded()
    await shot('02-benefits')
  })
})
