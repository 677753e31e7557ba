/**
 * The compiled self-service pages (dist/account/*) in miniprogram-simulate: my data, account
 * deletion, card binding, profile with the ID number and the guardian step, phone change.
 */
import { ERROR_MESSAGES } from '@/domain/errors'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { consentsData, exportOf, MEMBER, ok, PROFILE } from './support/fixtures'
import {
  launch,
  stubCloud,
  stubNavigation,
  stubPrivacy,
  until,
  type CloudCall,
  type CloudHandlers,
} from './support/weapp'

const g = global as unknown as { wx: Record<string, unknown> }

const failWith = (code: keyof typeof ERROR_MESSAGES, field?: string) => ({
  ok: false,
  code,
  message: ERROR_MESSAGES[code],
  ...(field ? { field } : {}),
})

const dataOf = (calls: CloudCall[], action: string) =>
  calls.filter((c) => c.action === action).map((c) => c.data)

function open(route: string, handlers: CloudHandlers) {
  const calls = stubCloud(handlers)
  stubPrivacy(false)
  const navigation = stubNavigation()
  const page = launch(route)
  return { page, calls, navigation }
}

const INPUT = (name: string) => `.${name} .nut-input-native`

describe('我的数据 (compiled weapp)', () => {
  it('[L-8] copies the complete copy made by the function as JSON', async () => {
    const copied: string[] = []
    g.wx.setClipboardData = ({ data, success }: { data: string; success?: (r: object) => void }) => {
      copied.push(data)
      success?.({ errMsg: 'setClipboardData:ok' })
    }
    const { page, calls } = open('account/data/index', { exportData: () => ok({ export: exportOf() }) })
    await until(() => page.find('.my-data__copy'), 'the copy button')
    expect(calls.map((c) => c.action)).toEqual(['exportData'])
    expect(page.find('.my-data__download')).toBeUndefined()

    await page.tap('.my-data__copy')
    await until(() => page.find('.my-data__done--copied'), 'the copied note')
    expect(JSON.parse(copied[0])).toEqual(exportOf())
  })

  it('[L-8] shows the copy in sections with Chinese labels and China time, not as raw JSON', async () => {
    const claim = {
      campaignId: 'c-1',
      title: '购物体验问卷',
      kind: 'questionnaire' as const,
      kindLabel: '问卷调查',
      purpose: '改进商场服务',
      code: 'ABCD2345',
      status: 'verified' as const,
      statusLabel: '已核销',
      claimedAt: '2026-11-29T08:00:00.000Z',
      verifiedAt: '2026-11-29T09:00:00.000Z',
      verifiedStore: '星湖购物中心·徐汇店',
      items: [{ key: 'gender', label: '性别', value: 'female' }],
      answers: [{ id: 'q1', question: '您常逛哪些楼层？', answer: 'L1、L3' }],
    }
    const session = {
      id: 'carpark-xuhui:e1',
      carParkId: 'carpark-xuhui',
      plate: '京A12345',
      state: 'closed' as const,
      enteredAt: '2026-11-29T06:00:00.000Z',
      exitedAt: '2026-11-29T08:30:00.000Z',
      paidFen: 1500,
    }
    const { page } = open('account/data/index', {
      exportData: () =>
        ok({ export: { ...exportOf(), campaignClaims: [claim], parkingSessions: [session] } }),
    })
    await until(() => page.find('.my-data__section--profile'), 'the sections')

    const titles = [
      '个人信息',
      '会员卡',
      '车牌',
      '停车记录',
      '授权状态',
      '同意记录',
      '积分明细',
      '活动领取',
      '监护人',
      '访问记录',
      '其他记录',
    ]
    expect(page.findAll('.my-data__section .page-shell__section').map((t) => t?.dom?.textContent)).toEqual(
      titles,
    )
    const value = (key: string) => page.text(`.my-data__row--${key} .my-data__value`)
    expect(page.text('.my-data__row--name .my-data__label')).toBe('姓名')
    expect(value('name')).toBe(PROFILE.name)
    expect(value('gender')).toBe('女')
    expect(value('province')).toBe('未填写')
    // 08:00 UTC is 16:00 in China, whatever the phone's zone.
    expect(value('joinedAt')).toBe('2026-11-29 16:00')
    expect(page.text('.my-data__exported')).toContain('2026-11-29 17:00')
    expect(page.text('.my-data__section--consentReceipts')).toContain('会员基础服务同意 · 2026-11-29 16:00')
    expect(value('access-0')).toBe('查看姓名、手机号 · 会员基础服务 · 3次')
    expect(page.text('.my-data__section--card')).toBe('会员卡未绑定会员卡')
    // A campaign claim in words: what was given and answered, and where it was verified.
    expect(page.text('.my-data__row--ABCD2345 .my-data__label')).toBe('购物体验问卷 · 问卷调查')
    expect(value('ABCD2345')).toBe(
      '领取码 ABCD2345 · 2026-11-29 16:00 领取 · 已核销（2026-11-29 17:00 于星湖购物中心·徐汇店）\n' +
        '性别：女\n您常逛哪些楼层？：L1、L3',
    )
    // A parking session of a bound plate: the plate, its state, its times in China time, what was paid.
    expect(page.text('.my-data__row--parking-0 .my-data__label')).toBe('京A12345 · 已离场')
    expect(value('parking-0')).toBe('入场 2026-11-29 14:00 · 出场 2026-11-29 16:30 · 已付 ¥15.00')
    expect(page.content()).not.toContain('"profile"')
    expect(page.content()).not.toContain('T08:00:00')
  })
})

