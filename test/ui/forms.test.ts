/**
 * The four forms with an SMS code in the compiled weapp (join, bind card, phone change, guardian
 * consent) share one form hook: a failure lands on the field it names when the form shows that
 * field, `noticeVersion` on the consent box, anything else on the form's alert; and each input
 * lets the user type exactly what the request schema's field allows.
 */
import {
  bindCardSchema,
  changePhoneSchema,
  guardianConsentSchema,
  joinSchema,
} from '@/domain/contracts/member'
import { ERROR_MESSAGES, type ErrorCode } from '@/domain/errors'
import type { Schema } from '@/domain/input'
import { MEMBER, NOTICE, ok, PROFILE, STORES } from './support/fixtures'
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

const codeSent = () => ok({ expiresIn: 300, resendAfter: 60 })

const failWith = (code: ErrorCode, field?: string) => ({
  ok: false,
  code,
  message: ERROR_MESSAGES[code],
  ...(field ? { field } : {}),
})

const input = (block: string, modifier: string) => `.${block}__input--${modifier} .nut-input-native`

const callsOf = (calls: CloudCall[], action: string) => calls.filter((c) => c.action === action)

interface FormCase {
  name: string
  route: string
  /** Answers for opening the page and sending a code. */
  answers: CloudHandlers
  /** Shown once the form is ready. */
  ready: string
  schema: Schema<unknown>
  /** Each text input, by the name of its field in the schema. */
  inputs: Record<string, string>
  sendAction: string
  submitAction: string
  submit: string
  /** Fills every field validly: the code has been requested and typed, the box ticked. */
  fill: (page: RenderedPage, calls: CloudCall[]) => Promise<void>
  /** A failure of the submit action naming a field the form shows, and one naming none. */
  fieldFailure: [ErrorCode, string]
  formFailure: ErrorCode
}

async function requestCode(page: RenderedPage, calls: CloudCall[], action: string) {
  await page.tap('.sms-button')
  await until(() => callsOf(calls, action).length === 1, `the ${action} call`)
}

const JOIN: FormCase = {
  name: 'join',
  route: 'pages/join/index',
  answers: { joinForm: () => ok({ notice: NOTICE, stores: STORES }), sendJoinCode: codeSent },
  ready: '.join-form__submit',
  schema: joinSchema,
  inputs: {
    name: input('join-form', 'name'),
    phone: input('join-form', 'phone'),
    smsCode: input('join-form', 'smsCode'),
  },
  sendAction: 'sendJoinCode',
  submitAction: 'join',
  submit: '.join-form__submit',
  fill: async (page, calls) => {
    await page.tap('.join-form__agree')
    await page.tap('.join-form__age')
    await page.type(input('join-form', 'name'), '张三')
    await page.pick('.picker-field__picker--storeId', 1)
    await page.type(input('join-form', 'phone'), '13800001234')
    await requestCode(page, calls, 'sendJoinCode')
    await page.type(input('join-form', 'smsCode'), '246810')
  },
  fieldFailure: ['PHONE_TAKEN', 'phone'],
  formFailure: 'ALREADY_MEMBER',
}

const bindCard = (member: typeof MEMBER | null): FormCase => ({
  name: member ? 'bind-card' : 'bind-card (not a member yet)',
  route: 'account/bind/index',
  answers: { home: () => ok({ member }), sendCardCode: codeSent },
  ready: '.bind-form__submit',
  schema: bindCardSchema,
  inputs: {
    cardNo: input('bind-form', 'cardNo'),
    phone: input('bind-form', 'phone'),
    smsCode: input('bind-form', 'smsCode'),
  },
  sendAction: 'sendCardCode',
  submitAction: 'bindCard',
  submit: '.bind-form__submit',
  fill: async (page, calls) => {
    if (!member) await page.tap('.bind-form__agree')
    // A card has no birth date: a new member declares their age too (L-5).
    if (!member) await page.tap('.bind-form__age')
    await page.type(input('bind-form', 'cardNo'), '8800123456')
    await page.type(input('bind-form', 'phone'), '13800001234')
    await requestCode(page, calls, 'sendCardCode')
    await page.type(input('bind-form', 'smsCode'), '135790')
  },
  fieldFailure: ['SMS_CODE_WRONG', 'smsCode'],
  formFailure: 'CARD_TRIES_LIMIT',
})

const PHONE: FormCase = {
  name: 'phone-change',
  route: 'account/phone/index',
  answers: { sendPhoneCode: codeSent },
  ready: '.phone__submit',
  schema: changePhoneSchema,
  inputs: { phone: input('phone', 'phone'), smsCode: input('phone', 'smsCode') },
  sendAction: 'sendPhoneCode',
  submitAction: 'changePhone',
  submit: '.phone__submit',
  fill: async (page, calls) => {
    await page.type(input('phone', 'phone'), '13900005678')
    await requestCode(page, calls, 'sendPhoneCode')
    await page.type(input('phone', 'smsCode'), '246810')
  },
  fieldFailure: ['PHONE_TAKEN', 'phone'],
  formFailure: 'GUARDIAN_PENDING',
}

