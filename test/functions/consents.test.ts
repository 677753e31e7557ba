import { DEMO_CARDS } from '../../database/seed'
import { H5_SOURCE } from '../../local-cloud/server/app'
import { NOTICE_VERSION, PURPOSE_IDS, PURPOSES } from '../../src/domain/consent/purposes'
import type { ConsentsData } from '../../src/domain/consent/model'
import { createTestEnv, dataOf, shopper, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const consentOf = (data: ConsentsData, purpose: string) => data.consents.find((c) => c.purpose === purpose)

describe('member.consents', () => {
  it('[4.1.2][6.6.1][L-2] lists the basic purpose granted and every extended one off, nothing pre-ticked', async () => {
    const openid = shopper()
    await env.member(openid)
    const data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    expect(data.consents.map((c) => c.purpose)).toEqual(PURPOSE_IDS)
    for (const consent of data.consents) {
      expect(consent.granted).toBe(consent.purpose === 'membership')
      expect(consent.basic).toBe(PURPOSES[consent.purpose].basic)
      expect(consent.refused).toBe(false)
    }
    expect(data.receipts).toEqual([
      expect.objectContaining({
        purpose: 'membership',
        granted: true,
        noticeVersion: NOTICE_VERSION,
        channel: 'weapp',
      }),
    ])
  })

  it('[4.1.2][L-8] writes a receipt for every change: purpose, notice version, granted, time, channel', async () => {
    const openid = shopper()
    await env.member(openid)
    env.clock.advance(1000)
    await env.grant(openid, 'marketing')
    env.clock.advance(1000)
    const off = dataOf<ConsentsData>(
      await env.call(openid, 'setConsent', { purpose: 'marketing', granted: false }),
    )
    expect(consentOf(off, 'marketing')).toMatchObject({ granted: false, refused: true })
    expect(off.receipts.slice(0, 2)).toEqual([
      expect.objectContaining({ purpose: 'marketing', granted: false, noticeVersion: NOTICE_VERSION }),
      expect.objectContaining({ purpose: 'marketing', granted: true, noticeVersion: NOTICE_VERSION }),
    ])
    expect(off.receipts[0].at > off.receipts[1].at).toBe(true)
    env.clock.advance(1000)
    const h5 = await env.cloud.invoke(
      'member',
      { action: 'setConsent', data: { purpose: 'marketing', granted: true, noticeVersion: NOTICE_VERSION } },
      // What the local H5 server sends: its receipts must say h5, not weapp.
      { OPENID: openid, SOURCE: H5_SOURCE },
    )
    expect(dataOf<ConsentsData>(h5 as never).receipts[0]).toMatchObject({ channel: 'h5', granted: true })
  })

  it('[4.1.2] writes no second receipt when nothing changes', async () => {
    const openid = shopper()
    await env.member(openid)
    await env.grant(openid, 'subscribePoints')
    await env.grant(openid, 'subscribePoints')
    const receipts = await env.all('consent_receipts')
    expect(receipts.filter((r) => r.purpose === 'subscribePoints')).toHaveLength(1)
  })

  type Case = [string, Record<string, unknown>, string, string]
  it.each<Case>([
    [
      'an unknown purpose',
      { purpose: 'selling', granted: true, noticeVersion: 1 },
      'PURPOSE_UNKNOWN',
      'purpose',
    ],
    ['the basic purpose', { purpose: 'membership', granted: false }, 'BASIC_CONSENT_FIXED', 'purpose'],
    [
      'a grant without the notice',
      { purpose: 'marketing', granted: true },
      'CONSENT_REQUIRED',
      'noticeVersion',
    ],
    [
      'a grant under an old notice',
      { purpose: 'marketing', granted: true, noticeVersion: 0 },
      'NOTICE_OUTDATED',
      'noticeVersion',
    ],
    [
      'granted that is not a boolean',
      { purpose: 'marketing', granted: 'yes' },
      'INVALID_ARGUMENT',
      'granted',
    ],
  ])('[6.1.2][L-2] refuses %s with %s and writes nothing', async (_case, data, code, field) => {
    const openid = shopper()
    await env.member(openid)
    const before = await env.counts()
    expect(await env.call(openid, 'setConsent', data)).toMatchObject({ ok: false, code, field })
    expect(await env.counts()).toEqual(before)
  })

  it('[L-8] answers NOT_A_MEMBER to someone who is not a member', async () => {
    expect(await env.call(shopper(), 'consents')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' })
    expect(await env.call(shopper(), 'setConsent', { purpose: 'marketing', granted: false })).toMatchObject({
      code: 'NOT_A_MEMBER',
    })
  })
})

describe('the scope guard', () => {
  it('[6.1.1][L-6] a withdrawn consent blocks the use on the very next call, and deletes what it justified', async () => {
    const openid = shopper()
    await env.member(openid)
    await env.grant(openid, 'parking')
    expect(await env.call(openid, 'bindPlate', { plate: '京A12345' })).toMatchObject({ ok: true })
    expect(await env.call(openid, 'plates')).toMatchObject({
      ok: true,
      data: { plates: [{ plate: '京A12345' }] },
    })

    await env.call(openid, 'setConsent', { purpose: 'parking', granted: false })
    expect(await env.call(openid, 'plates')).toMatchObject({
      ok: false,
      code: 'PURPOSE_CONSENT_REQUIRED',
      field: 'parking',
    })
    expect(await env.call(openid, 'bindPlate', { plate: '京A12345' })).toMatchObject({
      code: 'PURPOSE_CONSENT_REQUIRED',
    })
    // The plate and its claim are gone: nothing finds the member by plate any more.
    expect((await env.all('identity_index')).filter((c) => c.kind === 'plate')).toHaveLength(0)
    const [identity] = await env.all('identities')
    expect(identity.fields).not.toHaveProperty('plates')
    // The refused read is itself in the audit log (L-14).
    const log = await env.all('audit_log')
    expect(log.some((e) => e.purpose === 'parking' && e.success === false)).toBe(true)
  })

  it('[6.1.2] counts a consent given under an older scope as not given until re-consented', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.grant(openid, 'parking')
    // The parking purpose's scope widened after the member agreed (simulated: the consent is older).
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { 'consents.parking.noticeVersion': PURPOSES.parking.scopeVersion - 1 } })
    expect(await env.call(openid, 'plates')).toMatchObject({ code: 'PURPOSE_CONSENT_REQUIRED' })
    const data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    expect(consentOf(data, 'parking')).toMatchObject({ granted: false, needsReconsent: true })
    await env.grant(openid, 'parking')
    expect(await env.call(openid, 'plates')).toMatchObject({ ok: true })
  })

  it('[6.1.2] a wider basic scope asks again: until re-consented every basic use is refused, while seeing and copying their own data stays open', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    // The basic purpose's scope widened after the member joined (simulated: the consent is older).
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { 'consents.membership.noticeVersion': PURPOSES.membership.scopeVersion - 1 } })
    const identity = (await env.all('identities'))[0]
    const refused = { ok: false, code: 'PURPOSE_CONSENT_REQUIRED', field: 'membership' }

    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null, reconsent: true } })
    // Seeing and copying one's own data stays open meanwhile (L-8): it is not a use under the wider scope.
    expect(await env.call(openid, 'profile')).toMatchObject({ ok: true, data: { profile: { name: '张三' } } })
    expect(await env.call(openid, 'exportData')).toMatchObject({ ok: true })
    expect(await env.call(openid, 'updateProfile', { email: 'a@example.com' })).toMatchObject(refused)
    expect(await env.call(openid, 'sendPhoneCode', { phone: '13900000009' })).toMatchObject(refused)
    env.cloud.setPhoneNumber('13900000010', 'wx-phone-code-1')
    expect(await env.call(openid, 'changePhone', { phoneCode: 'wx-phone-code-1' })).toMatchObject(refused)
    expect(
      await env.call(openid, 'sendCardCode', { cardNo: DEMO_CARDS[0].cardNo, phone: DEMO_CARDS[0].phone }),
    ).toMatchObject(refused)
    expect((await env.all('identities'))[0]).toEqual(identity)
    const data = dataOf<ConsentsData>(await env.call(openid, 'consents'))
    expect(consentOf(data, 'membership')).toMatchObject({ granted: false, needsReconsent: true })

    // Withdrawing stays cancelling the account; agreeing again under the current notice is a receipt.
    expect(await env.call(openid, 'setConsent', { purpose: 'membership', granted: false })).toMatchObject({
      code: 'BASIC_CONSENT_FIXED',
    })
    const renew = { purpose: 'membership', granted: true, noticeVersion: NOTICE_VERSION }
    expect(
      await env.call(openid, 'setConsent', { ...renew, noticeVersion: NOTICE_VERSION - 1 }),
    ).toMatchObject({
      code: 'NOTICE_OUTDATED',
    })
    const renewed = dataOf<ConsentsData>(await env.call(openid, 'setConsent', renew))
    expect(consentOf(renewed, 'membership')).toMatchObject({ granted: true, needsReconsent: false })
    expect(renewed.receipts[0]).toMatchObject({
      purpose: 'membership',
      granted: true,
      noticeVersion: NOTICE_VERSION,
    })
    // A retried agreement changes nothing.
    const receipts = (await env.all('consent_receipts')).length
    expect(await env.call(openid, 'setConsent', renew)).toMatchObject({ ok: true })
    expect(await env.all('consent_receipts')).toHaveLength(receipts)
    expect(await env.call(openid, 'home')).toMatchObject({ ok: true, data: { member: { name: '张*' } } })
    expect(await env.call(openid, 'updateProfile', { email: 'a@example.com' })).toMatchObject({ ok: true })
  })

  it('[6.6.1] a refused extended purpose never degrades the basic functions', async () => {
    const openid = shopper()
    await env.member(openid)
    for (const purpose of PURPOSE_IDS.filter((p) => !PURPOSES[p].basic))
      await env.call(openid, 'setConsent', { purpose, granted: false })
    expect(await env.call(openid, 'home')).toMatchObject({ ok: true, data: { member: { name: '张*' } } })
    expect(await env.call(openid, 'profile')).toMatchObject({ ok: true, data: { profile: { name: '张三' } } })
    expect(await env.call(openid, 'updateProfile', { email: 'a@example.com' })).toMatchObject({ ok: true })
    expect(await env.call(openid, 'exportData')).toMatchObject({ ok: true })
  })
})