describe('注销账户 (compiled weapp)', () => {
  const member = { ...MEMBER, points: 1280 }

  it('[7.2] [L-9] one button, a confirmation saying what happens and the points lost, then the code of the phone on file', async () => {
    const { page, calls, navigation } = open('account/delete/index', {
      home: () => ok({ member }),
      sendDeleteCode: () => ok({ expiresIn: 300, resendAfter: 60 }),
      deleteAccount: () => ok({ deleted: true }),
    })
    await until(() => page.text('.delete__points'), 'the points')
    expect(page.text('.delete__points')).toBe('您的积分 1280 分将被清零')
    const said = page.text('.delete__card')
    for (const consequence of ['积分作废', '会员卡解除绑定', '个人信息立即删除', '重新申请']) {
      expect(said).toContain(consequence)
    }
    expect(calls.map((c) => c.action)).toEqual(['home'])

    await page.tap('.delete__start')
    await until(() => page.find('.delete__confirm-button'), 'the confirmation')
    await page.tap('.delete__keep')
    await until(() => !page.find('.delete__confirm-button'), 'the confirmation closed')
    expect(calls.map((c) => c.action)).toEqual(['home'])

    await page.tap('.delete__start')
    await until(() => page.find('.delete__confirm-button'), 'the confirmation again')
    expect(page.text('.delete__proof-text')).toContain('138****1234')
    // Without the code nothing is sent.
    await page.tap('.delete__confirm-button')
    await until(() => page.text('.form-field__error--smsCode'), 'the code message')
    expect(dataOf(calls, 'deleteAccount')).toEqual([])

    await page.tap('.sms-button')
    await until(() => dataOf(calls, 'sendDeleteCode').length > 0, 'the code sent')
    // The member does not type the phone: the function sends to the one on file.
    expect(dataOf(calls, 'sendDeleteCode')).toEqual([undefined])
    await page.type(INPUT('delete__input--smsCode'), '135790')
    await page.tap('.delete__confirm-button')
    await until(() => navigation.reLaunch.mock.calls.length > 0, 'the way home')
    expect(dataOf(calls, 'deleteAccount')).toEqual([{ confirm: true, smsCode: '135790' }])
    expect(navigation.reLaunch.mock.calls[0][0]).toMatchObject({ url: '/pages/index/index?deleted=1' })
  })

  it('[7.2] a member without a phone on file confirms only', async () => {
    const { page, calls, navigation } = open('account/delete/index', {
      home: () => ok({ member: { ...member, phone: '' } }),
      deleteAccount: () => ok({ deleted: true }),
    })
    await until(() => page.text('.delete__points'), 'the points')
    await page.tap('.delete__start')
    await until(() => page.find('.delete__confirm-button'), 'the confirmation')
    expect(page.find('.delete__proof')).toBeUndefined()
    await page.tap('.delete__confirm-button')
    await until(() => navigation.reLaunch.mock.calls.length > 0, 'the way home')
    expect(dataOf(calls, 'deleteAccount')).toEqual([{ confirm: true }])
  })

  it('[7.2] a failed deletion says so and stays', async () => {
    const { page, navigation } = open('account/delete/index', {
      home: () => ok({ member: { ...member, phone: '' } }),
      deleteAccount: () => new Error('request:fail'),
    })
    await until(() => page.text('.delete__points'), 'the points')
    await page.tap('.delete__start')
    await page.tap('.delete__confirm-button')
    await until(() => page.text('.form-alert__message'), 'the message')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES.NETWORK)
    expect(navigation.reLaunch).not.toHaveBeenCalled()
  })
})

