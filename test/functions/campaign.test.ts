/**
 * The campaign function (4.2.2.3–4.2.2.5): declaring campaigns from the data inventory only,
 * claiming once, stock under contention, verification (核销) once and in the campaign's stores,
 * reversal within 24 hours, the questionnaire report with small cells suppressed, the audit
 * entries, and what a member's erasure leaves of their claims.
 */
import { keyDocId, keyDocument, memberKey } from '../../cloudfunctions/common/keystore'
import { staffDocId } from '../../cloudfunctions/common/staff'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { CampaignCode } from '../../src/domain/campaign/model'
import type { StaffRole } from '../../src/domain/staff/model'
import { createTestEnv, dataOf, shopper, TODAY, type Answer, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const HOUR = 3600_000
const { manager, counter } = DEMO_PERSONAS

const camp = async (openid: string, action: string, data?: unknown) =>
  (await env.cloud.invoke('campaign', data === undefined ? { action } : { action, data }, {
    OPENID: openid,
  })) as Answer

const GIFT = {
  kind: 'gift',
  title: '夏日礼品',
  storeIds: [DEMO_STORES.xuhui],
  startsOn: TODAY,
  endsOn: '2024-06-30',
  stock: 10,
  fields: [
    { key: 'name', reason: '核对领取人' },
    { key: 'phone', reason: '礼品到店时短信通知您' },
  ],
  purpose: '发放夏日礼品并在柜台核对领取',
  retentionDays: 30,
}

const SURVEY = {
  ...GIFT,
  kind: 'questionnaire',
  title: '购物体验问卷',
  fields: [{ key: 'gender', reason: '按性别统计满意度' }],
  questions: [
    { kind: 'single', title: '您对本店满意吗？', options: ['满意', '不满意'] },
    { kind: 'multi', title: '您常逛哪些楼层？', options: ['L1', 'L2', 'L3'] },
    { kind: 'text', title: '您的建议', maxLength: 50 },
  ],
  purpose: '改进商场服务',
}

interface Campaign {
  id: string
  kind: string
  title: string
  startsOn: string
  endsOn: string
  stock: number
  claimed: number
  verified: number
  scene: string
}
interface Claim {
  code: string
  status: string
  campaignId: string
}

async function create(data: Record<string, unknown> = GIFT): Promise<Campaign> {
  return dataOf<{ campaign: Campaign }>(await camp(manager, 'createCampaign', data)).campaign
}

let fast = 0
/** A member written straight into the database (claim, record, data key): hundreds in a test. */
async function quickMember(): Promise<string> {
  const openid = shopper()
  const memberId = `m-quick-${++fast}`
  const at = new Date(env.clock.now())
  await env.db.collection('members').add({ data: { _id: memberId, status: 'active', createdAt: at } })
  await env.db.collection('identity_index').add({
    data: { _id: `openid:${env.vault.blindIndex('openid', openid)}`, kind: 'openid', memberId, at },
  })
  const { cipher: _cipher, ...wrapped } = env.vault.createMemberKey(memberId)
  await env.keyDb.collection('member_keys').add({ data: keyDocument(memberKey(memberId), wrapped, at) })
  return openid
}

async function addStaff(role: StaffRole, storeId: string): Promise<string> {
  const openid = shopper()
  await env.db.collection('staff').add({
    data: {
      _id: staffDocId(env.vault, openid),
      staffId: `staff-test-${role}-${storeId}`,
      role,
      storeIds: [storeId],
      displayName: role,
      status: 'active',
      createdAt: new Date(env.clock.now()),
    },
  })
  return openid
}

const claimGift = (openid: string, campaignId: string, values = [{ key: 'name', value: '李四' }]) =>
  camp(openid, 'claim', { campaignId, agreed: true, values })

const campaignDoc = async (id: string) => (await env.all('campaigns')).find((doc) => doc._id === id)
const campaignEntries = async () => (await env.all('audit_log')).filter((e) => e.purpose === 'campaign')

describe('campaign.createCampaign', () => {
  it('[4.2.2.3] collects only items of the data inventory, each with a reason, and refuses bad declarations with nothing written', async () => {
    const refused: [Record<string, unknown>, string, string][] = [
      [{ ...GIFT, title: ' ' }, 'CAMPAIGN_TITLE_REQUIRED', 'title'],
      [{ ...GIFT, fields: [{ key: 'idNumber', reason: '核对身份' }] }, 'CAMPAIGN_FIELD_INVALID', 'fields'],
      [{ ...GIFT, fields: [{ key: 'faceImage', reason: '人脸' }] }, 'CAMPAIGN_FIELD_INVALID', 'fields'],
      [{ ...GIFT, fields: [{ key: 'plates', reason: '停车' }] }, 'CAMPAIGN_FIELD_INVALID', 'fields'],
      [{ ...GIFT, fields: [{ key: 'name' }] }, 'CAMPAIGN_REASON_REQUIRED', 'fields'],
      [{ ...GIFT, fields: [GIFT.fields[0], GIFT.fields[0]] }, 'CAMPAIGN_FIELD_INVALID', 'fields'],
      [{ ...GIFT, purpose: '' }, 'CAMPAIGN_PURPOSE_REQUIRED', 'purpose'],
      [{ ...GIFT, endsOn: '2024-06-14' }, 'CAMPAIGN_WINDOW_INVALID', 'endsOn'],
      [{ ...GIFT, startsOn: '2024-07-01' }, 'CAMPAIGN_WINDOW_INVALID', 'endsOn'],
      [{ ...GIFT, startsOn: '2024-02-30' }, 'CAMPAIGN_WINDOW_INVALID', 'startsOn'],
      [{ ...GIFT, stock: 0 }, 'INVALID_ARGUMENT', 'stock'],
      [{ ...GIFT, stock: 1.5 }, 'INVALID_ARGUMENT', 'stock'],
      [{ ...GIFT, retentionDays: 0 }, 'INVALID_ARGUMENT', 'retentionDays'],
      [{ ...GIFT, storeIds: [] }, 'CAMPAIGN_STORES_INVALID', 'storeIds'],
      [{ ...GIFT, storeIds: [DEMO_STORES.pudong] }, 'CAMPAIGN_STORES_INVALID', 'storeIds'],
      [{ ...SURVEY, questions: [] }, 'CAMPAIGN_QUESTION_INVALID', 'questions'],
      [{ ...GIFT, questions: SURVEY.questions }, 'CAMPAIGN_QUESTION_INVALID', 'questions'],
      [
        { ...SURVEY, questions: [{ kind: 'single', title: '满意吗', options: ['是'] }] },
        'CAMPAIGN_QUESTION_INVALID',
        'questions',
      ],
      [{ ...SURVEY, questions: [{ kind: 'text', title: '建议' }] }, 'CAMPAIGN_QUESTION_INVALID', 'questions'],
      [{ ...GIFT, phoneRequired: true }, 'INVALID_ARGUMENT', 'phoneRequired'],
    ]
    for (const [data, code, field] of refused) {
      const answer = await camp(manager, 'createCampaign', data)
      expect({ data, answer }).toMatchObject({ answer: { ok: false, code, field } })
      if (!answer.ok) expect(answer.message).toMatch(/[\u4e00-\u9fa5]/)
    }
    expect(await env.all('campaigns')).toEqual([])

    const campaign = await create(SURVEY)
    expect(campaign).toMatchObject({ stock: 10, claimed: 0, verified: 0, scene: `k=c&c=${campaign.id}` })
    expect(campaign.scene.length).toBeLessThanOrEqual(32)
  })

  it('draws the campaign’s mini-program code with its scene and what its poster names, for the managers of its stores only', async () => {
    const { id, kind, title, startsOn, endsOn } = await create()
    const code = dataOf<CampaignCode>(await camp(manager, 'campaignCode', { campaignId: id }))
    expect(code.scene).toBe(`k=c&c=${id}`)
    expect(code).toMatchObject({ kind, title, startsOn, endsOn })
    expect(Buffer.from(code.png, 'base64').subarray(1, 4).toString()).toBe('PNG')
    const other = await addStaff('manager', DEMO_STORES.pudong)
    expect(await camp(other, 'campaignCode', { campaignId: id })).toMatchObject({ code: 'CAMPAIGN_UNKNOWN' })
    expect(dataOf<{ campaigns: Campaign[] }>(await camp(other, 'listCampaigns')).campaigns).toEqual([])
    expect(dataOf<{ campaigns: Campaign[] }>(await camp(counter, 'listCampaigns')).campaigns).toHaveLength(1)
  })
})

describe('campaign.claim', () => {
  it('[4.2.2.3] shows what is asked and why, the phone optional; one claim per member, answers encrypted and audited', async () => {
    const { id } = await create()
    const openid = shopper()
    const memberId = await env.member(openid)
    const form = dataOf<{ notice: string[]; claim: null }>(
      await camp(openid, 'campaignForm', { campaignId: id }),
    )
    expect(form.claim).toBeNull()
    const notice = form.notice.join('\n')
    for (const text of ['姓名：核对领取人', '手机号（选填', '礼品到店时短信通知您', GIFT.purpose, '30 天'])
      expect(notice).toContain(text)

    // Without the phone: phone binding is voluntary.
    const first = dataOf<{ claim: Claim }>(await claimGift(openid, id)).claim
    expect(first.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/)
    const again = dataOf<{ claim: Claim }>(
      await claimGift(openid, id, [
        { key: 'name', value: '李四' },
        { key: 'phone', value: '13900000001' },
      ]),
    ).claim
    expect(again).toEqual(first)
    expect((await campaignDoc(id))?.stock).toBe(9)
    expect(await env.all('campaign_claims')).toHaveLength(1)
    expect(await env.dump()).not.toContain('李四')
    expect(await campaignEntries()).toEqual([
      expect.objectContaining({ action: 'create', memberId, fields: ['name'], success: true }),
    ])
  })

  it('refuses what the campaign does not declare, a missing answer and a claim without agreement, changing nothing', async () => {
    const { id } = await create()
    const openid = shopper()
    await env.member(openid)
    const cases: [unknown, string][] = [
      [
        {
          campaignId: id,
          agreed: true,
          values: [
            { key: 'name', value: '李四' },
            { key: 'birthDate', value: '1990-01-01' },
          ],
        },
        'CAMPAIGN_FIELD_INVALID',
      ],
      [
        { campaignId: id, agreed: true, values: [{ key: 'phone', value: '13900000001' }] },
        'CAMPAIGN_ANSWER_REQUIRED',
      ],
      [{ campaignId: id, agreed: true, values: [{ key: 'name', value: 'x' }] }, 'NAME_INVALID'],
      [
        {
          campaignId: id,
          agreed: true,
          values: [
            { key: 'name', value: '李四' },
            { key: 'phone', value: '123' },
          ],
        },
        'PHONE_INVALID',
      ],
      [{ campaignId: id, values: [{ key: 'name', value: '李四' }] }, 'CONSENT_REQUIRED'],
      [{ campaignId: 'nope', agreed: true }, 'CAMPAIGN_UNKNOWN'],
    ]
    for (const [data, code] of cases)
      expect(await camp(openid, 'claim', data)).toMatchObject({ ok: false, code })
    expect(await env.all('campaign_claims')).toEqual([])
    expect((await campaignDoc(id))?.stock).toBe(10)
    env.clock.set(Date.parse('2024-06-30T16:00:00.000Z'))
    expect(await claimGift(openid, id)).toMatchObject({ code: 'CAMPAIGN_ENDED' })
  })

  it('[4.2.2.4] 200 concurrent claims on the last 10 items: exactly 10 claims, the rest SOLD_OUT, stock 0', async () => {
    const { id } = await create({ ...GIFT, kind: 'sample', stock: 10, fields: [] })
    const members: string[] = []
    for (let i = 0; i < 200; i++) members.push(await quickMember())
    const answers = await Promise.all(
      members.map((openid) => camp(openid, 'claim', { campaignId: id, agreed: true })),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(10)
    expect(answers.filter((a) => !a.ok).map((a) => !a.ok && a.code)).toEqual(Array(190).fill('SOLD_OUT'))
    expect(await campaignDoc(id)).toMatchObject({ stock: 0, claimed: 10 })
    expect(await env.all('campaign_claims')).toHaveLength(10)
  })
})

describe('verification (核销)', () => {
  async function claimed(): Promise<{ id: string; code: string; memberId: string }> {
    const { id } = await create()
    const openid = shopper()
    const memberId = await env.member(openid)
    const { code } = dataOf<{ claim: Claim }>(await claimGift(openid, id)).claim
    return { id, code, memberId }
  }

  it('[4.2.2.3] verifies a claim once, in a store of the campaign, recording store, staff and time, audited under the member', async () => {
    const { id, code, memberId } = await claimed()
    const elsewhere = await addStaff('counter', DEMO_STORES.pudong)
    expect(await camp(elsewhere, 'verifyClaim', { code })).toMatchObject({ code: 'CLAIM_OTHER_STORE' })
    expect(await camp(counter, 'verifyClaim', { code: 'ZZZZZZZZ' })).toMatchObject({ code: 'CLAIM_UNKNOWN' })

    const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`
    const verified = dataOf<{ claim: { storeId: string; campaignTitle: string } }>(
      await camp(counter, 'verifyClaim', { code: typed }),
    )
    expect(verified.claim).toMatchObject({ storeId: DEMO_STORES.xuhui, campaignTitle: GIFT.title })
    env.clock.advance(HOUR)
    const twice = await camp(counter, 'verifyClaim', { code })
    expect(twice).toMatchObject({ ok: false, code: 'ALREADY_VERIFIED', at: '2024-06-15T02:00:00.000Z' })
    expect(!twice.ok && twice.message).toContain('2024-06-15 10:00')

    const [claim] = await env.all('campaign_claims')
    expect(claim).toMatchObject({
      status: 'verified',
      verification: { storeId: DEMO_STORES.xuhui, staffId: 'staff-demo-counter' },
    })
    expect(await campaignDoc(id)).toMatchObject({ verified: 1 })
    expect(await campaignEntries()).toContainEqual(
      expect.objectContaining({ actor: 'staff:staff-demo-counter', action: 'update', memberId }),
    )
  })

  it('lets a manager of the store reverse a verification within 24 hours with a reason, not after', async () => {
    const { id, code, memberId } = await claimed()
    dataOf(await camp(counter, 'verifyClaim', { code }))
    expect(await camp(manager, 'reverseVerification', { code, reason: '' })).toMatchObject({
      code: 'REVERSAL_REASON_REQUIRED',
    })
    const other = await addStaff('manager', DEMO_STORES.pudong)
    expect(await camp(other, 'reverseVerification', { code, reason: '误核销' })).toMatchObject({
      code: 'CLAIM_OTHER_STORE',
    })
    env.clock.advance(23 * HOUR)
    expect(dataOf(await camp(manager, 'reverseVerification', { code, reason: '误核销' }))).toMatchObject({
      claim: { status: 'claimed' },
    })
    expect(await camp(manager, 'reverseVerification', { code, reason: '误核销' })).toMatchObject({
      code: 'NOT_VERIFIED',
    })
    expect(await campaignDoc(id)).toMatchObject({ verified: 0 })
    expect((await env.all('campaign_claims'))[0]).toMatchObject({
      reversals: [expect.objectContaining({ reason: '误核销', reversedBy: 'staff-demo-manager' })],
    })
    expect(await campaignEntries()).toContainEqual(
      expect.objectContaining({ actor: 'staff:staff-demo-manager', action: 'update', memberId }),
    )

    dataOf(await camp(counter, 'verifyClaim', { code }))
    env.clock.advance(24 * HOUR + 1000)
    expect(await camp(manager, 'reverseVerification', { code, reason: '误核销' })).toMatchObject({
      code: 'REVERSAL_TOO_LATE',
    })
  })
})

describe('campaign.campaignReport', () => {
  it('counts answers per question and option, cells under 5 shown as "<5", short text never listed', async () => {
    const { id } = await create(SURVEY)
    for (let i = 0; i < 7; i++) {
      const openid = await quickMember()
      const answer = await camp(openid, 'claim', {
        campaignId: id,
        agreed: true,
        values: [{ key: 'gender', value: 'female' }],
        answers: [
          { id: 'q1', choices: [i === 0 ? 1 : 0] },
          { id: 'q2', choices: i < 5 ? [0, 1] : [1] },
          { id: 'q3', text: `多开母婴室${i}` },
        ],
      })
      expect(answer.ok).toBe(true)
    }
    const { report } = dataOf<{ report: Record<string, unknown> }>(
      await camp(manager, 'campaignReport', { campaignId: id }),
    )
    expect(report).toMatchObject({ claimed: 7, verified: 0, stock: 3 })
    expect(report.questions).toEqual([
      expect.objectContaining({
        id: 'q1',
        answered: 7,
        options: [
          { label: '满意', count: 6 },
          { label: '不满意', count: '<5' },
        ],
      }),
      expect.objectContaining({
        id: 'q2',
        answered: 7,
        options: [
          { label: 'L1', count: 5 },
          { label: 'L2', count: 7 },
          { label: 'L3', count: '<5' },
        ],
      }),
      expect.objectContaining({ id: 'q3', answered: 7, options: [] }),
    ])
    expect(JSON.stringify(report)).not.toContain('母婴室')
    const other = await addStaff('manager', DEMO_STORES.pudong)
    expect(await camp(other, 'campaignReport', { campaignId: id })).toMatchObject({
      code: 'CAMPAIGN_UNKNOWN',
    })
  })

  it('[4.2.2.5] keeps questionnaire answers encrypted until the campaign’s declared retention ends', async () => {
    const { id } = await create(SURVEY)
    const openid = await quickMember()
    dataOf(
      await camp(openid, 'claim', {
        campaignId: id,
        agreed: true,
        values: [{ key: 'gender', value: 'female' }],
        answers: [
          { id: 'q1', choices: [0] },
          { id: 'q2', choices: [2] },
          { id: 'q3', text: '希望多开母婴室' },
        ],
      }),
    )
    const [claim] = await env.all('campaign_claims')
    // The campaign ends with 2024-06-30 (China), then 30 days of retention.
    expect(new Date(claim.expiresAt as string).toISOString()).toBe('2024-07-30T16:00:00.000Z')
    expect(claim.answers).toEqual({ iv: expect.any(String), tag: expect.any(String), ct: expect.any(String) })
    expect(await env.dump()).not.toContain('母婴室')
  })

  it('refuses a questionnaire answer out of its options or length', async () => {
    const { id } = await create(SURVEY)
    const openid = await quickMember()
    const base = { campaignId: id, agreed: true, values: [{ key: 'gender', value: 'female' }] }
    const q3 = { id: 'q3', text: '好' }
    for (const answers of [
      [{ id: 'q1', choices: [0, 1] }, { id: 'q2', choices: [0] }, q3],
      [{ id: 'q1', choices: [5] }, { id: 'q2', choices: [0] }, q3],
      [
        { id: 'q1', choices: [0] },
        { id: 'q2', choices: [0] },
        { id: 'q3', text: '长'.repeat(51) },
      ],
      [{ id: 'q1', choices: [0] }, { id: 'q2', choices: [0] }, q3, { id: 'q9', choices: [0] }],
    ])
      expect(await camp(openid, 'claim', { ...base, answers })).toMatchObject({
        code: 'CAMPAIGN_ANSWER_INVALID',
      })
    expect(await camp(openid, 'claim', { ...base, answers: [q3] })).toMatchObject({
      code: 'CAMPAIGN_ANSWER_REQUIRED',
    })
  })
})

describe('erasure of a member with claims', () => {
  it('[7.2] removes the answers and unlinks the claim when the member cancels', async () => {
    const { id } = await create()
    const openid = shopper()
    const memberId = await env.member(openid)
    dataOf(await claimGift(openid, id))
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    const [claim] = await env.all('campaign_claims')
    expect(claim.answers).toBeUndefined()
    expect(claim.memberId).toMatch(/^anon-/)
    expect(JSON.stringify(await env.all('campaign_claims'))).not.toContain(memberId)
    expect((await env.all('member_keys')).map((k) => k._id)).not.toContain(keyDocId(memberKey(memberId)))
  })
})
