import { CAMPAIGN_FIELD_KEYS } from '@/domain/campaign/model'
import {
  campaignIdOfQuery,
  campaignNotice,
  campaignScene,
  normaliseClaimCode,
  reportCell,
} from '@/domain/campaign/rules'
import { KIND_CODES } from '@/domain/channel/model'
import { decodeScene, SCENE_CHARS, SCENE_MAX, sceneOfQuery } from '@/domain/channel/scene'
import { INVENTORY } from '@/domain/identity/inventory'
import { inviteCodeOfQuery } from '@/domain/staff/rules'

describe('campaign scenes', () => {
  it('are ours, short, and neither a channel nor an invite', () => {
    const scene = campaignScene('Xh7aK2mP')
    expect(scene).toBe('k=c&c=Xh7aK2mP')
    expect(scene.length).toBeLessThanOrEqual(SCENE_MAX)
    expect(SCENE_CHARS.test(scene)).toBe(true)
    expect(Object.values(KIND_CODES)).not.toContain('c')
    expect(decodeScene(scene).ok).toBe(false)
    expect(sceneOfQuery(encodeURIComponent(scene))).toBeUndefined()
    expect(inviteCodeOfQuery(encodeURIComponent(scene))).toBeNull()
    expect(campaignIdOfQuery(encodeURIComponent(scene))).toBe('Xh7aK2mP')
    for (const other of ['k=g&c=Xh7a', 'k=c&c=Xh7a', 'k=c&c=Xh7aK2m0', '%E0%A4%A', undefined])
      expect(campaignIdOfQuery(other)).toBeNull()
  })
})

describe('claim codes', () => {
  it('read typed codes with spaces, dashes, lower case and look-alikes', () => {
    expect(normaliseClaimCode('ab12-cd34')).toBe('AB12CD34')
    expect(normaliseClaimCode('AB1O CDI4')).toBe('AB10CD14')
    expect(normaliseClaimCode('AB12CD3')).toBeNull()
    expect(normaliseClaimCode('AB12CD3U')).toBeNull()
  })
})

describe('the campaign notice', () => {
  it('[4.2.2.3] names every declared item with its reason, the purpose, the retention and that the phone is optional', () => {
    const lines = campaignNotice({
      kind: 'gift',
      title: '夏日礼品',
      fields: [
        { key: 'name', reason: '核对领取人' },
        { key: 'phone', reason: '到货通知' },
      ],
      questions: [],
      purpose: '发放礼品',
      retentionDays: 30,
    }).join('\n')
    expect(lines).toContain('姓名：核对领取人')
    expect(lines).toMatch(/手机号（选填[^）]*）：到货通知/)
    expect(lines).toContain('处理目的：发放礼品')
    expect(lines).toContain('活动结束后 30 天删除')
  })

  it('only offers non-sensitive items of the data inventory', () => {
    for (const key of CAMPAIGN_FIELD_KEYS) {
      const item = INVENTORY.find((f) => f.key === key)
      expect(item).toBeDefined()
      expect(item?.sensitive).toBe(false)
    }
  })
})

describe('report cells', () => {
  it('suppress counts under 5', () => {
    expect([0, 1, 4, 5, 12].map(reportCell)).toEqual(['<5', '<5', '<5', 5, 12])
  })
})
