/**
 * The campaign pages (compiled weapp): the shopper's claim page shows what is asked and why and
 * then the claim code; the counter's verify page shows the result in one screen, and the time of
 * the first verification when a code is tried again.
 */
import type { CampaignForm } from '@/domain/contracts/campaign'
import type { StaffMember } from '@/domain/contracts/staff'
import { NOTICE, STORES, ok } from './support/fixtures'
import { launch, stubCloud, stubPrivacy, until } from './support/weapp'

const COUNTER: StaffMember = {
  staffId: 'staff-c',
  role: 'counter',
  storeIds: [STORES[0].id],
  displayName: '兰蔻专柜导购',
}

const FORM: CampaignForm = {
  campaign: {
    id: 'Xh7aK2mP',
    kind: 'gift',
    title: '夏日礼品',
    storeIds: [STORES[0].id],
    startsOn: '2024-06-01',
    endsOn: '2024-06-30',
    fields: [
      { key: 'name', reason: '核对领取人' },
      { key: 'phone', reason: '到货通知' },
    ],
    questions: [],
    purpose: '发放礼品',
    retentionDays: 30,
    soldOut: false,
  },
  notice: [
    '「夏日礼品」将收集以下信息：',
    '· 姓名：核对领取人',
    '· 手机号（选填：不填写手机号也可以领取）：到货通知',
  ],
  claim: null,
}

const input = (block: string, modifier: string) => `.${block}__input--${modifier} .nut-input-native`

describe('campaign claim page (compiled weapp)', () => {
  it('shows what is asked and why, then claims with the name only and shows the code', async () => {
    const calls = stubCloud({
      campaignForm: () => ok(FORM),
      claim: () =>
        ok({
          claim: {
            campaignId: FORM.campaign.id,
            code: 'AB12CD34',
            status: 'claimed',
            claimedAt: '2024-06-15T02:00:00.000Z',
          },
        }),
    })
    stubPrivacy(false)
    const page = launch('campaign/claim/index', { id: FORM.campaign.id })

    await until(() => page.find('.claim__notice'), 'the notice')
    expect(page.text('.claim__notice')).toContain('姓名：核对领取人')
    expect(page.text('.claim__notice')).toContain('手机号（选填')
    await page.type(input('claim', 'name'), '王小明')
    await page.tap('.claim__agreed')
    await page.tap('.claim__submit')
    await until(() => page.find('.claim__code'), 'the claim code')
    expect(page.text('.claim__code')).toBe('AB12 CD34')
    expect(calls.find((c) => c.action === 'claim')?.data).toEqual({
      campaignId: FORM.campaign.id,
      agreed: true,
      values: [
        { key: 'name', value: '王小明' },
        { key: 'phone', value: '' },
      ],
      answers: [],
    })
  })
})

describe('verify page (compiled weapp)', () => {
  const context = {
    me: () => ok({ staff: COUNTER }),
    joinForm: () => ok({ notice: NOTICE, stores: STORES }),
  }

  it('verifies a typed code and shows the result', async () => {
    const calls = stubCloud({
      ...context,
      verifyClaim: () =>
        ok({
          claim: {
            code: 'AB12CD34',
            campaignTitle: '夏日礼品',
            kind: 'gift',
            storeId: STORES[0].id,
            verifiedAt: '2024-06-15T02:00:00.000Z',
          },
        }),
    })
    stubPrivacy(false)
    const page = launch('staff/verify/index')
    await until(() => page.find('.verify__input'), 'the code input')
    await page.type('.verify__input', 'ab12cd34')
    await page.tap('.verify__go')
    await until(() => page.find('.verify__result--ok'), 'the result')
    expect(page.text('.verify__result--ok')).toContain('夏日礼品')
    expect(calls.find((c) => c.action === 'verifyClaim')?.data).toEqual({ code: 'AB12CD34' })
  })

  it('names when a code was verified before', async () => {
    stubCloud({
      ...context,
      verifyClaim: () => ({
        ok: false,
        code: 'ALREADY_VERIFIED',
        message: '',
        field: 'code',
        at: '2024-06-15T02:00:00.000Z',
      }),
    })
    stubPrivacy(false)
    const page = launch('staff/verify/index')
    await until(() => page.find('.verify__input'), 'the code input')
    await page.type('.verify__input', 'AB12CD34')
    await page.tap('.verify__go')
    await until(() => page.find('.verify__failure'), 'the refusal')
    expect(page.text('.verify__failure')).toContain('已于 2024-06-15 10:00（北京时间）核销')
  })
})
