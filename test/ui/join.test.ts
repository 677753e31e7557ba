/**
 * The compiled weapp join page (dist/pages/join/index) in miniprogram-simulate: what the shopper
 * sees before giving anything, and exactly what the page sends to the `member` function.
 */
import { ERROR_MESSAGES, type ErrorCode } from '@/domain/errors'
import { inventoryField, JOIN_FIELDS } from '@/domain/identity/inventory'
import { JOIN_FORM_FIELDS } from '@/domain/member/joinForm'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { MEMBER, NOTICE, ok, STORES } from './support/fixtures'
import {
  launch,
  stubCloud,
  stubNavigation,
  stubPrivacy,
  until,
  type CloudCall,
  type CloudHandlers,
  type RenderedPage,
} from './support/weapp'

const ROUTE = 'pages/join/index'

const answers = (overrides: CloudHandlers = {}): CloudHandlers => ({
  joinForm: () => ok({ notice: NOTICE, stores: STORES }),
  sendJoinCode: () => ok({ expiresIn: 300, resendAfter: 60 }),
  join: () => ok({ member: MEMBER }),
  ...overrides,
})

const INPUT = (field: string) => `.join-form__input--${field} .nut-input-native`

async function openJoinPage(overrides: CloudHandlers = {}, query: Record<string, string> = {}) {
  const calls = stubCloud(answers(overrides))
  const privacy = stubPrivacy(false)
  const navigation = stubNavigation()
  const page = launch(ROUTE, query)
  await until(() => page.find('.join-form__submit'), 'the join form')
  return { page, calls, privacy, navigation }
}

const callsOf = (calls: CloudCall[], action: string) => calls.filter((c) => c.action === action)

/** A join answer that fails with `code` on `field` the first time, then joins. */
function failsOnce(code: ErrorCode, field: string) {
  let joins = 0
  return () =>
    ++joins === 1 ? { ok: false, code, message: ERROR_MESSAGES[code], field } : ok({ member: MEMBER })
}

async function fillRequired(page: RenderedPage, calls: CloudCall[]) {
  await page.tap('.join-form__agree')
  await page.tap('.join-form__age')
  await page.type(INPUT('name'), '张三')
  await page.pick('.picker-field__picker--storeId', 1)
  await page.type(INPUT('phone'), '13800001234')
  await page.tap('.sms-button')
  await until(() => callsOf(calls, 'sendJoinCode').length === 1, 'the code request')
  await page.type(INPUT('smsCode'), '246810')
}