describe('绑定会员卡 (compiled weapp)', () => {
  const fill = async (page: ReturnType<typeof launch>) => {
    await page.type(INPUT('bind-form__input--cardNo'), '8800123456')
    await page.type(INPUT('bind-form__input--phone'), '13800001234')
  }

  it.each([
    ['CARD_UNKNOWN', 'cardNo'],
    ['CARD_ALREADY_BOUND', 'cardNo'],
    ['CARD_CANCELLED', 'cardNo'],
    ['CARD_PHONE_MISMATCH', 'phone'],
  ] as const)('[4.2.1.1] %s is shown at the %s field', async (code, field) => {
    const { page } = open('account/bind/index', {
      home: () => ok({ member: MEMBER }),
      sendCardCode: () => failWith(code, field),
    })
    await until(() => page.find('.bind-form__submit'), 'the bind form')
    await fill(page)
    await page.tap('.sms-button')
    await until(() => page.text(`.form-field__error--${field}`), 'the field message')
    expect(page.text(`.form-field__error--${field}`)).toBe(ERROR_MESSAGES[code])
  })

  it('[4.2.1.1] [L-2] a non-member agrees to the unticked notice, then binds and sees the points moved', async () => {
    const { page, calls } = open('account/bind/index', {
      home: () => ok({ member: null }),
      sendCardCode: () => ok({ expiresIn: 300, resendAfter: 60 }),
      bindCard: () => ok({ member: MEMBER, pointsMoved: 1280 }),
    })
    await until(() => page.find('.bind-form__agree'), 'the consent box')
    expect(page.find('.nut-checkbox-active')).toBeUndefined()
    await fill(page)
    await page.type(INPUT('bind-form__input--smsCode'), '135790')
    await page.tap('.bind-form__submit')
    await until(() => page.text('.bind-form__consent-error'), 'the consent message')
    expect(page.text('.bind-form__consent-error')).toBe(ERROR_MESSAGES.CONSENT_REQUIRED)
    expect(dataOf(calls, 'bindCard')).toEqual([])

    await page.tap('.bind-form__agree')
    // A card carries no birth date: the shopper declares their age, unticked at first (L-5).
    await page.tap('.bind-form__submit')
    await until(() => page.text('.page-shell__alert'), 'the age declaration message')
    expect(page.text('.page-shell__alert')).toContain(ERROR_MESSAGES.AGE_DECLARATION_REQUIRED)
    expect(dataOf(calls, 'bindCard')).toEqual([])

    await page.tap('.bind-form__age')
    await page.tap('.bind-form__submit')
    await until(() => page.find('.bind__done'), 'the result')
    expect(page.text('.bind__done-text')).toContain('1280 积分已转入')
    expect(dataOf(calls, 'bindCard')).toEqual([
      {
        cardNo: '8800123456',
        phone: '13800001234',
        smsCode: '135790',
        noticeVersion: NOTICE_VERSION,
        ageDeclared: true,
      },
    ])
  })
})

