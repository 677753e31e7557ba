/**
 * The member's campaign claims in their data copy (L-8): the items given and the answers in
 * clear, labelled by the campaign's declaration, with the claim code, status and verification;
 * reading them for the copy is audited like the copy's other reads.
 */
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { DataExport } from '../../src/domain/member/model'
import { createTestEnv, dataOf, shopper, TODAY, type Answer, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const camp = async (openid: string, action: string, data?: unknown) =>
  (await env.cloud.invoke('campaign', data === undefined ? { action } : { action, data }, {
    OPENID: openid,
  })) as Answer

const SURVEY = {
  kind: 'questionnaire',
  title: '购物体验问卷',
  storeIds: [DEMO_STORES.xuhui],
  startsOn: TODAY,
  endsOn: '2024-06-30',
  stock: 10,
  fields: [
    { key: 'gender', reason: '按性别统计满意度' },
    { key: 'phone', reason: '抽奖中奖时通知您' },
  ],
  questions: [
    { kind: 'single', title: '您对本店满意吗？', options: ['满意', '不满意'] },
    { kind: 'multi', title: '您常逛哪些楼层？', options: ['L1', 'L2', 'L3'] },
    { kind: 'text', title: '您的建议', maxLength: 50 },
  ],
  purpose: '改进商场服务',
  retentionDays: 30,
}

const GIFT = {
  ...SURVEY,
  kind: 'gift',
  title: '夏日礼品',
  fields: [{ key: 'name', reason: '核对领取人' }],
  questions: [],
  purpose: '发放夏日礼品并在柜台核对领取',
}

async function campaign(data: Record<string, unknown>): Promise<string> {
  return dataOf<{ campaign: { id: string } }>(await camp(DEMO_PERSONAS.manager, 'createCampaign', data))
    .campaign.id
}

const exportOf = async (openid: string) =>
  dataOf<{ export: DataExport }>(await env.call(openid, 'exportData')).export

describe('member.exportData: campaign claims', () => {
  it('[L-8] gives the member their claims with the items and answers in clear, labelled, and their verification', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const survey = await campaign(SURVEY)
    const gift = await campaign(GIFT)
    const answers = [
      { id: 'q1', choices: [0] },
      { id: 'q2', choices: [0, 2] },
      { id: 'q3', choices: [], text: '多些座椅' },
    ]
    const surveyClaim = dataOf<{ claim: { code: string } }>(
      await camp(openid, 'claim', {
        campaignId: survey,
        agreed: true,
        values: [
          { key: 'gender', value: 'female' },
          { key: 'phone', value: '13900001111' },
        ],
        answers,
      }),
    ).claim
    env.clock.advance(60_000)
    const giftClaim = dataOf<{ claim: { code: string } }>(
      await camp(openid, 'claim', {
        campaignId: gift,
        agreed: true,
        values: [{ key: 'name', value: '李四' }],
      }),
    ).claim
    env.clock.advance(60_000)
    dataOf(await camp(DEMO_PERSONAS.counter, 'verifyClaim', { code: giftClaim.code }))

    const copy = await exportOf(openid)
    expect(copy.campaignClaims).toEqual([
      {
        campaignId: gift,
        title: '夏日礼品',
        kind: 'gift',
        kindLabel: '扫码领礼品',
        purpose: GIFT.purpose,
        code: giftClaim.code,
        status: 'verified',
        statusLabel: '已核销',
        claimedAt: '2024-06-15T02:01:00.000Z',
        verifiedAt: '2024-06-15T02:02:00.000Z',
        verifiedStore: '星湖购物中心·徐汇店',
        items: [{ key: 'name', label: '姓名', value: '李四' }],
        answers: [],
      },
      {
        campaignId: survey,
        title: '购物体验问卷',
        kind: 'questionnaire',
        kindLabel: '问卷调查',
        purpose: '改进商场服务',
        code: surveyClaim.code,
        status: 'claimed',
        statusLabel: '已领取，待核销',
        claimedAt: '2024-06-15T02:00:00.000Z',
        verifiedAt: null,
        verifiedStore: null,
        items: [
          { key: 'gender', label: '性别', value: 'female' },
          { key: 'phone', label: '手机号', value: '13900001111' },
        ],
        answers: [
          { id: 'q1', question: '您对本店满意吗？', answer: '满意' },
          { id: 'q2', question: '您常逛哪些楼层？', answer: 'L1、L3' },
          { id: 'q3', question: '您的建议', answer: '多些座椅' },
        ],
      },
    ])
    // No ciphertext in the copy, and the reading is an audited read under the campaign's purpose.
    expect(JSON.stringify(copy)).not.toContain('"ct"')
    const reads = (await env.all('audit_log')).filter(
      (e) => e.memberId === memberId && e.action === 'read' && e.purpose === 'campaign',
    )
    expect(reads).toEqual([expect.objectContaining({ fields: ['gender', 'name', 'phone'], success: true })])
    expect(copy.accessLog).toContainEqual(
      expect.objectContaining({ by: 'self', action: 'read', purpose: 'campaign', count: 1 }),
    )
  })
})
