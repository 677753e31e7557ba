/**
 * The compiled consents page (dist/account/consents/index) in miniprogram-simulate: one switch
 * per extended purpose, nothing on unless agreed, a change sent at once, the receipts listed.
 */
import { NOTICE_VERSION, PURPOSE_IDS, PURPOSES, SUBSCRIBE_TOPIC_IDS } from '@/domain/consent/purposes'
import { consentsData, MEMBER, ok } from './support/fixtures'
import {
  launch,
  stubCloud,
  stubNavigation,
  stubPrivacy,
  stubSubscribe,
  until,
  type CloudHandlers,
} from './support/weapp'

const ROUTE = 'account/consents/index'
const EXTENDED = PURPOSE_IDS.filter((p) => !PURPOSES[p].basic)

async function openConsents(handlers: CloudHandlers, query: Record<string, string> = {}) {
  const calls = stubCloud(handlers)
  stubPrivacy(false)
  const navigation = stubNavigation()
  const page = launch(ROUTE, query)
  await until(() => page.find('.consent-list'), 'the consent list')
  return { page, calls, navigation }
}

const isOn = (page: ReturnType<typeof launch>, purpose: string) =>
  page.find(`.consent-list__switch--${purpose}`)?.dom?.className.includes('toggle--on') ?? false

