// A member looks after their own data on a phone-sized screen (375×812): adds a plate with the
// plate keyboard, withdraws the marketing consent, is asked before parking goes, turns on the
// points reminder and gets it when a card is bound, copies a complete copy of their data, deletes
// the account and joins again as a new member.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { journey, launchBrowser, screenshot, settle } from './browser.mjs'
import {
  assertInputsFit,
  join,
  latestCode,
  openAccountPage,
  openHome,
  randomPhone,
  requestCode,
} from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const NAME = '李晓'
const PHONE = randomPhone()
const PLATE = '沪AD12345'
// From database/seed.ts (DEMO_CARDS): an issued card with 350 points (the bind-card journey takes the first).
const CARD = { cardNo: '6200000000000002', phone: '13700000002', points: 350 }

// SMS codes for one phone may be requested once a minute (docs/architecture.md).
const RESEND_AFTER_MS = 61_000

let browser
let page
let firstCodeAt = 0
const shots = []

async function shot(name) {
  await settle(page)
  shots.push(await screenshot(page, `self-service-${name}`))
}

before(async () => {
  browser = await launchBrowser({ viewport: { width: 375, height: 812 } })
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(BASE_URL).origin,
  })
  page = await browser.context.newPage()
})

after(async () => {
  await browser?.close()
  if (shots.length > 0) console.log(`screenshots:\n  ${shots.join('\n  ')}`)
})

// Back once the page on top has settled: a back during the router's push animation leaves the
// tab page under it shaded.
const back = async () => {
  await page.locator('.taro_router > .taro_page.taro_page_stationed:last-child').waitFor()
  await page.goBack()
}

