import { claimCopy, type ClaimedCampaign } from '@/domain/campaign/copy'

const SURVEY: ClaimedCampaign = {
  title: '购物体验问卷',
  kind: 'questionnaire',
  purpose: '改进商场服务',
  fields: [{ key: 'gender', reason: '按性别统计满意度' }],
  questions: [
    { id: 'q1', kind: 'multi', title: '您常逛哪些楼层？', options: ['L1', 'L2', 'L3'] },
    { id: 'q2', kind: 'text', title: '您的建议', options: [], maxLength: 50 },
  ],
}

const CLAIM = {
  campaignId: 'c-1',
  code: 'ABCD2345',
  status: 'claimed' as const,
  claimedAt: '2024-06-15T02:00:00.000Z',
  given: { values: { gender: 'male' }, answers: { q1: [1, 2], q2: '多些座椅' } },
}

describe('claimCopy', () => {
  it('[L-8] labels the items by the data inventory and the answers by their questions and options', () => {
    expect(claimCopy(SURVEY, CLAIM)).toMatchObject({
      title: '购物体验问卷',
      kindLabel: '问卷调查',
      statusLabel: '已领取，待核销',
      verifiedAt: null,
      verifiedStore: null,
      items: [{ key: 'gender', label: '性别', value: 'male' }],
      answers: [
        { id: 'q1', question: '您常逛哪些楼层？', answer: 'L2、L3' },
        { id: 'q2', question: '您的建议', answer: '多些座椅' },
      ],
    })
  })

  it('still gives the answers of a campaign no longer held, by question id', () => {
    expect(claimCopy(null, CLAIM)).toMatchObject({
      title: '',
      kind: null,
      answers: [
        { id: 'q1', question: 'q1', answer: '1、2' },
        { id: 'q2', answer: '多些座椅' },
      ],
    })
  })
})
