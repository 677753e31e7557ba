// 小票积分: a shopper photographs a receipt (a generated PNG with a phone number and a card number
// drawn on it), covers both with a finger, types the receipt and submits it; the counter persona
// sees the photo with both areas burned black (and the rest intact), approves it; the shopper's
// card shows the points pending and the claim as 已通过 (375×812).
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asPersona, asStaff, browserSession, journey } from './browser.mjs'
import { join, openHome, randomPhone } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const WIDTH = 600
const HEIGHT = 800
const BLUE = [30, 60, 200]
const GREEN = [20, 160, 60]
/** Where the generated receipt carries the digits to cover, and an area to keep (in image pixels). */
const PHONE = { x: 100, y: 300, w: 400, h: 60 }
const CARD = { x: 100, y: 500, w: 400, h: 60 }
const AMOUNT = { x: 100, y: 650, w: 400, h: 50 }

/**
 * A white receipt PNG with digit-like stripes where the phone and card numbers are, and a green
 * amount, drawn by the browser's own canvas.
 */
async function receiptPng() {
  const dataUrl = await page.evaluate(
    ({ width, height, stripes, amount, blue, green }) => {
      const canvas = document.createElement('canvas')
      canvas.width = width
      canvas.height = height
      const context = canvas.getContext('2d')
      context.fillStyle = '#ffffff'
      context.fillRect(0, 0, width, height)
      context.fillStyle = `rgb(${blue.join(',')})`
      for (const r of stripes) for (let x = r.x; x < r.x + r.w; x += 20) context.fillRect(x, r.y, 12, r.h)
      context.fillStyle = `rgb(${green.join(',')})`
      context.fillRect(amount.x, amount.y, amount.w, amount.h)
      return canvas.toDataURL('image/png')
    },
    { width: WIDTH, height: HEIGHT, stripes: [PHONE, CARD], amount: AMOUNT, blue: BLUE, green: GREEN },
  )
  return Buffer.from(dataUrl.split(',')[1], 'base64')
}

const session = browserSession('receipt')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

/** A finger dragged over `area` (image pixels, a little beyond it) on the shown photo. */
async function cover(cdp, box, area) {
  const sx = box.width / WIDTH
  const sy = box.height / HEIGHT
  const from = { x: box.x + (area.x - 8) * sx, y: box.y + (area.y - 8) * sy }
  const to = { x: box.x + (area.x + area.w + 8) * sx, y: box.y + (area.y + area.h + 8) * sy }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] })
  // The stage looks up where it is on screen before it follows the finger.
  await page.waitForTimeout(150)
  for (let i = 1; i <= 5; i++) {
    const point = { x: from.x + ((to.x - from.x) * i) / 5, y: from.y + ((to.y - from.y) * i) / 5 }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] })
    await page.waitForTimeout(30)
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
}