const GUARDIAN: FormCase = {
  name: 'guardian',
  route: 'account/profile/index',
  answers: {
    profile: () => ok({ profile: { ...PROFILE, status: 'guardian_pending', birthDate: '2016-05-01' } }),
    sendGuardianCode: codeSent,
  },
  ready: '.guardian__submit',
  schema: guardianConsentSchema,
  inputs: {
    guardianName: input('guardian', 'name'),
    phone: input('guardian', 'phone'),
    smsCode: input('guardian', 'code'),
  },
  sendAction: 'sendGuardianCode',
  submitAction: 'recordGuardianConsent',
  submit: '.guardian__submit',
  fill: async (page, calls) => {
    await page.type(input('guardian', 'name'), '王芳')
    await page.tap('.chips__chip--relation-mother')
    await page.type(input('guardian', 'phone'), '13600001111')
    await requestCode(page, calls, 'sendGuardianCode')
    await page.type(input('guardian', 'code'), '864209')
    await page.tap('.guardian__agree')
  },
  fieldFailure: ['SMS_CODE_EXPIRED', 'smsCode'],
  formFailure: 'GUARDIAN_NOT_NEEDED',
}

const FORMS = [JOIN, bindCard(MEMBER), PHONE, GUARDIAN]
const table = (forms: FormCase[]) => forms.map((form) => [form.name, form] as const)

async function open(form: FormCase, answers: CloudHandlers = {}) {
  const calls = stubCloud({ ...form.answers, ...answers })
  stubPrivacy(false)
  stubNavigation()
  const page = launch(form.route)
  await until(() => page.find(form.ready), `the ${form.name} form`)
  return { page, calls }
}

describe('forms with an SMS code (compiled weapp)', () => {
  it.each(table(FORMS))(
    'should show a server failure at the field it names on the %s form',
    async (_name, form) => {
      const [code, field] = form.fieldFailure
      const { page, calls } = await open(form, { [form.submitAction]: () => failWith(code, field) })

      await form.fill(page, calls)
      await page.tap(form.submit)

      await until(() => page.text(`.form-field__error--${field}`), `the ${code} message`)
      expect(page.text(`.form-field__error--${field}`)).toBe(ERROR_MESSAGES[code])
      expect(page.find('.form-alert')).toBeUndefined()
      expect(callsOf(calls, form.submitAction)).toHaveLength(1)
    },
  )

  it.each(table(FORMS))(
    "should show a server failure that names no field on the %s form's alert",
    async (_name, form) => {
      const { page, calls } = await open(form, { [form.submitAction]: () => failWith(form.formFailure) })

      await form.fill(page, calls)
      await page.tap(form.submit)

      await until(() => page.text('.form-alert__message'), 'the alert')
      expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES[form.formFailure])
      expect(page.findAll('.form-field__error')).toHaveLength(0)
    },
  )

  it('should show a failure naming a field the form does not show on its alert', async () => {
    const { page, calls } = await open(PHONE, {
      changePhone: () => failWith('PHONE_CODE_INVALID', 'phoneCode'),
    })

    await page.trigger('.wechat-phone', 'getphonenumber', {
      code: 'one-time-code',
      errMsg: 'getPhoneNumber:ok',
    })

    await until(() => page.text('.form-alert__message'), 'the alert')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES.PHONE_CODE_INVALID)
    expect(callsOf(calls, 'changePhone')).toEqual([
      { name: 'member', action: 'changePhone', data: { phoneCode: 'one-time-code' } },
    ])
  })

  it.each(table(FORMS))(
    'should show a malformed phone at the phone field of the %s form and send no code',
    async (_name, form) => {
      const { page, calls } = await open(form)

      await page.type(form.inputs.phone, '1380000123')
      await page.tap('.sms-button')

      await until(() => page.text('.form-field__error--phone'), 'the phone message')
      expect(page.text('.form-field__error--phone')).toBe(ERROR_MESSAGES.PHONE_INVALID)
      expect(page.find('.form-alert')).toBeUndefined()
      expect(callsOf(calls, form.sendAction)).toEqual([])
    },
  )

  it.each([
    ['bind-card (not a member yet)', bindCard(null), '.bind-form__consent-error'],
    ['guardian', GUARDIAN, '.guardian__consent-error'],
  ] as const)(
    'should show an outdated notice at the consent box of the %s form and untick it',
    async (_name, form, consentError) => {
      const { page, calls } = await open(form, {
        [form.submitAction]: () => failWith('NOTICE_OUTDATED', 'noticeVersion'),
      })

      await form.fill(page, calls)
      await until(() => page.findAll('.nut-checkbox-active').length > 0, 'the ticked boxes')
      const ticked = page.findAll('.nut-checkbox-active').length
      await page.tap(form.submit)

      await until(() => page.text(consentError), 'the consent message')
      expect(page.text(consentError)).toBe(ERROR_MESSAGES.NOTICE_OUTDATED)
      // The notice's box only: an age declaration stays as given.
      await until(() => page.findAll('.nut-checkbox-active').length === ticked - 1, 'the box to be unticked')
      expect(page.find('.form-alert')).toBeUndefined()
    },
  )

  it.each(table(FORMS))(
    "should let each input of the %s form take as much as the schema's field allows",
    async (_name, form) => {
      const { page } = await open(form)

      for (const [key, selector] of Object.entries(form.inputs)) {
        const limit = form.schema.fields[key].maxLength
        expect([key, limit]).toEqual([key, expect.any(Number)])
        expect([key, page.attribute(selector, 'maxlength')]).toEqual([key, limit])
      }
    },
  )
})
