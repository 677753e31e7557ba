// A shopper joins; the demo store's counter staff find them (会员查询), open 消费积分 from the
// card, see the preview lines and award points for a receipt; the same receipt again for another
// amount is refused; the shopper's member card shows the points as pending (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asPersona, asStaff, browserSession, journey } from './browser.mjs'
import { latestCode, openHome, randomPhone, requestCode } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

/** The scene of the demo 兰蔻专柜 channel's code: the shopper joins the demo store. */
const LANCOME_SCENE = 'k=g&c=Xh7a'

const session = browserSession('points-counter')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

test('the counter awards points for a receipt once, and the shopper sees them pending', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  const phone = randomPhone()
  const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`
  const receipt = `E2E${Date.now().toString(36).toUpperCase()}`
  let memberNo = ''
  let total = ''

  await step('a shopper joins', async () => {
    await openHome(page, BASE_URL)
    await page.goto(`${BASE_URL}#/pages/join/index?scene=${encodeURIComponent(LANCOME_SCENE)}`)
    await page.locator('.join-form__notice-link:visible').first().waitFor()
    await page.locator('.join-form__age:visible').click()
    await page.locator('.join-form__agree:visible').click()
    await page.locator('.join-form__input--name input').fill('周积分')
    await page.locator('.join-form__input--phone input').fill(phone)
    await requestCode(page)
    await page.locator('.join-form__input--smsCode input').fill(await latestCode(page, BASE_URL, phone))
    await page.locator('taro-button-core.join-form__submit').click()
    await page.locator('.member-card:visible').waitFor({ timeout: 20_000 })
    memberNo = (await page.locator('.member-card__no:visible').innerText()).replace(/\s/g, '')
  })

  await step('the counter finds the shopper and opens 消费积分', async () => {
    await asStaff(page, BASE_URL, 'counter')
    await page.locator('.entry-list__item--lookup:visible').click()
    await page.locator('.lookup__input:visible input').fill(memberNo.slice(-4))
    await page.locator('taro-button-core.lookup__search-button:visible').click()
    const card = page.locator('.lookup__member:visible', { hasText: masked })
    await card.waitFor({ timeout: 20_000 })
    await card.locator('taro-button-core.lookup__earn').click()
    await page.locator('.earn__member:visible').waitFor()
    assert.match(await page.locator('.earn__member:visible').innerText(), /周\*/)
  })

  await step('the preview shows the lines; 确认积分 awards them', async () => {
    await page.locator('.earn__input--receipt:visible input').fill(receipt)
    await page.locator('.earn__input--amount:visible input').fill('128.5')
    await page.locator('.earn__lines:visible').waitFor({ timeout: 20_000 })
    assert.match(await page.locator('.earn__lines:visible').innerText(), /基础 1 分\/元/)
    total = (await page.locator('.earn__total:visible').innerText()).trim()
    await shot('01-preview')
    await page.locator('taro-button-core.earn__confirm:visible').click()
    await page.locator('.earn__result:visible').waitFor({ timeout: 20_000 })
    const result = await page.locator('.earn__result:visible').innerText()
    assert.match(result, /积分成功/)
    assert.match(result, new RegExp(`合计\\s*${total}`))
    assert.match(result, /128\.50 元/)
    await shot('02-awarded')
  })

  await step('the same receipt for another amount is refused, naming the first', async () => {
    await page.locator('taro-button-core.earn__again:visible').click()
    await page.locator('.earn__input--receipt:visible input').fill(receipt)
    await page.locator('.earn__input--amount:visible input').fill('200')
    await page.locator('.earn__lines:visible').waitFor({ timeout: 20_000 })
    await page.locator('taro-button-core.earn__confirm:visible').click()
    const alert = page.locator('.earn__form:visible .form-alert')
    await alert.waitFor({ timeout: 20_000 })
    assert.match(await alert.innerText(), /该小票已积分（消费 128\.50 元）/)
    await shot('03-repeat-refused')
  })

  await step('the shopper’s card shows the points as pending', async () => {
    await asPersona(page, BASE_URL, 'shopper', '/pages/index/index')
    const pending = page.locator('.member-card__points-pending:visible')
    await pending.waitFor({ timeout: 20_000 })
    assert.match(await pending.innerText(), new RegExp(`${total.replace(/\s*分$/, '')} 分待生效`))
    await shot('04-home-pending')
  })
})