describe('个人资料 (compiled weapp)', () => {
  const handlers = (overrides: CloudHandlers = {}): CloudHandlers => ({
    profile: () => ok({ profile: PROFILE }),
    consents: () => ok(consentsData()),
    setConsent: () => ok(consentsData({ idNumber: true })),
    updateProfile: (data) => ok({ profile: { ...PROFILE, ...(data as object) } }),
    ...overrides,
  })

  it('[L-8] [L-7] shows the member their own data in clear, with one cloud call', async () => {
    const { page, calls } = open('account/profile/index', handlers())
    await until(() => page.find('.profile-facts'), 'the profile')
    expect(calls.map((c) => c.action)).toEqual(['profile'])
    expect(page.text('.profile-facts__row--name .profile-facts__value')).toBe('张三')
    expect(page.text('.profile-facts__row--phone .profile-facts__value')).toBe('13800001234')
    expect(page.text('.profile-facts__row--card .profile-facts__value')).toBe('未绑定')
  })

  const FULL = {
    ...PROFILE,
    gender: 'female' as const,
    province: '31',
    birthDate: '1990-05-17',
    address: '上海市徐汇区漕溪北路1号',
    email: 'zhang@example.com',
  }

  it('[7.2] [L-8] offers 删除 on each optional item and 修改 on every item, never 删除 on a required one', async () => {
    const { page } = open('account/profile/index', handlers({ profile: () => ok({ profile: FULL }) }))
    await until(() => page.find('.profile-facts'), 'the profile')
    for (const item of ['gender', 'province', 'birthDate']) {
      expect(page.text(`.profile-facts__delete--${item}`)).toBe('删除')
    }
    for (const item of ['address', 'email']) {
      expect(page.text(`.optional-info__remove--${item}`)).toBe('删除')
    }
    for (const item of ['name', 'gender', 'province', 'birthDate', 'storeId']) {
      expect(page.text(`.profile-facts__edit--${item}`)).toBe('修改')
    }
    expect(page.find('.profile-facts__delete--name')).toBeUndefined()
    expect(page.find('.profile-facts__delete--storeId')).toBeUndefined()
    // Nothing stored, nothing to delete.
    expect(page.find('.optional-info__remove--idNumber')).toBeUndefined()
  })

  it('[7.2] deletes an optional item only after the confirmation', async () => {
    const { page, calls } = open(
      'account/profile/index',
      handlers({
        profile: () => ok({ profile: FULL }),
        updateProfile: (data) => ok({ profile: { ...FULL, ...(data as object) } }),
      }),
    )
    await until(() => page.find('.profile-facts__delete--gender'), 'the profile')
    await page.tap('.profile-facts__delete--gender')
    await until(() => page.find('.profile-facts__confirm--gender'), 'the confirmation')
    expect(page.text('.profile-facts__confirm--gender .profile-facts__question')).toContain('确定删除性别')
    await page.tap('.profile-facts__cancel')
    await until(() => !page.find('.profile-facts__confirm--gender'), 'the confirmation closed')
    expect(dataOf(calls, 'updateProfile')).toEqual([])

    await page.tap('.profile-facts__delete--gender')
    await until(() => page.find('.profile-facts__confirm--gender'), 'the confirmation again')
    await page.tap('.profile-facts__confirm--gender .profile-facts__confirm-delete')
    await until(() => page.text('.profile-facts__row--gender .profile-facts__value') === '未填写', 'deleted')
    expect(page.find('.profile-facts__delete--gender')).toBeUndefined()

    await page.tap('.optional-info__remove--email')
    await until(() => page.find('.optional-info__confirm--email'), 'the e-mail confirmation')
    await page.tap('.optional-info__confirm--email .profile-facts__confirm-delete')
    await until(() => !page.find('.optional-info__remove--email'), 'the e-mail deleted')
    expect(dataOf(calls, 'updateProfile')).toEqual([{ gender: null }, { email: null }])
  })

  it('[L-8] corrects the name, checked on the device first', async () => {
    const { page, calls } = open('account/profile/index', handlers())
    await until(() => page.find('.profile-facts__edit--name'), 'the profile')
    await page.tap('.profile-facts__edit--name')
    await until(() => page.find('.profile-facts__input--name'), 'the name editor')
    await page.type('.profile-facts__input--name', '李四4')
    await page.tap('.profile-facts__save')
    await until(() => page.text('.profile-facts__error'), 'the name message')
    expect(page.text('.profile-facts__error')).toBe(ERROR_MESSAGES.NAME_INVALID)
    expect(dataOf(calls, 'updateProfile')).toEqual([])
    await page.type('.profile-facts__input--name', '李四')
    await page.tap('.profile-facts__save')
    await until(() => page.text('.profile-facts__row--name .profile-facts__value') === '李四', 'corrected')
    expect(dataOf(calls, 'updateProfile')).toEqual([{ name: '李四' }])
  })

  it('[L-4] the ID number is checked on the device (GB 11643) and needs its own consent first', async () => {
    const { page, calls } = open('account/profile/index', handlers())
    await until(() => page.find('.optional-info__save'), 'the form')

    await page.type(INPUT('optional-info__input--idNumber'), '110105194912310021')
    await page.tap('.optional-info__save')
    await until(() => page.text('.form-field__error--idNumber'), 'the ID number message')
    expect(page.text('.form-field__error--idNumber')).toBe(ERROR_MESSAGES.ID_NUMBER_INVALID)

    await page.type(INPUT('optional-info__input--idNumber'), '11010519491231002x')
    await page.tap('.optional-info__save')
    await until(() => page.text('.optional-info__id-error'), 'the separate-consent message')
    expect(page.text('.optional-info__id-error')).toContain('单独同意')
    expect(dataOf(calls, 'updateProfile')).toEqual([])

    await page.tap('.optional-info__id-agree')
    await page.tap('.optional-info__save')
    await until(() => page.find('.optional-info__saved'), 'saved')
    expect(dataOf(calls, 'setConsent')).toEqual([
      { purpose: 'idNumber', granted: true, noticeVersion: NOTICE_VERSION },
    ])
    expect(dataOf(calls, 'updateProfile')).toEqual([{ idNumber: '11010519491231002X' }])
  })

  it('[L-5] a member under 14 sees the guardian-consent step', async () => {
    const { page } = open(
      'account/profile/index',
      handlers({
        profile: () => ok({ profile: { ...PROFILE, status: 'guardian_pending', birthDate: '2016-05-01' } }),
      }),
    )
    await until(() => page.find('.guardian'), 'the guardian step')
    expect(page.text('.guardian')).toContain('需要监护人同意')
  })
})