test('a receipt photo, covered on the phone, is approved by the counter and earns points', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  const receiptNo = `P${Date.now().toString(36).toUpperCase()}`
  let points = ''

  await step('a shopper joins and opens 小票积分 from the member card', async () => {
    await openHome(page, BASE_URL)
    await join(page, BASE_URL, { name: '钱小票', phone: randomPhone() })
    await page.locator('.member-card__receipt:visible').click()
    await page.locator('taro-button-core.receipt__choose:visible').waitFor({ timeout: 20_000 })
    assert.match(
      await page.locator('.receipt__notice:visible').innerText(),
      /不会上传，也不会交给任何识别（OCR）服务/,
    )
  })

  await step('the photo is chosen and both numbers are covered with a finger', async () => {
    const buffer = await receiptPng()
    const chooser = page.waitForEvent('filechooser')
    await page.locator('taro-button-core.receipt__choose:visible').click()
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer })
    const stage = page.locator('.receipt__stage:visible')
    await stage.waitFor({ timeout: 20_000 })
    const box = await stage.boundingBox()
    const cdp = await page.context().newCDPSession(page)
    await cover(cdp, box, PHONE)
    await cover(cdp, box, CARD)
    await page.locator('.receipt__covered:visible', { hasText: '已涂盖 2 处' }).waitFor()
    await shot('01-covered')
  })

  await step('the receipt is typed and submitted; the claim waits for review', async () => {
    assert.match(await page.locator('.picker-field__picker--store .picker-field__text').innerText(), /徐汇店/)
    await page.locator('.receipt__input--receiptNo input').fill(receiptNo)
    await page.locator('.receipt__input--amount input').fill('256.8')
    await page.locator('taro-button-core.receipt__submit:visible').click()
    await page.locator('.receipt__done:visible').waitFor({ timeout: 20_000 })
    const claim = page.locator('.receipt__claim--pending:visible').first()
    await claim.waitFor()
    assert.match(await claim.innerText(), /256\.80[\s\S]*审核中/)
    await shot('02-submitted')
  })

  await step('the counter sees the photo with both numbers burned black, and approves it', async () => {
    await asStaff(page, BASE_URL, 'counter')
    await page.locator('.entry-list__item--receipts:visible').click()
    const item = page.locator('.receipts__item:visible', { hasText: receiptNo })
    await item.waitFor({ timeout: 20_000 })
    assert.match(await item.innerText(), /256\.80/)
    assert.doesNotMatch(await item.innerText(), /钱/)
    const image = item.locator('.receipts__photo img')
    await image.waitFor()
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await image.elementHandle())
    const samples = await image.evaluate(
      (img, areas) => {
        const canvas = document.createElement('canvas')
        canvas.width = img.naturalWidth
        canvas.height = img.naturalHeight
        const context = canvas.getContext('2d')
        context.drawImage(img, 0, 0)
        const at = (x, y) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3))
        // Every stripe of the covered areas, and the middle of the amount.
        const covered = areas.covered.flatMap((r) =>
          Array.from({ length: 20 }, (_, i) => at(r.x + 5 + i * 20, r.y + r.h / 2)),
        )
        return {
          size: [img.naturalWidth, img.naturalHeight],
          covered,
          kept: at(areas.kept.x + 200, areas.kept.y + 25),
        }
      },
      { covered: [PHONE, CARD], kept: AMOUNT },
    )
    assert.deepEqual(samples.size, [WIDTH, HEIGHT])
    for (const pixel of samples.covered) assert.ok(Math.max(...pixel) < 40, `covered pixel ${pixel} is black`)
    const [r, g, b] = samples.kept
    assert.ok(g > 120 && r < 80 && b < 110, `the amount area stays green (${samples.kept})`)
    points = (await item.locator('.receipts__points').innerText()).match(/(\d+) 分/)[1]
    // The whole photo is shown, in its proportions.
    const shown = await item.locator('.receipts__photo').boundingBox()
    assert.ok(Math.abs(shown.height / shown.width - HEIGHT / WIDTH) < 0.02, 'the photo is shown whole')
    await shot('03-review')
    await item.locator('taro-button-core.receipts__approve').click()
    const last = page.locator('.receipts__last:visible')
    await last.waitFor({ timeout: 20_000 })
    assert.match(await last.innerText(), new RegExp(`已通过，补积分 ${points} 分[\\s\\S]*照片已删除`))
    await shot('04-approved')
  })

  await step('the shopper sees the points pending and the claim approved', async () => {
    await asPersona(page, BASE_URL, 'shopper', '/pages/index/index')
    const pending = page.locator('.member-card__points-pending:visible')
    await pending.waitFor({ timeout: 20_000 })
    assert.match(await pending.innerText(), new RegExp(`${points} 分待生效`))
    await shot('05-home-pending')
    await page.locator('.member-card__receipt:visible').click()
    const claim = page.locator('.receipt__claim--approved:visible').first()
    await claim.waitFor({ timeout: 20_000 })
    assert.match(await claim.innerText(), new RegExp(`已通过[\\s\\S]*\\+${points} 分`))
    await claim.scrollIntoViewIfNeeded()
    await shot('06-claim-approved')
  })
})
