// Every page of the staff subpackage (src/app.config.ts) and the 员工 tab's workbench, each opened
// by a persona whose role may use it (database/seed.ts DEMO_PERSONAS) and shot at 375×812: the
// screenshots are looked at when the staff pages change.
import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import { asPersona, browserSession, journey } from './browser.mjs'
import { openHome } from './shopper.mjs'

const BASE_URL = process.env.E2E_BASE_URL
if (!BASE_URL) throw new Error('run through `npm run test:e2e` (E2E_BASE_URL, E2E_DATA_DIR)')

const session = browserSession('staff-pages')
const shot = (name) => session.shot(name)
let page
before(async () => {
  page = await session.open()
})

/** Switches this browser's persona and opens `hash` afresh. */
const as = (persona, hash) => asPersona(page, BASE_URL, persona, hash)

/** Calls a cloud function as this browser's persona. */
async function call(fn, action, data) {
  const response = await page.request.post(new URL(`/api/functions/${fn}`, BASE_URL).href, {
    data: data === undefined ? { action } : { action, data },
  })
  const answer = await response.json()
  assert.ok(answer.ok, `${fn}.${action}: ${JSON.stringify(answer)}`)
  return answer.data
}

/** Waits for a page shell with nothing loading any more. */
async function settled(name) {
  const shell = page.locator(`.page-shell--${name}:visible`)
  await shell.waitFor({ timeout: 20_000 })
  await shell.locator('.status--loading').first().waitFor({ state: 'detached', timeout: 20_000 })
  assert.equal(await shell.locator('.status--failed').count(), 0, `${name} failed to load`)
}

/** Every staff page with a persona who opens it, and its page shell's name. */
const PAGES = [
  ['manager', '/staff/invite/index', 'invite'],
  ['admin', '/staff/invite/index', 'invite'],
  ['manager', '/staff/list/index', 'staff-list'],
  ['counter', '/staff/lookup/index', 'lookup'],
  ['manager', '/staff/channels/index', 'channels'],
  ['manager', '/staff/campaigns/index', 'campaigns'],
  ['manager', '/staff/campaign-code/index?id={campaign}', 'campaign-code'],
  ['manager', '/staff/campaign-report/index?id={campaign}', 'campaign-report'],
  ['counter', '/staff/verify/index', 'verify'],
  ['manager', '/staff/cards/index', 'card-import'],
  ['privacyOfficer', '/staff/partners/index', 'partners'],
  ['privacyOfficer', '/staff/partner/index', 'partner'],
  ['privacyOfficer', '/staff/partner/index?id={partner}', 'partner'],
  ['counter', '/staff/codes/index', 'codes'],
  ['manager', '/staff/codes/index', 'codes'],
  ['manager', '/staff/channel/index?code=Xh7a', 'channel'],
  ['manager', '/staff/rewards/index', 'catalogue'],
  ['manager', '/staff/points-report/index', 'points-report'],
  ['finance', '/staff/points-report/index', 'points-report'],
]

test('every staff page, as a persona who may use it, at 375 px', async (t) => {
  const step = journey(t, (n) => shot(`failed-step-${n}`))
  const ids = {}

  await step('the workbench of each staff role', async () => {
    await openHome(page, BASE_URL)
    for (const persona of ['counter', 'manager', 'privacyOfficer', 'admin', 'finance']) {
      await as(persona, '/pages/workbench/index')
      await page.locator('.workbench__me:visible').waitFor({ timeout: 20_000 })
      await page.locator('.entry-list__item:visible').first().waitFor()
      await shot(`workbench-${persona}`)
    }
  })

  await step('a campaign and a partner to show', async () => {
    await as('manager', '/pages/workbench/index')
    const { campaigns } = await call('campaign', 'listCampaigns')
    ids.campaign =
      campaigns[0]?.id ??
      (
        await call('campaign', 'createCampaign', {
          kind: 'questionnaire',
          title: '购物体验问卷',
          storeIds: ['store-xuhui'],
          startsOn: '2024-01-01',
          endsOn: '2099-12-31',
          stock: 100,
          fields: [{ key: 'gender', reason: '按性别统计满意度' }],
          questions: [{ kind: 'single', title: '您对本店满意吗？', options: ['满意', '不满意'] }],
          purpose: '改进商场服务',
          retentionDays: 30,
        })
      ).campaign.id
    await as('privacyOfficer', '/pages/workbench/index')
    const { partners } = await call('staff', 'listPartners')
    ids.partner = partners.find((p) => p.flags.length > 0)?.partnerId ?? partners[0]?.partnerId
    assert.ok(ids.partner, 'the showcase seed registers partners')
  })

  for (const [persona, route, name] of PAGES) {
    const hash = route.replace(/\{(\w+)\}/, (_, key) => ids[key])
    const file = `${route.split('/')[2]}${route.includes('?') ? '-one' : ''}-${persona}`
    await step(`${route} as ${persona}`, async () => {
      await as(persona, hash)
      await settled(name)
      if (name === 'channel' || name === 'campaign-code')
        await page.waitForFunction(
          (shell) => document.querySelector(`.page-shell--${shell} img`)?.naturalWidth > 0,
          name,
          { timeout: 20_000 },
        )
      await shot(file)
    })
  }

  await step('新建渠道 as manager', async () => {
    await as('manager', '/staff/codes/index')
    await settled('codes')
    await page.locator('taro-button-core.codes__add:visible').click()
    await page.locator('.chips__chip--kind-poster:visible').click()
    await page.locator('.codes__input--name input').waitFor()
    await shot('codes-new-manager')
  })

  for (const [route, name] of [
    ['/staff/channel/index?code=Xh7a', 'channel'],
    ['/staff/campaign-code/index?id={campaign}', 'campaign-code'],
  ]) {
    await step(`the ${name} card as printed: whole at 375 px, nothing else`, async () => {
      await as(
        'manager',
        route.replace(/\{(\w+)\}/, (_, key) => ids[key]),
      )
      await settled(name)
      await page.locator('taro-button-core.printable-code__print:visible').waitFor()
      await page.emulateMedia({ media: 'print' })
      try {
        const card = await page.locator('.printable-code:visible').boundingBox()
        const width = page.viewportSize().width
        assert.ok(
          card && card.x >= 0 && card.x + card.width <= width,
          `card ${JSON.stringify(card)} in ${width} px`,
        )
        assert.equal(await page.locator('.printable-code__actions:visible').count(), 0)
        await shot(`${name}-print`)
      } finally {
        await page.emulateMedia({ media: 'screen' })
      }
    })
  }

  await step('积分商城管理 as manager: a reward of the store, its restock and the form', async () => {
    await as('manager', '/pages/workbench/index')
    await call('staff', 'saveReward', {
      key: 'e2e-catalogue-coffee',
      stock: 20,
      name: '徐汇店咖啡券',
      kind: 'coupon',
      points: 300,
      perMemberLimit: 2,
      perDayLimit: 1,
      validDays: 30,
      tiers: ['vip', 'vvip'],
      storeIds: ['store-xuhui'],
      status: 'active',
    })
    await as('manager', '/staff/rewards/index')
    await settled('catalogue')
    await page.locator('taro-button-core.catalogue__open-restock:visible').first().click()
    await page.locator('.catalogue__restock-input:visible').waitFor()
    await shot('rewards-restock-manager')
    await page.locator('taro-button-core.catalogue__create:visible').click()
    await page.locator('.catalogue-form__input--name input').waitFor()
    await page.locator('.chips__chip--kind-parking:visible').click()
    await page.locator('.catalogue-form__input--parkingMinutes input').waitFor()
    await shot('rewards-form-manager')
  })
})