describe('consents page (compiled weapp)', () => {
  it('[L-2] [6.6.1] lists each extended purpose with its own switch and meaning, nothing pre-ticked', async () => {
    const { page, calls } = await openConsents({ consents: () => ok(consentsData()) })

    expect(calls.map((c) => c.action)).toEqual(['consents'])
    for (const purpose of EXTENDED) {
      expect(page.text(`.consent-list__item--${purpose} .consent-list__title`)).toBe(PURPOSES[purpose].title)
      expect(page.text(`.consent-list__item--${purpose} .consent-list__description`)).toBe(
        PURPOSES[purpose].description,
      )
      expect(page.find(`.consent-list__switch--${purpose}`)).toBeDefined()
      expect(isOn(page, purpose)).toBe(false)
    }
    // The basic purpose has no switch: withdrawing it is cancelling the membership.
    expect(page.find('.consent-list__switch--membership')).toBeUndefined()
    expect(page.text('.consent-list__item--membership')).toContain('撤回即注销会员账户')
  })

  it('[6.1.1] [L-8] turning marketing on and off again takes effect at once, one call each', async () => {
    let granted = false
    const { page, calls } = await openConsents({
      consents: () => ok(consentsData()),
      setConsent: (data) => {
        granted = (data as { granted: boolean }).granted
        return ok(consentsData({ marketing: granted }))
      },
    })

    await page.tap('.consent-list__switch--marketing')
    await until(() => isOn(page, 'marketing'), 'marketing switched on')
    await page.tap('.consent-list__switch--marketing')
    await until(() => !isOn(page, 'marketing'), 'marketing switched off')
    expect(calls.filter((c) => c.action === 'setConsent').map((c) => c.data)).toEqual([
      { purpose: 'marketing', granted: true, noticeVersion: NOTICE_VERSION },
      { purpose: 'marketing', granted: false, noticeVersion: NOTICE_VERSION },
    ])
    expect(page.text('.consent-list__state--marketing')).toBe('未同意')
    // The other purposes were neither touched nor asked for.
    expect(isOn(page, 'parking')).toBe(false)
  })

  it('[L-6] switching parking off asks first, and only the confirmation withdraws it', async () => {
    const { page, calls } = await openConsents({
      consents: () => ok(consentsData({ parking: true })),
      setConsent: () => ok(consentsData({ parking: false })),
    })
    const setConsents = () => calls.filter((c) => c.action === 'setConsent')

    await page.tap('.consent-list__switch--parking')
    await until(() => page.find('.consent-list__confirm--parking'), 'the confirmation')
    expect(page.text('.consent-list__confirm--parking')).toContain('立即删除已绑定的车牌')
    expect(setConsents()).toHaveLength(0)
    await page.tap('.consent-list__confirm--parking .consent-list__confirm-cancel')
    await until(() => !page.find('.consent-list__confirm--parking'), 'the confirmation closed')
    expect(setConsents()).toHaveLength(0)
    expect(isOn(page, 'parking')).toBe(true)

    await page.tap('.consent-list__switch--parking')
    await until(() => page.find('.consent-list__confirm--parking'), 'the confirmation again')
    await page.tap('.consent-list__confirm--parking .consent-list__confirm-ok')
    await until(() => !isOn(page, 'parking'), 'parking switched off')
    expect(setConsents().map((c) => c.data)).toEqual([
      { purpose: 'parking', granted: false, noticeVersion: NOTICE_VERSION },
    ])
  })

  it('[L-12] each subscribe-message topic is its own switch, in its own group', async () => {
    const { page } = await openConsents({ consents: () => ok(consentsData()) })

    const topics = page.findAll('.consent-list--topics .consent-list__item')
    expect(topics).toHaveLength(SUBSCRIBE_TOPIC_IDS.length)
    for (const topic of SUBSCRIBE_TOPIC_IDS) {
      expect(page.find(`.consent-list--topics .consent-list__switch--${topic}`)).toBeDefined()
      expect(isOn(page, topic)).toBe(false)
    }
    // The parking reminder needs the parking service: it cannot be switched on without it.
    expect(page.text('.consent-list__state--subscribeParking')).toBe('需先开启“停车服务”')
    expect(page.find('.consent-list__switch--subscribeParking.toggle--disabled')).toBeDefined()
  })

  it('[L-12] turning a topic on asks WeChat from the tap and sends the allowance with its id', async () => {
    const dialog = stubSubscribe('accept')
    const { page, calls } = await openConsents({
      consents: () => ok(consentsData()),
      setConsent: () => ok(consentsData({ subscribePoints: true }, { pending: { subscribePoints: 1 } })),
    })

    await page.tap('.consent-list__switch--subscribePoints')
    await until(() => isOn(page, 'subscribePoints'), 'the topic switched on')
    expect(dialog).toHaveBeenCalledTimes(1)
    expect(dialog.mock.calls[0][0].tmplIds).toEqual(['tmpl-subscribePoints'])
    const sent = calls.filter((c) => c.action === 'setConsent').map((c) => c.data)
    expect(sent).toEqual([
      {
        purpose: 'subscribePoints',
        granted: true,
        noticeVersion: NOTICE_VERSION,
        subscription: { requestId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) },
      },
    ])
    expect(page.text('.consent-list__state--subscribePoints')).toBe('已同意，还可提醒1次')
    expect(page.find('.consent-list__again--subscribePoints')).toBeDefined()
  })

  it('[L-12] a topic the mall has no template for says so and cannot be switched on', async () => {
    const dialog = stubSubscribe('accept')
    const { page, calls } = await openConsents({
      consents: () => ok(consentsData({}, { unconfigured: ['subscribeCoupon'] })),
    })

    expect(page.text('.consent-list__state--subscribeCoupon')).toBe('商场暂未开通该提醒')
    expect(page.find('.consent-list__switch--subscribeCoupon.toggle--disabled')).toBeDefined()
    await page.tap('.consent-list__switch--subscribeCoupon')
    expect(dialog).not.toHaveBeenCalled()
    expect(calls.filter((c) => c.action === 'setConsent')).toHaveLength(0)
    expect(page.find('.consent-list__switch--subscribePoints.toggle--disabled')).toBeUndefined()
  })

  it('[L-12] a refused WeChat dialog leaves the topic off and says so, nothing sent', async () => {
    const dialog = stubSubscribe('reject')
    const { page, calls } = await openConsents({ consents: () => ok(consentsData()) })

    await page.tap('.consent-list__switch--subscribeCoupon')
    await until(() => page.find('.form-alert'), 'the message')
    expect(dialog).toHaveBeenCalledTimes(1)
    expect(page.text('.form-alert')).toContain('未允许接收该提醒')
    expect(calls.filter((c) => c.action === 'setConsent')).toHaveLength(0)
    expect(isOn(page, 'subscribeCoupon')).toBe(false)
  })

  it('[L-12] "再订阅一次" allows one more message of a topic that is on', async () => {
    stubSubscribe('accept')
    const { page, calls } = await openConsents(
      {
        consents: () => ok(consentsData({ subscribeEvent: true }, { pending: { subscribeEvent: 0 } })),
        setConsent: () => ok(consentsData({ subscribeEvent: true }, { pending: { subscribeEvent: 1 } })),
      },
      { topic: 'subscribeEvent' },
    )

    // Opened from a message of this topic: its row is pointed at.
    expect(page.find('.consent-list__item--subscribeEvent.consent-list__item--focus')).toBeDefined()
    expect(page.text('.consent-list__state--subscribeEvent')).toBe('已同意，提醒次数已用完')
    await page.tap('.consent-list__again--subscribeEvent')
    await until(() => page.text('.consent-list__state--subscribeEvent') === '已同意，还可提醒1次', 'one more')
    expect(calls.filter((c) => c.action === 'setConsent').map((c) => c.data)).toEqual([
      expect.objectContaining({ purpose: 'subscribeEvent', granted: true, subscription: expect.any(Object) }),
    ])
  })

  it('[6.1.2] a purpose whose notice widened is asked again, that purpose only', async () => {
    const { page } = await openConsents({
      consents: () =>
        ok(consentsData({ marketing: true, personalisation: true }, { reconsent: ['personalisation'] })),
    })

    expect(isOn(page, 'marketing')).toBe(true)
    expect(isOn(page, 'personalisation')).toBe(false)
    expect(page.find('.consent-list__item--personalisation.consent-list__item--renewal')).toBeDefined()
    expect(page.text('.consent-list__state--personalisation')).toContain('需重新同意')
    expect(page.findAll('.consent-list__item--renewal')).toHaveLength(1)
  })

  it('[6.1.2] the basic purpose whose scope widened is agreed again from its row, or the account cancelled', async () => {
    const { page, calls, navigation } = await openConsents({
      consents: () => ok(consentsData({}, { reconsent: ['membership'] })),
      setConsent: () => ok(consentsData()),
    })
    expect(page.text('.consent-list__state--renewal')).toContain('需重新同意')
    await page.tap('.consent-list__renew--membership')
    await until(() => !page.find('.consent-list__renew--membership'), 'agreed again')
    expect(calls.filter((c) => c.action === 'setConsent').map((c) => c.data)).toEqual([
      { purpose: 'membership', granted: true, noticeVersion: NOTICE_VERSION },
    ])
    expect(navigation.navigateTo).not.toHaveBeenCalled()
  })

  it('[L-8] shows the consent receipts: purpose, granted or withdrawn, time, channel and version', async () => {
    const { page } = await openConsents({
      consents: () =>
        ok(
          consentsData(
            { marketing: false },
            {
              receipts: [
                {
                  id: 'r2',
                  purpose: 'marketing',
                  noticeVersion: 1,
                  granted: false,
                  at: '2026-11-29T09:30:00.000Z',
                  channel: 'weapp',
                },
                {
                  id: 'r1',
                  purpose: 'marketing',
                  noticeVersion: 1,
                  granted: true,
                  at: '2026-11-29T09:00:00.000Z',
                  channel: 'h5',
                },
              ],
            },
          ),
        ),
    })

    const items = page.findAll('.consent-receipts__item')
    expect(items).toHaveLength(2)
    expect(items[0]?.dom?.textContent).toContain('营销信息推送')
    expect(items[0]?.dom?.textContent).toContain('撤回')
    expect(items[0]?.dom?.textContent).toContain('2026-11-29 17:30')
    expect(items[0]?.dom?.textContent).toContain('微信小程序')
    expect(items[0]?.dom?.textContent).toContain('第1版')
    expect(items[1]?.dom?.textContent).toContain('同意')
  })

  it('[L-2] is two taps from the member centre: 账户与隐私, then 隐私与授权', async () => {
    stubCloud({ home: () => ok({ member: MEMBER }) })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const home = launch('pages/index/index')
    await until(() => home.find('.entry-list__item--account'), 'the account entry')
    await home.tap('.entry-list__item--account')
    expect(navigation.navigateTo.mock.calls[0][0]).toMatchObject({ url: '/account/settings/index' })

    const settings = launch('account/settings/index')
    await until(() => settings.find('.entry-list__item--consents'), 'the consents entry')
    await settings.tap('.entry-list__item--consents')
    expect(navigation.navigateTo.mock.calls[1][0]).toMatchObject({ url: '/account/consents/index' })
  })
})
