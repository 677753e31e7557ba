// A gift campaign from start to counter (4.2.2.3): the demo store's manager creates it and shows
// its mini-program code, a shopper who joined claims it after reading what is asked and why, and
// the counter persona verifies the claim code once (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { browserSession, journey } from './browser.mjs'
import { asPersona, join, openHome, randomPhone } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const session = browserSession('campaign')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

/** Switches this browser's persona and opens `hash` afresh. */
const as = (persona, hash) => asPersona(page, BASE_URL, persona, hash)

test('a manager creates a gift campaign, a shopper claims it, the counter verifies it once', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  const title = `夏日礼品${Math.floor(Math.random() * 1000)}`
  let campaignId
  let code

  await step('the manager creates a campaign collecting the name, with its reason', async () => {
    await openHome(page, BASE_URL)
    await as('manager', '/staff/campaigns/index')
    const create = page.locator('taro-button-core.campaigns__new:visible')
    await create.waitFor({ timeout: 20_000 })
    await create.click()
    await page.locator('.campaigns__input--title input').fill(title)
    await page.locator('.campaigns__input--stock input').fill('5')
    await page.locator('.campaigns__pick--name:visible').click()
    await page.locator('.campaigns__textarea--reason-name textarea').fill('核对领取人')
    await page.locator('.campaigns__textarea--purpose textarea').fill('发放夏日礼品并在柜台核对领取')
    await shot('01-create-form')
    await page.locator('taro-button-core.campaigns__create:visible').click()
    const item = page.locator('.campaigns__item:visible', { hasText: title })
    await item.waitFor({ timeout: 20_000 })
    await shot('02-list')
    await item.locator('taro-button-core.campaigns__code').click()
    await page.waitForFunction(
      () => document.querySelector('.campaign-code__qr img')?.naturalWidth > 0,
      undefined,
      {
        timeout: 20_000,
      },
    )
    const scene = await page.locator('.campaign-code__scene:visible').innerText()
    campaignId = /^k=c&c=(\w{8})$/.exec(scene)?.[1]
    assert.ok(campaignId, `a campaign scene: ${scene}`)
    await shot('03-code')
  })

  await step('a shopper joins, reads what is asked and why, and claims once', async () => {
    await as('new-shopper', '/pages/index/index')
    await openHome(page, BASE_URL)
    await join(page, BASE_URL, { name: '王小明', phone: randomPhone() })
    await page.goto(`${BASE_URL}#/pages/index/index?scene=${encodeURIComponent(`k=c&c=${campaignId}`)}`)
    await page.reload()
    const notice = page.locator('.claim__notice:visible')
    await notice.waitFor({ timeout: 20_000 })
    assert.match(await notice.innerText(), /姓名：核对领取人/)
    assert.match(await notice.innerText(), /发放夏日礼品并在柜台核对领取/)
    await page.locator('.claim__input--name input').fill('王小明')
    await page.locator('.claim__agreed:visible').click()
    await shot('04-claim-form')
    await page.locator('taro-button-core.claim__submit:visible').click()
    const shown = page.locator('.claim__code:visible')
    await shown.waitFor({ timeout: 20_000 })
    code = (await shown.innerText()).replace(/\s/g, '')
    assert.match(code, /^[0-9A-Z]{8}$/)
    await shot('05-claim-code')
  })

  await step('the counter verifies the code once; a second try names when it was verified', async () => {
    await as('counter', '/staff/verify/index')
    const input = page.locator('.verify__input:visible input')
    await input.waitFor({ timeout: 20_000 })
    await input.fill(code)
    await page.locator('taro-button-core.verify__go:visible').click()
    await page.locator('.verify__result--ok:visible').waitFor({ timeout: 20_000 })
    assert.match(await page.locator('.verify__result--ok').innerText(), new RegExp(title))
    await shot('06-verified')
    await page.locator('taro-button-core.verify__go:visible').click()
    const refused = page.locator('.verify__failure:visible')
    await refused.waitFor({ timeout: 20_000 })
    assert.match(await refused.innerText(), /已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）核销/)
    await shot('07-already-verified')
  })

  await step('the manager’s report counts the claim and the verification', async () => {
    await as('manager', `/staff/campaign-report/index?id=${campaignId}`)
    await page.locator('.report__value--verified:visible').waitFor({ timeout: 20_000 })
    assert.equal(await page.locator('.report__value--claimed:visible').innerText(), '1')
    assert.equal(await page.locator('.report__value--verified:visible').innerText(), '1')
    await shot('08-report')
  })
})
