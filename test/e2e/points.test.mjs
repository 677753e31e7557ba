// A member's points (6.4.2, 375×812): a shopper binds a service-desk card with opening points,
// opens 积分明细 from the home's balance, redeems a reward for a voucher and sees it in 我的券;
// the counter persona verifies the voucher once at 核销.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asPersona, browserSession, journey } from './browser.mjs'
import { latestCode, openHome, requestCode } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

// From database/seed.ts (DEMO_CARDS): an issued card with 520 points, bound by no other test.
const CARD = { cardNo: '6200000000000004', phone: '13700000004', points: 520 }
// From database/seed.ts: 婴儿车租借（1次）, 100 points, every store.
const REWARD = { id: 'reward-stroller', name: '婴儿车租借（1次）', points: 100 }

const session = browserSession('points')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

/** Switches this browser's persona and opens `hash` afresh. */
const as = (persona, hash) => asPersona(page, BASE_URL, persona, hash)

test('[6.4.2] a member redeems points for a voucher and the counter verifies it once', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  let code

  await step('a shopper binds the card and the home shows its points', async () => {
    await openHome(page, BASE_URL)
    await page.locator('.entry-list__item--bind:visible').click()
    await page.locator('.bind-form__agree').click()
    await page.locator('.bind-form__input--cardNo input').fill(CARD.cardNo)
    await page.locator('.bind-form__input--phone input').fill(CARD.phone)
    await requestCode(page)
    await page.locator('.bind-form__input--smsCode input').fill(await latestCode(page, BASE_URL, CARD.phone))
    await page.locator('.bind-form__age').click()
    await page.locator('taro-button-core.bind-form__submit').click()
    await page.locator('taro-button-core.bind__home:visible').click({ timeout: 20_000 })
    const points = page.locator('.member-card:visible .member-card__points-value')
    await points.waitFor({ timeout: 20_000 })
    assert.equal(await points.innerText(), String(CARD.points))
    await shot('01-home')
  })

  await step('the balance opens 积分明细: the balance, the expiry and the card’s points', async () => {
    await page.locator('.member-card:visible .member-card__points').click()
    const available = page.locator('.points__available:visible')
    await available.waitFor({ timeout: 20_000 })
    assert.equal(await available.innerText(), String(CARD.points))
    assert.match(
      await page.locator('.points__expiry:visible').innerText(),
      /^520 分将于 \d{4} 年 12 月 31 日过期$/,
    )
    await page.locator('.points__entry:visible').first().waitFor()
    await shot('02-points')
  })

  await step('积分兑换: the reward is redeemed after a confirmation, the voucher shown', async () => {
    await page.locator('taro-button-core.points__rewards:visible').click()
    const button = page.locator(`.reward--${REWARD.id}:visible taro-button-core.reward__redeem`)
    await button.waitFor({ timeout: 20_000 })
    await shot('03-rewards')
    await button.click()
    await page.locator('.taro-modal__foot:visible').getByText('兑换').click()
    const voucher = page.locator('.rewards__done:visible .voucher__code')
    await voucher.waitFor({ timeout: 20_000 })
    code = (await voucher.innerText()).trim()
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{8}$/)
    await page
      .locator('.points__available:visible', { hasText: String(CARD.points - REWARD.points) })
      .waitFor()
    await shot('04-redeemed')
  })

  await step('我的券 lists the voucher', async () => {
    await page.locator('taro-button-core.rewards__mine:visible').click()
    const mine = page.locator('.page-shell--vouchers:visible .voucher__code')
    await mine.first().waitFor({ timeout: 20_000 })
    assert.equal((await mine.first().innerText()).trim(), code)
    assert.match(
      await page.locator('.page-shell--vouchers:visible .voucher__status').first().innerText(),
      /待使用/,
    )
    await shot('05-vouchers')
  })

  await step('the counter persona verifies the voucher once at 核销', async () => {
    await as('counter', '/staff/verify/index')
    const input = page.locator('.verify__input:visible input')
    await input.waitFor({ timeout: 20_000 })
    await input.fill(code)
    await page.locator('taro-button-core.verify__go:visible').click()
    const done = page.locator('.verify__result--voucher:visible')
    await done.waitFor({ timeout: 20_000 })
    assert.match(await done.innerText(), new RegExp(REWARD.name.replace(/[()（）]/g, '.')))
    await shot('06-verified')
    await page.locator('taro-button-core.verify__go:visible').click()
    const refused = page.locator('.verify__failure:visible')
    await refused.waitFor({ timeout: 20_000 })
    assert.match(await refused.innerText(), /已于 .*核销，不能重复核销/)
    await shot('07-verified-twice')
  })
})