test('[L-2][L-8][4.2.2.6][6.1.1][7.2][L-9] a member manages plates, consents, their data and deletes the account', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))

  await step('a new shopper joins', async () => {
    await openHome(page, BASE_URL)
    await join(page, BASE_URL, { name: NAME, phone: PHONE })
    firstCodeAt = Date.now()
    await page.locator('.entry-list__item--account:visible').waitFor()
    await shot('01-member-home')
  })

  await step('[L-2] 账户与隐私 is one tap from home and lists every self-service page', async () => {
    await page.locator('.entry-list__item--account:visible').click()
    await page.locator('.entry-list__item--consents:visible').waitFor()
    for (const entry of ['profile', 'phone', 'plates', 'bind', 'consents', 'data', 'delete']) {
      assert.ok(await page.locator(`.entry-list__item--${entry}:visible`).isVisible(), `${entry} is listed`)
    }
    await shot('02-account-settings')
    await back()
  })

  await step(
    '更换手机号: at 375 px the code input keeps its placeholder beside the code button',
    async () => {
      await openAccountPage(page, 'phone')
      await page.locator('.phone__input--smsCode input').waitFor()
      await assertInputsFit(page, ['13900001111', '123456'])
      await shot('02b-change-phone')
      // H5 pages have their own way back (the weapp has its navigation bar's).
      await page.locator('.back-control--back:visible').click()
      await page.locator('.entry-list__item--consents:visible').waitFor()
      await back()
    },
  )

  await step('[4.2.2.6][L-4] the plates page asks for the parking consent first', async () => {
    await openAccountPage(page, 'plates')
    const grant = page.locator('taro-button-core.plates__consent-grant:visible')
    await grant.waitFor()
    await shot('03-plates-parking-consent')
    await grant.click()
    await page.locator('taro-button-core.plates__add-button:visible').waitFor()
    await shot('04-plates-empty')
  })

  await step('[4.2.2.6] a new-energy plate is typed on the plate keyboard and bound', async () => {
    await page.locator('taro-button-core.plates__add-button:visible').click()
    await page.locator('.plate-keyboard--provinces:visible').waitFor()
    await shot('05-plate-keyboard-provinces')
    await page.locator('.plate-keyboard__key:visible', { hasText: PLATE[0] }).click()
    for (const char of PLATE.slice(1)) {
      await page.locator(`.plate-keyboard__key--${char}:visible`).click()
    }
    assert.match(await page.locator('.plate-keyboard__key--I:visible').getAttribute('class'), /disabled/)
    await shot('06-plate-keyboard-typed')
    await page.locator('.plate-keyboard__done:visible').click()
    const bound = page.locator('.plates__plate:visible')
    await bound.waitFor()
    assert.equal(await bound.innerText(), `${PLATE.slice(0, 2)}·${PLATE.slice(2)}`)
    await shot('07-plate-bound')
    await back()
    await back()
  })

  await step(
    '[L-8][L-4] the profile shows own data in clear; the ID number needs its own consent',
    async () => {
      await openAccountPage(page, 'profile')
      const name = page.locator('.profile-facts__row--name .profile-facts__value:visible')
      await name.waitFor()
      assert.equal(await name.innerText(), NAME)
      assert.equal(
        await page.locator('.profile-facts__row--phone .profile-facts__value:visible').innerText(),
        PHONE,
      )
      await shot('08a-profile')
      await page.locator('.optional-info__input--email input').fill('li.xiao@example.com')
      await page.locator('.optional-info__input--idNumber input').fill('11010519491231002X')
      await page.locator('.optional-info__id-agree').waitFor()
      await page.locator('.optional-info__id-agree').scrollIntoViewIfNeeded()
      await shot('08b-profile-id-consent')
      await page.locator('.optional-info__id-agree').click()
      await page.locator('taro-button-core.optional-info__save:visible').click()
      await page.locator('.optional-info__saved:visible').waitFor()
      await shot('08c-profile-saved')
      await back()
      await back()
    },
  )

  await step('[6.1.1][L-8] marketing is switched on, then withdrawn at once, with receipts', async () => {
    await openAccountPage(page, 'consents')
    const marketing = page.locator('.consent-list__switch--marketing:visible')
    await marketing.waitFor()
    assert.doesNotMatch(await marketing.getAttribute('class'), /toggle--on/, 'marketing is not pre-ticked')
    // Parking was granted on the plates page; nothing else is on.
    assert.match(
      await page.locator('.consent-list__switch--parking:visible').getAttribute('class'),
      /toggle--on/,
    )
    await shot('09-consents')
    await marketing.click()
    await page.locator('.consent-list__switch--marketing.toggle--on:visible').waitFor()
    await marketing.click()
    await page.locator('.consent-list__switch--marketing:not(.toggle--on):visible').waitFor()
    await page.locator('.consent-receipts__item--marketing:visible').first().waitFor()
    const latest = await page.locator('.consent-receipts__item:visible').first().innerText()
    assert.match(latest, /营销信息推送/)
    assert.match(latest, /撤回/)
    await page.locator('.consent-receipts:visible').scrollIntoViewIfNeeded()
    await shot('10-consent-withdrawn-receipts')
  })

  await step('[L-6] switching parking off asks first; 暂不关闭 keeps it and the plate', async () => {
    await page.locator('.consent-list__switch--parking:visible').click()
    const confirm = page.locator('.consent-list__confirm--parking:visible')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /立即删除已绑定的车牌/)
    await shot('10b-parking-confirm')
    await confirm.locator('.consent-list__confirm-cancel').click()
    await confirm.waitFor({ state: 'detached' })
    assert.match(
      await page.locator('.consent-list__switch--parking:visible').getAttribute('class'),
      /toggle--on/,
    )
  })

  await step('[L-12] 积分变动提醒 is a switch of its own, one message allowed per tap', async () => {
    const points = page.locator('.consent-list__switch--subscribePoints:visible')
    await points.scrollIntoViewIfNeeded()
    assert.doesNotMatch(await points.getAttribute('class'), /toggle--on/, 'no topic is pre-ticked')
    await points.click()
    await page.locator('.consent-list__switch--subscribePoints.toggle--on:visible').waitFor()
    assert.equal(
      await page.locator('.consent-list__state--subscribePoints:visible').innerText(),
      '已同意，还可提醒1次',
    )
    assert.doesNotMatch(
      await page.locator('.consent-list__switch--subscribeCoupon:visible').getAttribute('class'),
      /toggle--on/,
    )
    await shot('10c-subscribe-topics')
    await back()
    await back()
  })

  await step('[6.3.1] binding a service-desk card sends the one points reminder allowed', async () => {
    await openAccountPage(page, 'bind')
    await page.locator('.bind-form__input--cardNo input').fill(CARD.cardNo)
    await page.locator('.bind-form__input--phone input').fill(CARD.phone)
    await requestCode(page)
    await page.locator('.bind-form__input--smsCode input').fill(await latestCode(page, BASE_URL, CARD.phone))
    await page.locator('taro-button-core.bind-form__submit').click()
    const done = page.locator('.bind__done-text:visible')
    await done.waitFor({ timeout: 20_000 })
    assert.match(await done.innerText(), new RegExp(`${CARD.points} 积分已转入`))
    const outbox = await (await page.request.get(new URL('/api/dev/outbox', BASE_URL).href)).json()
    const reminders = outbox.items.filter((i) => i.kind === 'subscribeMessage')
    assert.equal(reminders.length, 1, 'exactly one reminder went out')
    const values = Object.values(reminders[0].payload.data).map((v) => v.value)
    assert.deepEqual(values.slice(0, 3), [String(CARD.points), String(CARD.points), '会员卡积分并入'])
    assert.equal(reminders[0].payload.page, 'account/consents/index?topic=subscribePoints')
    await shot('10d-card-bound')
    await page.locator('taro-button-core.bind__home:visible').click()
    await page.locator('.entry-list__item--account:visible').waitFor()
  })

  await step(
    '[L-8] 我的数据 shows sections in Chinese with China time, and gives the complete JSON to copy',
    async () => {
      await openAccountPage(page, 'data')
      const copy = page.locator('taro-button-core.my-data__copy:visible')
      await copy.waitFor()
      await shot('11-my-data')
      const profile = page.locator('.my-data__section--profile:visible')
      assert.match(await profile.innerText(), /个人信息/)
      assert.equal(await profile.locator('.my-data__row--name .my-data__value').innerText(), NAME)
      const joinedAt = await profile.locator('.my-data__row--joinedAt .my-data__value').innerText()
      await page.locator('.my-data__section--accessLog:visible').scrollIntoViewIfNeeded()
      await shot('11b-my-data-access-log')
      await copy.scrollIntoViewIfNeeded()
      await copy.click()
      await page.locator('.my-data__done:visible').waitFor()
      const copied = await page.evaluate(() => navigator.clipboard.readText())
      const data = JSON.parse(copied)
      assert.equal(data.format, 'mall-membership/export/v1')
      assert.equal(data.profile.phone, PHONE)
      assert.equal(data.profile.name, NAME)
      assert.equal(data.profile.idNumber, '11010519491231002X')
      assert.deepEqual(
        data.plates.map((p) => p.plate),
        [PLATE],
      )
      assert.ok(data.consentReceipts.some((r) => r.purpose === 'marketing' && r.granted === false))
      // The page shows the copy's UTC time in China time (UTC+8).
      const china = new Date(Date.parse(data.profile.joinedAt) + 8 * 3600_000).toISOString()
      assert.equal(joinedAt, `${china.slice(0, 10)} ${china.slice(11, 16)}`)
      await shot('12-my-data-copied')
      await back()
      await back()
    },
  )

  await step(
    '[7.2][L-9] 注销账户: one button, a confirmation with the points lost and a code to the phone on file, then back to the non-member home',
    async () => {
      await openAccountPage(page, 'delete')
      const start = page.locator('taro-button-core.delete__start:visible')
      await start.waitFor()
      await page.locator('.delete__points:visible', { hasText: '分将被清零' }).waitFor()
      await shot('13-delete-account')
      await start.click()
      const confirm = page.locator('taro-button-core.delete__confirm-button:visible')
      await confirm.waitFor()
      await requestCode(page)
      await page.locator('.delete__input--smsCode input').fill(await latestCode(page, BASE_URL, PHONE))
      await shot('14-delete-confirm')
      await confirm.click()
      await page.locator('.welcome-card:visible').waitFor({ timeout: 20_000 })
      await page.locator('.home__deleted:visible').waitFor()
      await shot('15-deleted-home')
    },
  )

  await step('[7.2] the same shopper joins again with the same phone as a new member', async () => {
    await page.waitForTimeout(Math.max(0, RESEND_AFTER_MS - (Date.now() - firstCodeAt)))
    await join(page, BASE_URL, { name: NAME, phone: PHONE })
    assert.equal(await page.locator('.member-card__points-value:visible').innerText(), '0')
    await shot('16-joined-again')
  })
})
