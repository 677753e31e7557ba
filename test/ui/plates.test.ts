/**
 * The compiled plates page (dist/account/plates/index) and its plate keyboard in
 * miniprogram-simulate: province grid first, then letters and digits (I and O disabled), a delete
 * key, validation with isValidPlate, up to 3 plates under the separate parking consent.
 */
import { ERROR_MESSAGES } from '@/domain/errors'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { PLATE_PROVINCES } from '@/domain/identity/regions'
import type { PlateView } from '@/domain/plate/model'
import { consentsData, ok, plateView } from './support/fixtures'
import { launch, stubCloud, stubPrivacy, until, type CloudHandlers, type RenderedPage } from './support/weapp'

const ROUTE = 'account/plates/index'

async function openPlates(handlers: CloudHandlers) {
  const calls = stubCloud(handlers)
  stubPrivacy(false)
  const page = launch(ROUTE)
  await until(
    () => page.find('.plates__add-button') || page.find('.plates__limit') || page.find('.plates__consent'),
    'the plates page',
  )
  return { page, calls }
}

const province = (char: string) => `.plate-keyboard__key--p${[...PLATE_PROVINCES].indexOf(char)}`
const key = (char: string) => `.plate-keyboard__key--${char}`
const disabled = (page: RenderedPage, selector: string) =>
  page.find(selector)?.dom?.className.includes('plate-keyboard__key--disabled') ?? false
const typed = (page: RenderedPage) =>
  page
    .findAll('.plate-display__char')
    .map((n) => n?.dom?.textContent ?? '')
    .join('')

/** Taps once the node is there: Taro's setData may still be on its way on a busy machine. */
async function press(page: RenderedPage, selector: string) {
  await until(() => page.find(selector), selector)
  await page.tap(selector)
}

async function typePlate(page: RenderedPage, plate: string) {
  await press(page, '.plates__add-button')
  await press(page, province(plate[0]))
  for (const char of plate.slice(1)) await press(page, key(char))
}

describe('plates page and plate keyboard (compiled weapp)', () => {
  it('[4.2.2.6] the keyboard starts with the province grid, then letters and digits with I and O disabled', async () => {
    const { page } = await openPlates({ plates: () => ok({ plates: [] }) })
    await press(page, '.plates__add-button')
    await until(() => page.find('.plate-keyboard--provinces'), 'the province grid')
    expect(page.findAll('.plate-keyboard--provinces .plate-keyboard__key')).toHaveLength(
      PLATE_PROVINCES.length,
    )

    await press(page, province('京'))
    await until(() => page.find('.plate-keyboard--chars'), 'the letter keys')
    expect(disabled(page, key('I'))).toBe(true)
    expect(disabled(page, key('O'))).toBe(true)
    // The second character is the issuing office's letter: digits are not offered yet.
    expect(disabled(page, key('1'))).toBe(true)
    expect(disabled(page, key('A'))).toBe(false)

    await press(page, key('A'))
    await until(() => !disabled(page, key('1')), 'digits after the letter')
    await page.tap(key('I'))
    await until(() => typed(page) === '京A', 'the plate 京A')
  })

  it('[4.2.2.6] delete goes back character by character, to the province grid', async () => {
    const { page } = await openPlates({ plates: () => ok({ plates: [] }) })
    await typePlate(page, '京A1')
    await until(() => typed(page) === '京A1', 'the plate 京A1')
    await page.tap('.plate-keyboard__delete')
    await until(() => typed(page) === '京A', 'one character deleted')
    await page.tap('.plate-keyboard__delete')
    await until(() => typed(page) === '京', 'the plate 京')
    await page.tap('.plate-keyboard__delete')
    await until(() => page.find('.plate-keyboard--provinces'), 'the province grid again')
  })

  it.each([
    ['京A12345', 'ordinary'],
    ['沪AD12345', 'new-energy small'],
  ])('[4.2.2.6] binds %s (%s) once isValidPlate accepts it', async (plate) => {
    let plates: PlateView[] = []
    const { page, calls } = await openPlates({
      plates: () => ok({ plates }),
      bindPlate: (data) => {
        plates = [plateView((data as { plate: string }).plate)]
        return ok({ plates })
      },
    })
    await typePlate(page, plate.slice(0, 6))
    expect(page.find('.plate-keyboard__done--disabled')).toBeDefined()
    for (const char of plate.slice(6)) await press(page, key(char))
    await until(() => typed(page) === plate, `the plate ${plate}`)
    expect(page.find('.plate-keyboard__done--disabled')).toBeUndefined()
    await page.tap('.plate-keyboard__done')
    await until(() => page.find('.plates__item'), 'the bound plate')
    expect(calls.filter((c) => c.action === 'bindPlate').map((c) => c.data)).toEqual([{ plate }])
    expect(page.text('.plates__plate')).toBe(`${plate.slice(0, 2)}·${plate.slice(2)}`)
  })

  it('[4.2.2.6] a ninth character is never typed', async () => {
    const { page } = await openPlates({ plates: () => ok({ plates: [] }) })
    await typePlate(page, '沪AD12345')
    expect(disabled(page, key('6'))).toBe(true)
    await page.tap(key('6'))
    await until(() => typed(page) === '沪AD12345', 'the plate 沪AD12345')
  })

  it('[4.2.2.6] unbinds a plate at once; with 3 plates no more can be added', async () => {
    let plates = [plateView('京A12345'), plateView('沪AD12345'), plateView('粤B8888F')]
    const { page, calls } = await openPlates({
      plates: () => ok({ plates }),
      unbindPlate: (data) => {
        plates = plates.filter((p) => p.id !== (data as { id: string }).id)
        return ok({ plates })
      },
    })
    await until(() => page.findAll('.plates__item').length === 3, 'three plates')
    expect(page.find('.plates__add-button')).toBeUndefined()
    expect(page.text('.plates__limit')).toContain('已绑定3个车牌')

    await page.tap('.plates__unbind')
    await until(() => page.findAll('.plates__item').length === 2, 'two plates')
    expect(calls.filter((c) => c.action === 'unbindPlate').map((c) => c.data)).toEqual([
      { id: 'plate-京A12345' },
    ])
    expect(page.find('.plates__add-button')).toBeDefined()
  })

  it('[L-4] [4.2.2.6] without the parking consent it asks for that consent only, and binds after it', async () => {
    let consented = false
    const { page, calls } = await openPlates({
      plates: () =>
        consented
          ? ok({ plates: [] })
          : {
              ok: false,
              code: 'PURPOSE_CONSENT_REQUIRED',
              message: ERROR_MESSAGES.PURPOSE_CONSENT_REQUIRED,
              field: 'parking',
            },
      setConsent: () => {
        consented = true
        return ok(consentsData({ parking: true }))
      },
    })
    expect(page.text('.plates__consent')).toContain('停车服务')
    await page.tap('.plates__consent-grant')
    await until(() => page.find('.plates__add-button'), 'the plates list after consenting')
    expect(calls.filter((c) => c.action === 'setConsent').map((c) => c.data)).toEqual([
      { purpose: 'parking', granted: true, noticeVersion: NOTICE_VERSION },
    ])
  })

  it('[4.2.2.6] a refused plate shows the function message', async () => {
    const { page } = await openPlates({
      plates: () => ok({ plates: [] }),
      bindPlate: () => ({ ok: false, code: 'PLATE_TAKEN', message: ERROR_MESSAGES.PLATE_TAKEN }),
    })
    await typePlate(page, '京A12345')
    await page.tap('.plate-keyboard__done')
    await until(() => page.text('.form-alert__message'), 'the message')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES.PLATE_TAKEN)
  })
})
