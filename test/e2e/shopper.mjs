// Steps shared by the journeys: agree to the privacy guide, join with an SMS code from the dev
// panel's outbox, open the account pages.
import assert from 'node:assert/strict'

/** A random mainland mobile number, so reruns on one data directory never collide. */
export const randomPhone = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`

/** The newest 6-digit SMS code sent to `phone`, read from the dev HTTP outbox. */
export async function latestCode(page, baseUrl, phone) {
  const outbox = await (await page.request.get(new URL('/api/dev/outbox', baseUrl).href)).json()
  const item = outbox.items.find((i) => i.kind === 'sms' && JSON.stringify(i.payload).includes(phone))
  const code = item?.payload?.template_param_list?.[0]
  assert.match(String(code), /^\d{6}$/, `an SMS code for ${phone} is in the outbox`)
  return code
}

/**
 * Taps 获取验证码 and waits until the send has been answered: the button says 发送中… while the
 * call is in flight, and only a started countdown means the code is in the outbox.
 */
export async function requestCode(page) {
  await page.locator('.sms-button').click()
  await page.locator('.sms-button', { hasText: '秒后重发' }).waitFor({ timeout: 20_000 })
}

/**
 * From a fresh browser: agree to the privacy guide (when asked) and wait for the home page (or,
 * for staff, the 员工 tab they land on).
 */
export async function openHome(page, baseUrl) {
  await page.goto(baseUrl)
  const agree = page.locator('taro-button-core.privacy-auth__agree')
  await agree
    .or(page.locator('.welcome-card:visible, .member-card:visible, .workbench__me:visible').first())
    .first()
    .waitFor()
  if (await agree.isVisible()) {
    await agree.click()
    await agree.waitFor({ state: 'hidden' })
  }
}

/**
 * Joins from the member centre's welcome card without a birth date (so with the age
 * declaration); ends on the member home.
 */
export async function join(page, baseUrl, { name, phone }) {
  await page.locator('taro-button-core.welcome-card__join:visible').click()
  await page.locator('.join-form__notice-link:visible').first().waitFor()
  await page.locator('.join-form__age:visible').click()
  await page.locator('.join-form__agree:visible').click()
  await page.locator('.join-form__input--name input').fill(name)
  await page.locator('.picker-field__picker--storeId').click()
  await page.locator('.weui-picker__action:visible', { hasText: '确定' }).click()
  await page.locator('.picker-field__picker--storeId .picker-field__text').waitFor()
  await page.locator('.join-form__input--phone input').fill(phone)
  await requestCode(page)
  await page.locator('.join-form__input--smsCode input').fill(await latestCode(page, baseUrl, phone))
  await page.locator('taro-button-core.join-form__submit').click()
  await page.locator('.member-card:visible').waitFor({ timeout: 20_000 })
}

/** From the member home: 账户与隐私, then one of its entries. */
export async function openAccountPage(page, entry) {
  await page.locator('.entry-list__item--account:visible').click()
  await page.locator(`.entry-list__item--${entry}:visible`).click()
}

/**
 * Every visible empty input shows its whole placeholder and, once `values[i]` is typed into the
 * i-th input (and left there), the whole value: nothing is clipped at the current width.
 */
export async function assertInputsFit(page, values) {
  const inputs = page.locator('input:visible')
  const count = await inputs.count()
  assert.ok(count > 0, 'the form has inputs')
  for (let i = 0; i < count; i++) {
    const input = inputs.nth(i)
    const fit = await input.evaluate((el) => {
      const style = getComputedStyle(el, '::placeholder')
      const probe = document.createElement('span')
      probe.textContent = el.placeholder
      probe.style.font = style.font
      probe.style.whiteSpace = 'pre'
      document.body.appendChild(probe)
      const width = probe.getBoundingClientRect().width
      probe.remove()
      return { placeholder: el.placeholder, needs: Math.ceil(width), has: el.clientWidth }
    })
    if (!(await input.inputValue())) {
      assert.ok(fit.needs <= fit.has, `"${fit.placeholder}" needs ${fit.needs} px, the input has ${fit.has}`)
    }
    if (values[i] !== undefined) await input.fill(values[i])
    const { value, scroll, client } = await input.evaluate((el) => ({
      value: el.value,
      scroll: el.scrollWidth,
      client: el.clientWidth,
    }))
    assert.ok(scroll <= client, `"${value}" needs ${scroll} px, the input has ${client}`)
  }
}

/** Switches the browser's persona (the dev panel's endpoint) and opens `hash` afresh. */
export async function asPersona(page, baseUrl, persona, hash) {
  await page.request.post(new URL('/api/dev/persona', baseUrl).href, { data: { persona } })
  await page.goto(`${baseUrl}#${hash}`)
  await page.reload()
}
