// A shopper joins through the 兰蔻专柜 guide's code (a demo channel's scene); the demo store's
// manager sees the sign-up counted for that counter in 渠道报表; the counter staff find the
// shopper by the last four digits of the member number, masked, and reveal the phone with a
// reason (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asStaff, browserSession, journey } from './browser.mjs'
import { latestCode, openHome, randomPhone, requestCode } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

/** The scene of the demo 兰蔻专柜 channel's mini-program code (database/seed.ts DEMO_CHANNELS). */
const LANCOME_SCENE = 'k=g&c=Xh7a'

const session = browserSession('lookup')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

/** From the workbench: 会员查询 for the last four digits of `memberNo`; the card of `phone`, masked. */
async function findCard(memberNo, phone) {
  await page.locator('.entry-list__item--lookup:visible').click()
  await page.locator('.lookup__input:visible input').fill(memberNo.slice(-4))
  await page.locator('taro-button-core.lookup__search-button:visible').click()
  await page.locator('.lookup__summary:visible').waitFor({ timeout: 20_000 })
  const card = page.locator('.lookup__member:visible', {
    hasText: `${phone.slice(0, 3)}****${phone.slice(7)}`,
  })
  await card.waitFor()
  return card
}

test('a sign-up through a guide’s code is counted for the counter and found at the counter', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  const phone = randomPhone()
  let memberNo = ''

  await step('a shopper joins through the 兰蔻专柜 code', async () => {
    await openHome(page, BASE_URL)
    await page.goto(`${BASE_URL}#/pages/join/index?scene=${encodeURIComponent(LANCOME_SCENE)}`)
    await page.locator('.join-form__notice-link:visible').first().waitFor()
    assert.match(await page.locator('.join__channel:visible').innerText(), /兰蔻专柜/)
    await page.locator('.join-form__age:visible').click()
    await page.locator('.join-form__agree:visible').click()
    await page.locator('.join-form__input--name input').fill('林小雨')
    await page.locator('.join-form__input--phone input').fill(phone)
    await requestCode(page)
    await page.locator('.join-form__input--smsCode input').fill(await latestCode(page, BASE_URL, phone))
    await page.locator('taro-button-core.join-form__submit').click()
    await page.locator('.member-card:visible').waitFor({ timeout: 20_000 })
    memberNo = (await page.locator('.member-card__no:visible').innerText()).replace(/\s/g, '')
    assert.match(memberNo, /^\d{12}$/)
  })

  await step('the manager sees the sign-up counted for 兰蔻专柜 today', async () => {
    await asStaff(page, BASE_URL, 'manager')
    await page.locator('.entry-list__item--channels:visible').click()
    await page.locator('.channels__total:visible').waitFor({ timeout: 20_000 })
    const table = await page.locator('.channels__table:visible').first().innerText()
    const lancome = table.split('\n').findIndex((line) => line.startsWith('兰蔻专柜'))
    assert.ok(lancome >= 0, '兰蔻专柜 is listed')
    assert.ok(Number(table.split('\n')[lancome + 1]) >= 1, 'with at least this sign-up')
    assert.doesNotMatch(await page.locator('.channels__table:visible').first().innerText(), new RegExp(phone))
    await shot('01-channel-report')
  })

  await step('the counter finds the shopper by the last four digits, masked', async () => {
    await asStaff(page, BASE_URL, 'counter')
    const card = await findCard(memberNo, phone)
    const text = await card.innerText()
    assert.match(text, /林\*/)
    assert.doesNotMatch(text, new RegExp(phone))
    assert.match(text, new RegExp(`\\*{8}${memberNo.slice(-4)}`))
    await shot('02-lookup-masked')
  })

  await step('查看完整 with a reason shows the phone and counts the reveal', async () => {
    const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`
    const card = page.locator('.lookup__member:visible', { hasText: masked })
    await card.locator('taro-button-core.lookup__reveal').click()
    await card.locator('.chips__chip--reason-verifyIdentity').click()
    await shot('03-reveal-reason')
    await card.locator('taro-button-core.lookup__confirm').click()
    await card.locator('.lookup__revealed-value').waitFor({ timeout: 20_000 })
    assert.equal(await card.locator('.lookup__revealed-value').innerText(), phone)
    assert.match(await page.locator('.lookup__summary:visible').innerText(), /今日还可查看完整信息 \d+ 次/)
    await shot('04-revealed')
  })

  await step('the manager moves the sign-up to 雅诗兰黛专柜 with a reason; the report follows', async () => {
    await asStaff(page, BASE_URL, 'manager')
    const card = await findCard(memberNo, phone)
    assert.match(await card.innerText(), /入会渠道 兰蔻专柜/)
    await card.locator('taro-button-core.lookup__reassign').click()
    await card.locator('.chips__chip--channel-Xh8e').click()
    await card.locator('.chips__chip--reassign-guideHelped').click()
    await shot('05-reassign')
    await card.locator('taro-button-core.lookup__reassign-confirm').click()
    await card.getByText('入会渠道 雅诗兰黛专柜').waitFor({ timeout: 20_000 })
    await page.goBack()
    await page.locator('.entry-list__item--channels:visible').click()
    await page.locator('.channels__day:visible').first().waitFor({ timeout: 20_000 })
    assert.match(await page.locator('.channels__day:visible').first().innerText(), /雅诗兰黛专柜 转入1/)
    await shot('06-report-after-reassign')
  })
})
