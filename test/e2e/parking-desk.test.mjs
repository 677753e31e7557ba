// The demo store's counter staff open 停车服务台, type a seeded plate on the plate keyboard, find
// its session masked, waive the fee with a reason and see it waived among the last hour's exits;
// the manager opens 停车收费标准, changes the first hour's price, sees the preview of the sample
// stays under both versions, publishes, and finds the new version in the history (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asStaff, browserSession, journey } from './browser.mjs'
import { openHome } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

/** The showcase's plate that left 20 minutes before the start, unpaid (database/seed.ts). */
const PLATE = '沪K5M268'
const MASKED = '沪K·***68'

const session = browserSession('parking-desk')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

test('the counter waives a seeded session’s fee and the manager publishes a tariff version', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))

  await step('the desk opens with the last hour’s exits, plates masked', async () => {
    await openHome(page, BASE_URL)
    await asStaff(page, BASE_URL, 'counter')
    await page.locator('.entry-list__item--parking-desk:visible').click()
    const exits = page.locator('.desk__exits:visible')
    await exits.waitFor({ timeout: 20_000 })
    assert.ok((await exits.innerText()).includes(MASKED))
    assert.doesNotMatch(await page.locator('body').innerText(), /5M268/)
    await page.locator('.plate-keyboard--provinces:visible').waitFor()
    await shot('01-desk')
  })

  await step('the plate typed on the plate keyboard finds its session masked with its fee', async () => {
    await page.locator('.plate-keyboard__key:visible', { hasText: PLATE[0] }).click()
    for (const char of PLATE.slice(1)) await page.locator(`.plate-keyboard__key--${char}:visible`).click()
    await page.locator('.plate-keyboard__done:visible').click()
    const found = page.locator('.desk__session:visible', {
      has: page.locator('taro-button-core.desk__waive'),
    })
    await found.waitFor({ timeout: 20_000 })
    const text = await found.innerText()
    assert.match(text, /沪K·\*\*\*68/)
    assert.match(text, /已离场/)
    assert.match(text, /停车费 ¥\d+\.\d{2} · 已缴 ¥0\.00/)
    await shot('02-found')
  })

  await step('减免 asks for a reason, confirms the amount and settles the session', async () => {
    await page.locator('taro-button-core.desk__waive:visible').click()
    const confirm = page.locator('taro-button-core.desk__waive-confirm:visible')
    await confirm.waitFor()
    await page.locator('.chips__chip--waive-deviceFault:visible').click()
    assert.match(await page.locator('.desk__confirm-text:visible').innerText(), /将减免 ¥\d+\.\d{2}/)
    await shot('03-waive-reason')
    await confirm.click()
    await page.locator('.desk__done:visible').waitFor({ timeout: 20_000 })
    assert.match(
      await page.locator('.desk__done:visible').innerText(),
      /已减免 ¥\d+\.\d{2}.*今日还可减免 9 次/,
    )
  })

  await step('the last exits show the session waived', async () => {
    const exit = page.locator('.desk__exits .desk__session:visible', { hasText: MASKED })
    await page.waitForFunction(
      (masked) =>
        [...document.querySelectorAll('.desk__exits .desk__session')].some(
          (el) => el.textContent.includes(masked) && el.textContent.includes('已减免'),
        ),
      MASKED,
      { timeout: 20_000 },
    )
    assert.match(await exit.innerText(), /已减免 ¥\d+\.\d{2}/)
    await exit.scrollIntoViewIfNeeded()
    await shot('04-waived-in-exits')
  })

  await step('the manager sees the tariff in force and previews a new first-hour price', async () => {
    await asStaff(page, BASE_URL, 'manager')
    await page.locator('.entry-list__item--parking-tariff:visible').click()
    await page.locator('.tariff__version:visible').waitFor({ timeout: 20_000 })
    assert.match(await page.locator('.tariff__version:visible').innerText(), /首 60 分钟 ¥5/)
    await shot('05-tariff')
    await page.locator('.tariff__input--firstYuan:visible input').fill('6')
    const twoHours = page.locator('.tariff__preview-row:visible', { hasText: '停车 2 小时' })
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.tariff__preview-row')].some(
          (row) => row.textContent.includes('停车 2 小时') && row.textContent.includes('¥12.00'),
        ),
      undefined,
      { timeout: 10_000 },
    )
    assert.match(await twoHours.innerText(), /¥11\.00[\s\S]*¥12\.00/)
    await twoHours.scrollIntoViewIfNeeded()
    await shot('06-preview')
  })

  await step('发布 adds version 2 to the history with who published it', async () => {
    await page.locator('.tariff__input--note:visible input').fill('首小时调整为 6 元')
    await page.locator('taro-button-core.tariff__publish:visible').click()
    await page.locator('.tariff__done:visible').waitFor({ timeout: 20_000 })
    assert.match(await page.locator('.tariff__done:visible').innerText(), /已发布第 2 版/)
    const newest = page.locator('.tariff__history-row:visible').first()
    await page.waitForFunction(
      () => document.querySelectorAll('.tariff__history-row').length === 2,
      undefined,
      {
        timeout: 20_000,
      },
    )
    assert.match(await newest.innerText(), /第 2 版[\s\S]*staff:[\s\S]*首小时调整为 6 元/)
    await newest.scrollIntoViewIfNeeded()
    await shot('07-history')
  })
})
