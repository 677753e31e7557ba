// A shopper who got a card at the service desk binds it in the browser (375×812): clear messages
// for a cancelled card and for the wrong phone, then the SMS code to the phone on the card, the
// unticked notice, and the card's points on the new member home.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { browserSession, journey } from './browser.mjs'
import { assertInputsFit, latestCode, openHome, requestCode } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

// From database/seed.ts (DEMO_CARDS): an issued card with 1280 points, and a cancelled one.
const CARD = { cardNo: '6200000000000001', phone: '13700000001', points: 1280 }
const CANCELLED = { cardNo: '6200000000000003', phone: '13700000003' }

const session = browserSession('bind-card')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

async function fillCard({ cardNo, phone }) {
  await page.locator('.bind-form__input--cardNo input').fill(cardNo)
  await page.locator('.bind-form__input--phone input').fill(phone)
}

test('[4.2.1.1][4.2.2.1][L-11] a non-member binds a service-desk card', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))

  await step('绑定会员卡 is offered on the non-member home', async () => {
    await openHome(page, BASE_URL)
    const entry = page.locator('.entry-list__item--bind:visible')
    await entry.waitFor()
    await shot('01-home')
    await entry.click()
    await page.locator('taro-button-core.bind-form__submit:visible').waitFor()
    assert.equal(await page.locator('.bind-form__agree').getAttribute('aria-checked'), 'false')
    await shot('02-form')
  })

  await step('at 375 px no placeholder or value is clipped, the code beside its button too', async () => {
    await assertInputsFit(page, [CARD.cardNo, CARD.phone, '123456'])
  })

  await step('[L-2] no code is sent before the unticked notice is agreed', async () => {
    await fillCard(CANCELLED)
    await page.locator('.sms-button').click()
    await page.locator('.bind-form__consent-error').waitFor()
    await shot('03-consent-first')
    await page.locator('.bind-form__agree').click()
    assert.equal(await page.locator('.bind-form__agree').getAttribute('aria-checked'), 'true')
  })

  await step('a cancelled card is refused with a clear message', async () => {
    await page.locator('.sms-button').click()
    const message = page.locator('.form-field__error--cardNo')
    await message.waitFor()
    assert.equal(await message.innerText(), '该会员卡已注销，无法绑定')
    await shot('04-cancelled-card')
  })

  await step('the wrong phone for the card is refused with a clear message', async () => {
    await fillCard({ cardNo: CARD.cardNo, phone: '13700009999' })
    await page.locator('.sms-button').click()
    const message = page.locator('.form-field__error--phone')
    await message.waitFor()
    assert.equal(await message.innerText(), '手机号与会员卡登记的手机号不一致')
    await shot('05-wrong-phone')
  })

  await step(
    'the code to the phone on the card binds it, with the notice agreed and the age declared',
    async () => {
      await fillCard(CARD)
      await requestCode(page)
      await page
        .locator('.bind-form__input--smsCode input')
        .fill(await latestCode(page, BASE_URL, CARD.phone))
      await page.locator('.bind-form__age').click()
      assert.equal(await page.locator('.bind-form__age').getAttribute('aria-checked'), 'true')
      await shot('06-filled')
      await page.locator('taro-button-core.bind-form__submit').click()
      const done = page.locator('.bind__done-text:visible')
      await done.waitFor({ timeout: 20_000 })
      assert.match(await done.innerText(), new RegExp(`${CARD.points} 积分已转入`))
      await shot('07-bound')
    },
  )

  await step('the member home shows the card points', async () => {
    await page.locator('taro-button-core.bind__home:visible').click()
    const points = page.locator('.member-card:visible .member-card__points-value')
    await points.waitFor({ timeout: 20_000 })
    assert.equal(await points.innerText(), String(CARD.points))
    await shot('08-member-home')
  })
})
