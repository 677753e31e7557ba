/**
 * The compiled weapp member centre (dist/pages/index/index) in miniprogram-simulate: one cloud
 * call on load, the masked member card or the way to join, and the privacy step on first launch.
 */
import { ERROR_MESSAGES } from '@/domain/errors'
import { MEMBER, ok } from './support/fixtures'
import {
  cloudInit,
  launch,
  stubCloud,
  stubNavigation,
  stubPrivacy,
  stubStorage,
  until,
} from './support/weapp'

const ROUTE = 'pages/index/index'

describe('member centre (compiled weapp)', () => {
  it('[L-7] shows the member card with the identifiers exactly as the server masked them', async () => {
    const calls = stubCloud({ home: () => ok({ member: MEMBER }) })
    stubPrivacy(false)
    const page = launch(ROUTE)

    await until(() => page.find('.member-card'), 'the member card')
    expect(cloudInit()).toHaveBeenCalledWith({ traceUser: false })
    expect(calls.filter((c) => c.name === 'member')).toEqual([
      { name: 'member', action: 'home', data: undefined },
    ])
    expect(page.text('.member-card__name')).toBe('张*')
    expect(page.text('.member-card__phone')).toBe('138****1234')
    expect(page.text('.member-card__tier')).toBe('普通会员')
    expect(page.text('.member-card__points-value')).toBe('0')
    expect(page.text('.member-card__no')).toBe('8000 0000 0011')
    expect(page.text('.member-card__store')).toBe('南京路店')
    expect(page.find('.welcome-card')).toBeUndefined()
  })

  it.each([
    [false, true],
    [true, false],
  ])('[4.2.1.1] offers 绑定会员卡 to a member when hasCard is %s: %s', async (hasCard, offered) => {
    stubCloud({ home: () => ok({ member: { ...MEMBER, hasCard } }) })
    stubPrivacy(false)
    const page = launch(ROUTE)

    await until(() => page.find('.member-card'), 'the member card')
    expect(page.find('.entry-list__item--account')).toBeDefined()
    expect(page.find('.entry-list__item--bind') !== undefined).toBe(offered)
  })

  it('[6.1.2] asks a member whose basic consent predates its current scope to agree again', async () => {
    stubCloud({ home: () => ok({ member: null, reconsent: true }) })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch(ROUTE)

    await until(() => page.find('.home__reconsent'), 'the re-consent card')
    expect(page.find('.welcome-card')).toBeUndefined()
    expect(page.find('.member-card')).toBeUndefined()
    expect(page.find('.entry-list__item--account')).toBeDefined()
    await page.tap('.home__reconsent-go')
    expect(navigation.navigateTo.mock.calls[0][0]).toMatchObject({ url: '/account/consents/index' })
  })

  it('[4.2.1.1] offers 申请成为会员 to a shopper who is not a member', async () => {
    stubCloud({ home: () => ok({ member: null }) })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch(ROUTE)

    await until(() => page.find('.welcome-card'), 'the welcome card')
    expect(page.text('.welcome-card__join')).toBe('申请成为会员')
    expect(page.text('.welcome-card__hint')).toBe('只需填写姓名、服务门店、手机号，其余信息均为选填。')
    await page.tap('.welcome-card__join')
    expect(navigation.navigateTo.mock.calls[0][0]).toMatchObject({ url: '/pages/join/index' })
  })

  it('[4.2.1.1] a failed load shows the message and retries on request', async () => {
    let attempts = 0
    const calls = stubCloud({
      home: () => (++attempts === 1 ? new Error('request:fail') : ok({ member: null })),
    })
    stubPrivacy(false)
    const page = launch(ROUTE)

    await until(() => page.text('.status__message'), 'the error state')
    expect(page.text('.status__message')).toBe(ERROR_MESSAGES.NETWORK)
    await page.tap('.status__retry')
    await until(() => page.find('.welcome-card'), 'the welcome card after a retry')
    expect(calls.filter((c) => c.name === 'member')).toHaveLength(2)
  })

  it('[L-1] [L-2] asks for privacy authorisation on first launch, and after a refusal not again unprompted', async () => {
    stubCloud({ home: () => ok({ member: null }) })
    stubPrivacy(true)
    const storage = stubStorage()
    const first = launch(ROUTE)

    await until(() => first.shown('.privacy-auth__title'), 'the privacy popup')
    expect(first.text('.privacy-auth__agree')).toBe('同意并继续')
    await first.tap('.privacy-auth__refuse')
    await until(() => !first.shown('.privacy-auth__title'), 'the popup to close')
    expect(storage.size).toBe(1)

    const second = launch(ROUTE)
    await until(() => second.find('.welcome-card'), 'the welcome card')
    await second.settle()
    expect(second.shown('.privacy-auth__title')).toBe(false)
    expect(second.text('.privacy-links__note')).toContain('申请会员前需要同意')
  })

  it('[L-2] the privacy guide is one tap from the member centre', async () => {
    stubCloud({ home: () => ok({ member: MEMBER }) })
    const privacy = stubPrivacy(false)
    const page = launch(ROUTE)

    await until(() => page.find('.member-card'), 'the member card')
    expect(page.text('.privacy-links__link')).toBe('《和平百货会员隐私保护指引》')
    await page.tap('.privacy-links__link')
    expect(privacy.openContract).toHaveBeenCalledTimes(1)
  })

  it('[L-1] makes no cloud call before the privacy guide is agreed, and loads the member once it is', async () => {
    const calls = stubCloud({ home: () => ok({ member: MEMBER }) })
    stubPrivacy(true)
    stubStorage()
    const page = launch(ROUTE)

    await until(() => page.shown('.privacy-auth__title'), 'the privacy popup')
    await until(() => page.find('.welcome-card'), 'the non-member welcome')
    expect(calls).toEqual([])

    await page.trigger('.privacy-auth__agree', 'agreeprivacyauthorization')
    await until(() => page.find('.member-card'), 'the member card after agreeing')
    expect(calls.filter((c) => c.name === 'member')).toEqual([
      { name: 'member', action: 'home', data: undefined },
    ])
  })

  it('[L-1] after a refusal the welcome is shown without any cloud call', async () => {
    const calls = stubCloud({ home: () => ok({ member: MEMBER }) })
    stubPrivacy(true)
    stubStorage()
    const page = launch(ROUTE)
    await until(() => page.shown('.privacy-auth__title'), 'the privacy popup')
    await page.tap('.privacy-auth__refuse')
    await until(() => page.find('.welcome-card'), 'the welcome card')
    await page.settle()
    expect(calls).toEqual([])
    expect(page.find('.member-card')).toBeUndefined()
  })
})
