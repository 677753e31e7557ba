// A new shopper joins in the browser (375×812): privacy authorisation first (its guide one tap
// away), the form first with the notice one tap away, the age declaration that a birth date
// replaces, the unticked consent box beside 提交申请, the SMS code from the dev panel, then the
// member home with masked identifiers. Afterwards the database files must not contain the name
// or the phone in clear, and once the shopper deleted the account, with the server still running,
// nothing of the member.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import Database from 'better-sqlite3'
import { journey, launchBrowser, screenshot, settle } from './browser.mjs'
import { assertInputsFit, latestCode, requestCode } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
const DATA_DIR = process.env.E2E_DATA_DIR
if (!BASE_URL || !DATA_DIR) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

// A rare given name and a random number, so finding them in the files can only mean a leak.
const NAME = '张珺'
const PHONE = `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
const MASKED_PHONE = `${PHONE.slice(0, 3)}****${PHONE.slice(-4)}`

let browser
let page
let joined = false
const shots = []

async function shot(name) {
  await settle(page)
  shots.push(await screenshot(page, name))
}

before(async () => {
  browser = await launchBrowser({ viewport: { width: 375, height: 812 } })
  page = await browser.context.newPage()
})

after(async () => {
  await browser?.close()
  if (shots.length > 0) console.log(`screenshots:\n  ${shots.join('\n  ')}`)
})

test('[L-1][L-2][4.1.2][4.2.1.1][L-7] a new shopper joins and sees the masked member home', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  await step('[L-1] the privacy authorisation comes first', async () => {
    await page.goto(BASE_URL)
    const agree = page.locator('taro-button-core.privacy-auth__agree')
    await agree.waitFor({ state: 'visible' })
    await page.getByText('隐私保护提示').first().waitFor({ state: 'visible' })
    await shot('01-privacy-authorisation')
    // Each label of the summary stays on one line.
    const lines = await page.locator('.privacy-summary__label:visible').evaluateAll((labels) =>
      labels.map((label) => {
        const range = document.createRange()
        range.selectNodeContents(label)
        return [label.textContent, new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size]
      }),
    )
    assert.ok(lines.length > 0, 'the summary lists what is processed')
    for (const [label, count] of lines) assert.equal(count, 1, `${label} is on one line`)
  })

  await step('[L-1] 《隐私保护指引》 in the popup opens the guide, and back leads to the popup', async () => {
    await page.locator('.privacy-auth__link:visible').click()
    await page.locator('.page-shell--privacy .notice__title:visible').waitFor()
    assert.match(await page.locator('.page-shell--privacy:visible').innerText(), /个人信息保护联系人/)
    await shot('01b-privacy-guide')
    await page.locator('.back-control--back:visible').click()
    const agree = page.locator('taro-button-core.privacy-auth__agree')
    await agree.waitFor({ state: 'visible' })
    await agree.click()
    await agree.waitFor({ state: 'hidden' })
  })

  await step('the welcome card offers 申请成为会员', async () => {
    const join = page.locator('taro-button-core.welcome-card__join')
    await join.waitFor({ state: 'visible' })
    await shot('02-member-centre-welcome')
    await join.click()
  })

  await step('the form comes first, with a way back', async () => {
    const name = page.locator('.join-form__input--name input')
    await name.waitFor({ state: 'visible' })
    await shot('03-join-top')
    assert.ok(await page.locator('.back-control--back:visible').isVisible(), 'H5 sub-pages offer 返回')
    const top = await name.boundingBox()
    assert.ok(top && top.y < 300, `the first field starts ${top?.y} px down, within the first screen`)
  })

  await step('[4.1.2] the notice is one tap away', async () => {
    await page.locator('.join-form__lead .join-form__notice-link').click()
    await page.locator('.join-notice .notice__title').waitFor({ state: 'visible' })
    await shot('04-join-notice')
    await page.locator('taro-button-core.join-notice__close').click()
    await page.locator('.join-notice .notice__title').waitFor({ state: 'hidden' })
  })

  await step(
    '[L-5][L-2] the ticks beside 提交申请 start unticked; a birth date replaces the age tick',
    async () => {
      const consent = page.locator('.join-form__agree')
      const age = page.locator('.join-form__age')
      await page.locator('taro-button-core.join-form__submit').scrollIntoViewIfNeeded()
      assert.equal(await consent.getAttribute('aria-checked'), 'false', 'the consent box must start unticked')
      assert.equal(await age.getAttribute('aria-checked'), 'false', 'the age declaration must start unticked')
      assert.equal(await age.innerText(), '我已年满 15 周岁，或已取得监护人同意')
      await shot('05-ticks-unticked')
      await page.locator('.picker-field__picker--birthDate').click()
      await page.locator('.weui-picker__action:visible', { hasText: '确定' }).click()
      await page.locator('.picker-field__picker--birthDate .picker-field__text').waitFor()
      await age.waitFor({ state: 'detached' })
      await consent.click()
      assert.equal(await consent.getAttribute('aria-checked'), 'true')
    },
  )

  await step('the form is filled and the SMS code requested; no input is clipped at 375 px', async () => {
    await page.locator('.picker-field__picker--storeId').click()
    await page.locator('.weui-picker__action:visible', { hasText: '确定' }).click()
    await page.locator('.picker-field__picker--storeId .picker-field__text').waitFor()
    // Name, phone, and the code's placeholder beside 获取验证码.
    await assertInputsFit(page, [NAME, PHONE])
    await requestCode(page)
    await shot('06-form-filled-code-sent')
  })

  await step('the code is read from the dev panel outbox', async () => {
    // Note: every page in the stack carries the panel; only the current page's is visible.
    await page.locator('.dev-tools__fab:visible').click()
    const sms = page.locator('.dev-tools__sms:visible', { hasText: PHONE.slice(-4) }).first()
    await sms.waitFor({ state: 'visible' })
    await shot('07-dev-panel-outbox')
    const code = /\d{6}/.exec(await sms.locator('.dev-tools__sms-code').innerText())?.[0]
    assert.ok(code, 'the outbox shows a 6-digit code')
    // The panel agrees with the HTTP outbox (newest first).
    const outbox = await (await page.request.get(new URL('/api/dev/outbox', BASE_URL).href)).json()
    const latest = outbox.items.find(
      (item) => item.kind === 'sms' && JSON.stringify(item.payload).includes(PHONE),
    )
    assert.ok(
      latest && JSON.stringify(latest.payload).includes(code),
      'the newest SMS for the phone carries the code',
    )
    await page.locator('.dev-tools__close:visible').click()
    // The six digits beside the countdown.
    await assertInputsFit(page, [NAME, PHONE, code])
  })

  await step('[L-7] joining leads to the member home with masked identifiers and 0 points', async () => {
    await page.locator('taro-button-core.join-form__submit').click()
    const card = page.locator('.member-card:visible')
    await card.waitFor({ state: 'visible', timeout: 20_000 })
    assert.equal(await card.locator('.member-card__name').innerText(), `${NAME[0]}*`)
    assert.equal(await card.locator('.member-card__phone').innerText(), MASKED_PHONE)
    assert.equal(await card.locator('.member-card__points-value').innerText(), '0')
    await shot('08-member-home')
    joined = true
  })
})

/** Every file under the data directory (the SQLite file, its -wal and -shm, sessions …). */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(file) : [file]
  })
}

/** The files under the data directory that contain one of the needles, with what they contain. */
function holding(needles) {
  return filesUnder(DATA_DIR).flatMap((file) => {
    const bytes = readFileSync(file)
    return Object.entries(needles)
      .filter(([, needle]) => bytes.indexOf(needle) !== -1)
      .map(([what]) => `${path.basename(file)} contains the ${what}`)
  })
}

const NAME_NEEDLES = {
  'name (UTF-8)': Buffer.from(NAME, 'utf8'),
  'name (\\u escapes)': Buffer.from([...NAME].map((c) => `\\u${c.codePointAt(0).toString(16)}`).join('')),
  phone: Buffer.from(PHONE),
}

test('[5.1][3.9] the database files hold neither the name nor the phone in clear', (t) => {
  if (!joined) {
    t.skip('the journey did not store a member')
    return
  }
  const files = filesUnder(DATA_DIR)
  const databases = files.filter((f) => /\.(sqlite|db)(-wal|-shm)?$/.test(f))
  assert.ok(
    databases.some((f) => !/-(wal|shm)$/.test(f) && statSync(f).size > 0),
    `a database file exists in ${DATA_DIR}`,
  )
  assert.deepEqual(holding(NAME_NEEDLES), [])
})

/**
 * Every encrypted value (`"ct":"…"`) of the identities and the wrapped keys, read from the
 * databases of the running server through a read-only connection of their own.
 */
function ciphertexts() {
  const found = new Set()
  for (const [file, table] of [
    ['local-cloud.sqlite', 'c_identities'],
    ['local-cloud-keys.sqlite', 'c_member_keys'],
  ]) {
    const db = new Database(path.join(DATA_DIR, file), { readonly: true, fileMustExist: true })
    try {
      for (const { doc } of db.prepare(`SELECT doc FROM ${table}`).all())
        for (const [ct] of doc.matchAll(/(?<="ct":")[^"]+/g)) found.add(ct)
    } finally {
      db.close()
    }
  }
  return found
}

test('[7.2] after the account is deleted no file of the running server holds its data, the -wal files included', async (t) => {
  if (!joined) {
    t.skip('the journey did not store a member')
    return
  }
  const before = ciphertexts()
  const member = new URL('/api/functions/member', BASE_URL).href
  const sent = await page.request.post(member, { data: { action: 'sendDeleteCode' } })
  assert.equal((await sent.json()).ok, true)
  const smsCode = await latestCode(page, BASE_URL, PHONE)
  const answer = await page.request.post(member, {
    data: { action: 'deleteAccount', data: { confirm: true, smsCode } },
  })
  assert.deepEqual(await answer.json(), { ok: true, data: { deleted: true } })
  // The member's identity fields and data key: what was there before and is gone now.
  const after = ciphertexts()
  const gone = [...before].filter((ct) => !after.has(ct))
  assert.ok(gone.length >= 3, 'the deletion removed the member’s ciphertexts and wrapped key')
  assert.ok(
    filesUnder(DATA_DIR).some((f) => f.endsWith('.sqlite-wal')),
    'the server is running: its write-ahead logs exist',
  )
  const needles = Object.fromEntries(gone.map((ct, i) => [`ciphertext ${i + 1} (${ct})`, Buffer.from(ct)]))
  assert.deepEqual(holding({ ...NAME_NEEDLES, ...needles }), [])
})