describe('join page (compiled weapp)', () => {
  it('leads with the form: the fields come before the notice, and the ticks sit right above 提交申请', async () => {
    const { page } = await openJoinPage()

    const order = [
      '.join-form__lead',
      '#field-name',
      '#field-smsCode',
      '#field-ageDeclared',
      '#field-consent',
    ]
    const doms = order.map((selector) => page.find(selector)?.dom as Element)
    expect(doms.every(Boolean)).toBe(true)
    for (let i = 1; i < doms.length; i++) {
      expect(doms[i - 1].compareDocumentPosition(doms[i]) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    }
    expect(page.find('.join-form__ticks')?.dom?.nextElementSibling?.getAttribute('class')).toContain(
      'join-form__actions',
    )
    // The notice is not spread over the page: it opens on request.
    expect(page.shown('.notice__title')).toBe(false)
  })

  it.each(['.join-form__lead .join-form__notice-link', '#field-consent .join-form__notice-link'])(
    '[4.1.2] the notice is one tap away (%s): every purpose, the fields with 必填/选填, retention and contact',
    async (link) => {
      const { page, calls } = await openJoinPage()

      await page.tap(link)
      await until(() => page.shown('.notice__title'), 'the notice')
      expect(calls.map((c) => c.action)).toEqual(['joinForm'])
      for (const section of NOTICE.sections) {
        expect(page.text(`.notice-section--${section.purpose}`)).toContain(section.title)
      }
      const membership = NOTICE.sections.find((s) => s.basic)
      for (const field of membership?.fields ?? []) {
        expect(page.text(`.notice-field--${field.key}`)).toBe(
          `${field.label}${field.required ? '必填' : '选填'}`,
        )
      }
      expect(page.text('.notice-section__retention')).toContain(membership?.fields[0].retention)
      expect(page.text('.notice__contact')).toContain(NOTICE.controller.contactPhone)
      expect(page.text('.notice__contact')).toContain(NOTICE.controller.contactEmail)

      await page.tap('.join-notice__close')
      await until(() => !page.shown('.notice__title'), 'the notice closed')
      expect(page.find('.nut-checkbox-active')).toBeUndefined()
    },
  )

  it('[L-2] the consent box is not pre-ticked and nothing is sent without it', async () => {
    const { page, calls } = await openJoinPage()

    expect(page.text('#field-consent')).toBe(`我已阅读并同意《${NOTICE.title}》`)
    expect(page.find('.nut-checkbox-active')).toBeUndefined()

    await page.type(INPUT('phone'), '13800001234')
    await page.tap('.sms-button')
    await until(() => page.text('.tick-field__error--consent'), 'the consent message')
    expect(page.text('.tick-field__error--consent')).toBe(ERROR_MESSAGES.CONSENT_REQUIRED)
    expect(callsOf(calls, 'sendJoinCode')).toEqual([])

    await page.tap('.join-form__agree')
    await until(() => page.find('.join-form__agree.nut-checkbox-active'), 'the tick')
    expect(page.text('.tick-field__error--consent')).toBe('')
  })

  it('[L-5] without a birth date asks for the age declaration, unticked; with a birth date it does not', async () => {
    const { page } = await openJoinPage()

    expect(page.text('#field-ageDeclared')).toBe('我已年满 15 周岁，或已取得监护人同意')
    expect(page.find('.join-form__age.nut-checkbox-active')).toBeUndefined()

    await page.pick('.picker-field__picker--birthDate', '2001-03-04')
    await until(() => !page.find('#field-ageDeclared'), 'the declaration to go')
    await page.tap('.picker-field__clear--birthDate')
    await until(() => page.find('#field-ageDeclared'), 'the declaration again')
  })

  it('[L-5] shows AGE_DECLARATION_REQUIRED beside the tick and sends nothing, then sends ageDeclared once ticked', async () => {
    const { page, calls } = await openJoinPage()
    await fillRequired(page, calls)
    await page.tap('.join-form__age')
    await until(() => !page.find('.join-form__age.nut-checkbox-active'), 'the tick taken back')
    await page.tap('.join-form__submit')

    await until(() => page.text('.tick-field__error--ageDeclared'), 'the declaration message')
    expect(page.text('.tick-field__error--ageDeclared')).toBe(ERROR_MESSAGES.AGE_DECLARATION_REQUIRED)
    expect(page.find('.form-alert__message')).toBeUndefined()
    expect(callsOf(calls, 'join')).toHaveLength(0)

    await page.tap('.join-form__age')
    await until(() => page.text('.tick-field__error--ageDeclared') === '', 'the message to clear')
    await page.tap('.join-form__submit')
    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'join')[0].data).toMatchObject({ ageDeclared: true })
  })

  it('[4.1.3] marks optional fields as optional, with the labels of the data inventory', async () => {
    const { page } = await openJoinPage()

    for (const key of JOIN_FIELDS) {
      const { label, required } = inventoryField(key)
      expect(page.text(`#field-${key} .form-field__label`)).toBe(`${label}${required ? '必填' : '选填'}`)
    }
    for (const spec of JOIN_FORM_FIELDS) {
      expect(page.text(`#field-${spec.key} .req-tag`)).toBe(spec.required ? '必填' : '选填')
    }
    expect(JOIN_FORM_FIELDS.filter((f) => !f.required).map((f) => f.key)).toEqual([
      'gender',
      'province',
      'birthDate',
    ])
  })

  it('[4.2.1.1] a malformed phone number shows PHONE_INVALID next to the field and requests no code', async () => {
    const { page, calls } = await openJoinPage()
    await page.tap('.join-form__agree')

    await page.type(INPUT('phone'), '1380000123')
    await until(() => page.text('.form-field__error--phone'), 'the phone message')
    expect(page.text('.form-field__error--phone')).toBe(ERROR_MESSAGES.PHONE_INVALID)

    await page.tap('.sms-button')
    await page.type(INPUT('phone'), '23800001234')
    await until(
      () => page.text('.form-field__error--phone') === ERROR_MESSAGES.PHONE_INVALID,
      'the message again',
    )
    expect(callsOf(calls, 'sendJoinCode')).toEqual([])

    await page.type(INPUT('phone'), '13800001234')
    await until(() => page.text('.form-field__error--phone') === '', 'the message to clear')
  })

  it('[4.2.1.1] [4.1.2] submits a join event with exactly the typed values and the agreed notice version', async () => {
    const { page, calls, navigation } = await openJoinPage()

    await page.tap('.join-form__agree')
    await page.type(INPUT('name'), '张三')
    await page.tap('.chips__chip--gender-female')
    await page.pick('.picker-field__picker--province', 8)
    await page.pick('.picker-field__picker--storeId', 1)
    await page.pick('.picker-field__picker--birthDate', '1990-05-20')
    await page.type(INPUT('phone'), '13800001234')
    await page.tap('.sms-button')
    await until(() => callsOf(calls, 'sendJoinCode').length === 1, 'the code request')
    await until(() => page.text('.sms-button').includes('秒后重发'), 'the countdown')
    await page.type(INPUT('smsCode'), '246810')
    await page.tap('.join-form__submit')

    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'sendJoinCode')).toEqual([
      { name: 'member', action: 'sendJoinCode', data: { phone: '13800001234' } },
    ])
    expect(callsOf(calls, 'join')[0]).toEqual({
      name: 'member',
      action: 'join',
      data: {
        name: '张三',
        gender: 'female',
        province: '31',
        storeId: STORES[1].id,
        birthDate: '1990-05-20',
        phone: '13800001234',
        smsCode: '246810',
        noticeVersion: NOTICE_VERSION,
      },
    })
    await until(() => navigation.reLaunch.mock.calls.length === 1, 'the way back to the member centre')
    expect(navigation.reLaunch.mock.calls[0][0]).toMatchObject({ url: '/pages/index/index?joined=1' })
  })

  it('[4.2.1.1] after 5 wrong codes stops the countdown and offers 重新获取, which asks for a new code at once', async () => {
    const locked = {
      ok: false,
      code: 'SMS_CODE_LOCKED',
      message: ERROR_MESSAGES.SMS_CODE_LOCKED,
      field: 'smsCode',
      retryAfter: 0,
    }
    const { page, calls } = await openJoinPage({ join: () => locked })
    await fillRequired(page, calls)
    await until(() => page.text('.sms-button').includes('秒后重发'), 'the countdown')
    await page.tap('.join-form__submit')

    await until(() => page.text('.form-field__error--smsCode') === ERROR_MESSAGES.SMS_CODE_LOCKED, 'the lock')
    await until(() => page.text('.sms-button') === '重新获取', 'the button offering a new code')
    await page.tap('.sms-button')
    await until(() => callsOf(calls, 'sendJoinCode').length === 2, 'the second code request')
  })

  it('[4.1.3] [L-3] joins with the required fields only: optional ones are left out, not sent empty', async () => {
    const { page, calls } = await openJoinPage()

    await fillRequired(page, calls)
    await page.tap('.join-form__submit')

    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'join')[0].data).toEqual({
      name: '张三',
      storeId: STORES[1].id,
      phone: '13800001234',
      smsCode: '246810',
      ageDeclared: true,
      noticeVersion: NOTICE_VERSION,
    })
  })

  it('[4.2.2.2] opened by a counter’s code, sends its scene (URL-decoded) with the sign-up', async () => {
    const { page, calls } = await openJoinPage({}, { scene: encodeURIComponent('k=g&c=Xh7a') })

    await fillRequired(page, calls)
    await page.tap('.join-form__submit')

    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'join')[0].data).toMatchObject({ scene: 'k=g&c=Xh7a', name: '张三' })
  })

  it('[4.2.2.2] opened by a counter’s code, names the counter and how points work there, its store chosen', async () => {
    const channel = {
      kind: 'counter',
      name: '兰蔻专柜',
      storeId: STORES[0].id,
      earning: ['在本商场消费，每 1 元累积 1 分，不足 1 分的部分不计', '积分可在会员中心兑换停车券等礼品'],
    }
    const { page, calls } = await openJoinPage(
      { joinForm: () => ok({ notice: NOTICE, stores: STORES, channel }) },
      { scene: encodeURIComponent('k=g&c=Xh7a') },
    )

    expect(callsOf(calls, 'joinForm')[0].data).toEqual({ scene: 'k=g&c=Xh7a' })
    const welcome = page.find('.join__channel')?.dom?.textContent ?? ''
    expect(welcome).toContain('您正在通过「兰蔻专柜」申请会员')
    for (const line of channel.earning) expect(welcome).toContain(line)

    // The counter's store is chosen to begin with.
    await page.tap('.join-form__agree')
    await page.tap('.join-form__age')
    await page.type(INPUT('name'), '张三')
    await page.type(INPUT('phone'), '13800001234')
    await page.tap('.sms-button')
    await until(() => callsOf(calls, 'sendJoinCode').length === 1, 'the code request')
    await page.type(INPUT('smsCode'), '246810')
    await page.tap('.join-form__submit')
    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'join')[0].data).toMatchObject({ storeId: STORES[0].id, scene: 'k=g&c=Xh7a' })
  })

  it('a scene that is not one of ours is not sent: the sign-up goes on unattributed', async () => {
    const { page, calls } = await openJoinPage({}, { scene: encodeURIComponent('m=abc123') })

    await fillRequired(page, calls)
    await page.tap('.join-form__submit')

    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'join')[0].data).not.toHaveProperty('scene')
    expect(callsOf(calls, 'joinForm')[0].data).toBeUndefined()
    expect(page.find('.join__channel')).toBeFalsy()
  })

  it('[4.1.3] an optional choice can be taken back', async () => {
    const { page, calls } = await openJoinPage()

    await fillRequired(page, calls)
    await page.tap('.chips__chip--gender-male')
    await page.pick('.picker-field__picker--province', 0)
    await until(() => page.find('.picker-field__clear--province'), 'the clear button')
    await page.tap('.chips__chip--gender-male')
    await page.tap('.picker-field__clear--province')
    await until(() => !page.find('.picker-field__clear--province'), 'the province to clear')
    await page.tap('.join-form__submit')

    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'join')[0].data).not.toHaveProperty('gender')
    expect(callsOf(calls, 'join')[0].data).not.toHaveProperty('province')
  })

  it.each([
    ['SMS_CODE_WRONG', 'smsCode'],
    ['PHONE_TAKEN', 'phone'],
  ] as const)('[4.2.1.1] shows the server failure %s next to the %s field', async (code, field) => {
    const { page, calls, navigation } = await openJoinPage({
      join: () => ({ ok: false, code, message: ERROR_MESSAGES[code], field }),
    })

    await fillRequired(page, calls)
    await page.tap('.join-form__submit')

    await until(() => page.text(`.form-field__error--${field}`), `the ${code} message`)
    expect(page.text(`.form-field__error--${field}`)).toBe(ERROR_MESSAGES[code])
    expect(navigation.reLaunch).not.toHaveBeenCalled()
  })

  it('[4.1.2] an updated notice must be agreed to again; what was typed stays', async () => {
    const { page, calls } = await openJoinPage({ join: failsOnce('NOTICE_OUTDATED', 'noticeVersion') })

    await fillRequired(page, calls)
    await page.tap('.join-form__submit')

    await until(() => page.text('.tick-field__error--consent'), 'the consent message')
    expect(page.text('.tick-field__error--consent')).toBe(ERROR_MESSAGES.NOTICE_OUTDATED)
    expect(page.find('.join-form__agree.nut-checkbox-active')).toBeUndefined()
    await until(() => callsOf(calls, 'joinForm').length === 2, 'the notice to be read again')

    await page.tap('.join-form__agree')
    await page.tap('.join-form__submit')
    await until(() => callsOf(calls, 'join').length === 2, 'the second join call')
    const [first, second] = callsOf(calls, 'join')
    expect(second.data).toEqual(first.data)
  })

  it('[4.2.1.1] tells an existing member so, with a way to the member card', async () => {
    const { page, calls } = await openJoinPage({
      join: () => ({ ok: false, code: 'ALREADY_MEMBER', message: ERROR_MESSAGES.ALREADY_MEMBER }),
    })

    await fillRequired(page, calls)
    await page.tap('.join-form__submit')

    await until(() => page.text('.form-alert__message'), 'the alert')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES.ALREADY_MEMBER)
    expect(page.text('.join-form__alert-action')).toBe('查看会员卡')
  })

  it('[4.2.1.1] a failed network call is shown, not swallowed', async () => {
    const { page, calls } = await openJoinPage({ join: () => new Error('request:fail timeout') })

    await fillRequired(page, calls)
    await page.tap('.join-form__submit')

    await until(() => page.text('.form-alert__message'), 'the alert')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES.NETWORK)
  })

  it('[4.1.2] a notice that cannot be loaded offers a retry', async () => {
    let attempts = 0
    const calls = stubCloud(
      answers({
        joinForm: () => (++attempts === 1 ? { unexpected: true } : ok({ notice: NOTICE, stores: STORES })),
      }),
    )
    stubPrivacy(false)
    const page = launch(ROUTE)

    await until(() => page.text('.status__message'), 'the error state')
    expect(page.text('.status__message')).toBe(ERROR_MESSAGES.INTERNAL)
    await page.tap('.status__retry')
    await until(() => page.find('.join-form__submit'), 'the form after a retry')
    expect(callsOf(calls, 'joinForm')).toHaveLength(2)
  })

  it('[L-1] asks for WeChat privacy authorisation before the form, with the agree button', async () => {
    stubCloud(answers())
    const privacy = stubPrivacy(true)
    const page = launch(ROUTE)

    await until(() => page.shown('.privacy-auth__title'), 'the privacy popup')
    expect(page.text('.privacy-auth__link')).toBe('《和平百货会员隐私保护指引》')
    // WeChat matches the agreement to a waiting privacy API through the button's id.
    expect(page.find('#agree-privacy-authorization')?.dom?.getAttribute('class')).toContain(
      'privacy-auth__agree',
    )
    expect(page.find('.join-form__submit')).toBeUndefined()
    await page.tap('.privacy-auth__link')
    expect(privacy.openContract).toHaveBeenCalledTimes(1)

    privacy.needAuthorization = false
    await page.trigger('.privacy-auth__agree', 'agreeprivacyauthorization')
    await until(() => page.find('.join-form__submit'), 'the form after agreeing')
    await until(() => !page.shown('.privacy-auth__title'), 'the popup closed')
  })

  it('[L-1] [L-2] after a refusal the form stays closed until the shopper asks again', async () => {
    stubCloud(answers())
    const privacy = stubPrivacy(true)
    const page = launch(ROUTE)

    await until(() => page.shown('.privacy-auth__title'), 'the privacy popup')
    await page.tap('.privacy-auth__refuse')
    await until(() => page.find('.join__privacy'), 'the privacy-required card')
    expect(page.find('.join-form__submit')).toBeUndefined()
    expect(page.shown('.privacy-auth__title')).toBe(false)

    await page.tap('.join__privacy-open')
    await until(() => page.shown('.privacy-auth__title'), 'the popup again')
    privacy.needAuthorization = false
    await page.trigger('.privacy-auth__agree', 'agreeprivacyauthorization')
    await until(() => page.find('.join-form__submit'), 'the form after agreeing')
  })

  it('[L-11] [L-3] joins with the one-time code of getPhoneNumber instead of phone and SMS code', async () => {
    const { page, calls, navigation } = await openJoinPage()
    await page.tap('.join-form__agree')
    await page.type(INPUT('name'), '张三')
    await page.pick('.picker-field__picker--storeId', 1)
    await page.tap('.join-form__age')
    await page.trigger('.join-form__wechat-phone', 'getphonenumber', {
      code: 'one-time-code',
      errMsg: 'getPhoneNumber:ok',
    })
    await until(() => callsOf(calls, 'join').length === 1, 'the join call')
    expect(callsOf(calls, 'join')[0].data).toEqual({
      name: '张三',
      storeId: STORES[1].id,
      phoneCode: 'one-time-code',
      noticeVersion: NOTICE_VERSION,
      ageDeclared: true,
    })
    expect(callsOf(calls, 'sendJoinCode')).toEqual([])
    await until(() => navigation.reLaunch.mock.calls.length > 0, 'the way home')
  })
})