describe('更换手机号 (compiled weapp)', () => {
  it('[L-11] changes the phone with an SMS code to the new number', async () => {
    const { page, calls } = open('account/phone/index', {
      sendPhoneCode: () => ok({ expiresIn: 300, resendAfter: 60 }),
      changePhone: () => ok({ profile: { ...PROFILE, phone: '13900005678' } }),
    })
    await until(() => page.find('.phone__submit'), 'the phone form')
    // WeChat's own number is offered beside the SMS code.
    expect(page.find('.wechat-phone')).toBeDefined()
    await page.type(INPUT('phone__input--phone'), '13900005678')
    await page.tap('.sms-button')
    await until(() => dataOf(calls, 'sendPhoneCode').length === 1, 'the code request')
    await page.type(INPUT('phone__input--smsCode'), '246810')
    await page.tap('.phone__submit')
    await until(() => page.find('.phone__done'), 'the result')
    expect(page.text('.phone__done-text')).toContain('139****5678')
    expect(dataOf(calls, 'changePhone')).toEqual([{ phone: '13900005678', smsCode: '246810' }])
  })

  it('[L-11] sends only the one-time code from getPhoneNumber', async () => {
    const { page, calls } = open('account/phone/index', {
      changePhone: () => ok({ profile: { ...PROFILE, phone: '13900005678' } }),
    })
    await until(() => page.find('.wechat-phone'), 'the WeChat phone button')
    await page.trigger('.wechat-phone', 'getphonenumber', {
      code: 'one-time-code',
      errMsg: 'getPhoneNumber:ok',
    })
    await until(() => page.find('.phone__done'), 'the result')
    expect(dataOf(calls, 'changePhone')).toEqual([{ phoneCode: 'one-time-code' }])
  })
})
