import { entryRows, type AuditEvent } from '../../cloudfunctions/common/audit'
import { accessLog } from '../../cloudfunctions/member/account'
import { DEMO_CARDS } from '../../database/seed'
import { manifest, MEMBER_DATA } from '../../database/manifest'
import { PURPOSE_IDS } from '../../src/domain/consent/purposes'
import type { DataExport } from '../../src/domain/member/model'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

/** A member with every kind of data the product holds today. */
async function fullMember(openid: string): Promise<string> {
  const memberId = await env.member(openid)
  await env.grant(openid, 'parking')
  await env.grant(openid, 'idNumber')
  await env.call(openid, 'bindPlate', { plate: '京A12345' })
  await env.call(openid, 'updateProfile', {
    address: '上海市徐汇区漕溪北路1号',
    email: 'zhang@example.com',
    idNumber: '110105199005170011',
  })
  env.clock.advance(61_000)
  const card = DEMO_CARDS[1]
  await env.bindCard(openid, card)
  return memberId
}

const exportOf = async (openid: string) =>
  dataOf<{ export: DataExport }>(await env.call(openid, 'exportData')).export

describe('member.exportData', () => {
  it('[L-8] gives a complete copy as JSON: profile in clear, plates, card, consents, receipts, ledger, claims', async () => {
    const openid = shopper()
    await fullMember(openid)
    const copy = await exportOf(openid)
    expect(copy.format).toBe('mall-membership/export/v1')
    expect(copy.profile).toMatchObject({
      name: '张三',
      phone: VALID_FORM.phone,
      birthDate: '1990-05-17',
      gender: 'female',
      province: '31',
      address: '上海市徐汇区漕溪北路1号',
      email: 'zhang@example.com',
      idNumber: '110105199005170011',
      card: { cardNo: DEMO_CARDS[1].cardNo },
    })
    expect(copy.plates.map((p) => p.plate)).toEqual(['京A12345'])
    expect(copy.card?.cardNo).toBe(DEMO_CARDS[1].cardNo)
    expect(copy.consents.map((c) => c.purpose)).toEqual(PURPOSE_IDS)
    expect(copy.consentReceipts.map((r) => r.purpose).sort()).toEqual(['idNumber', 'membership', 'parking'])
    expect(copy.pointsLedger.length).toBeGreaterThan(0)
    expect(copy.campaignClaims).toEqual([])
    expect(copy.other.campaign_claims).toBeUndefined()
    // Who read or changed what: the member's own accesses, counted per day and kind.
    expect(copy.other.audit_log).toBeUndefined()
    expect(copy.accessLog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ day: '2024-06-15', by: 'self', action: 'create', purpose: 'membership' }),
        expect.objectContaining({ by: 'self', action: 'read', purpose: 'parking', fields: ['plates'] }),
      ]),
    )
    // Every inventory field the member gave is in the copy, in clear.
    const text = JSON.stringify(copy)
    for (const value of ['张三', VALID_FORM.phone, '1990-05-17', '京A12345', 'zhang@example.com'])
      expect(text).toContain(value)
    // The copy itself is an audited read.
    const reads = (await env.all('audit_log')).filter((e) => e.action === 'read')
    expect(reads.map((e) => e.purpose)).toEqual(expect.arrayContaining(['membership', 'parking', 'idNumber']))
  })

  it('[L-8] counts repeated accesses of a day in one row, so a long history stays small', async () => {
    const openid = shopper()
    await env.member(openid)
    // The profile: a read audited entry by entry (the member centre's own views are counted per
    // day instead, below).
    for (let i = 0; i < 30; i++) await env.call(openid, 'profile')
    env.clock.advance(24 * 3600_000)
    for (let i = 0; i < 5; i++) await env.call(openid, 'profile')
    const copy = await exportOf(openid)
    const profileReads = copy.accessLog.filter(
      (row) => row.by === 'self' && row.action === 'read' && row.purpose === 'membership',
    )
    expect(profileReads.map((row) => [row.day, row.count])).toEqual(
      expect.arrayContaining([
        ['2024-06-16', expect.any(Number)],
        ['2024-06-15', expect.any(Number)],
      ]),
    )
    const total = profileReads.reduce((sum, row) => sum + row.count, 0)
    const entries = (await env.all('audit_log')).filter(
      (e) => e.action === 'read' && e.purpose === 'membership' && e.success === true,
    )
    // Every audited read is counted (the copy's own reads included).
    expect(total).toBeGreaterThanOrEqual(35)
    expect(total).toBeLessThanOrEqual(entries.length)
    expect(copy.accessLog[0]?.day).toBe('2024-06-16')
    expect(profileReads.length).toBeLessThanOrEqual(4)
  })

  it("[L-14] shows the member's own views of the member centre as one row per day viewed", async () => {
    const openid = shopper()
    await env.member(openid)
    for (let i = 0; i < 30; i++) await env.call(openid, 'home')
    env.clock.advance(24 * 3600_000)
    for (let i = 0; i < 5; i++) await env.call(openid, 'home')
    const copy = await exportOf(openid)
    const views = copy.accessLog.filter(
      (row) => row.by === 'self' && row.action === 'read' && row.fields.join() === 'name,phone,cardNo',
    )
    expect(views).toEqual([
      {
        day: '2024-06-16',
        by: 'self',
        action: 'read',
        purpose: 'membership',
        fields: ['name', 'phone', 'cardNo'],
        success: true,
        count: 1,
      },
      {
        day: '2024-06-15',
        by: 'self',
        action: 'read',
        purpose: 'membership',
        fields: ['name', 'phone', 'cardNo'],
        success: true,
        count: 1,
      },
    ])
  })

  it('[L-8] shows in its access log exactly the audit entries of the member, counted per day and kind', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    const audit = env.audit()
    const staffRead = {
      actor: 'staff:s1',
      action: 'read',
      purpose: 'membership',
      memberId,
      fields: ['name'],
      success: true,
    } satisfies AuditEvent
    await Promise.all(Array.from({ length: 12 }, () => audit.record(staffRead)))
    await audit.record({ ...staffRead, actor: 'platform:wechat', action: 'delete', fields: ['plates'] })
    await audit.record({ ...staffRead, actor: 'device:pos-1', action: 'update', fields: [] })
    await env.call(openid, 'setConsent', { purpose: 'idNumber', granted: false })
    for (const day of [1, 2, 40]) {
      env.clock.advance(day * 24 * 3600_000)
      await env.call(openid, 'profile')
      await env.call(openid, 'plates')
      await env.call(openid, 'home')
      await audit.record({ ...staffRead, success: false })
    }
    const copy = await exportOf(openid)

    const self = `wx:${env.vault.keyedHash('actor', openid)}`
    const entries = (await env.all('audit_log')).filter((e) => e.memberId === memberId)
    const [member] = (await env.all('members')).filter((m) => m._id === memberId)
    const views = ((member.viewDays as string[] | undefined) ?? []).map((day) => ({
      day,
      actor: self,
      action: 'read' as const,
      purpose: 'membership',
      fields: ['name', 'phone', 'cardNo'],
      success: true,
      count: 1,
    }))
    expect(views).toHaveLength(3)
    expect(copy.accessLog).toEqual(accessLog([...entryRows(entries), ...views], self))
    expect(copy.accessLog.find((row) => row.by === 'staff' && row.success)?.count).toBe(12)
    // A store's till is named as one, apart from the platform and the jobs.
    expect(copy.accessLog.filter((row) => row.by === 'device')).toEqual([
      expect.objectContaining({ action: 'update', fields: [], count: 1 }),
    ])
    expect(copy.accessLog.filter((row) => row.by === 'system')).toEqual([
      expect.objectContaining({ action: 'delete', fields: ['plates'] }),
    ])
    // One day document per day with entries, however many entries there were.
    expect((await env.all('audit_days')).filter((d) => d.memberId === memberId)).toHaveLength(4)
  })

  it('[L-8] copies a history longer than a page (1,000 documents per read) with each entry once', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const actor = `wx:${env.vault.keyedHash('actor', openid)}`
    // Three years of one parking read a day: more day documents than one read returns.
    const { audit } = env.deps()
    const first = Date.parse('2021-06-20T04:00:00.000Z')
    const DAYS = 1100
    for (let i = 0; i < DAYS; i++) {
      env.clock.set(first + i * 86_400_000)
      await audit.record({
        memberId,
        actor,
        action: 'read',
        purpose: 'parking',
        fields: ['plates'],
        success: true,
      })
    }
    env.clock.set('2024-06-25T02:00:00.000Z')
    const copy = await exportOf(openid)
    const parkingReads = copy.accessLog.filter((row) => row.purpose === 'parking' && row.action === 'read')
    expect(parkingReads).toHaveLength(DAYS)
    expect(new Set(parkingReads.map((row) => row.day)).size).toBe(DAYS)
    expect(parkingReads.every((row) => row.count === 1)).toBe(true)
    expect(parkingReads[0].day).toBe('2024-06-23')
    expect(parkingReads[DAYS - 1].day).toBe('2021-06-20')
  }, 20_000) // 1,100 entries one by one, each with its chain head and day count.

  it('[L-8][4.1.1] every collection of the manifest is classified for the copy: exported, or excluded with a reason', () => {
    const names = manifest.collections.map((c) => c.name).sort()
    expect(Object.keys(MEMBER_DATA).sort()).toEqual(names)
    for (const entry of Object.values(MEMBER_DATA)) {
      if ('excluded' in entry) expect(entry.excluded.length).toBeGreaterThan(10)
      if ('reason' in entry) expect(entry.reason.length).toBeGreaterThan(10)
    }
  })

  it('[L-8] every collection that holds the member id is covered by the copy or excluded with a reason', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    const copy = await exportOf(openid)
    const all = JSON.parse(await env.dump()) as Record<string, Record<string, unknown>[]>
    const holding = Object.entries(all)
      .filter(([, docs]) => docs.some((d) => JSON.stringify(d).includes(memberId)))
      .map(([name]) => name)
    expect(holding.length).toBeGreaterThan(3)
    for (const name of holding) {
      const entry = MEMBER_DATA[name]
      expect([name, entry?.link]).not.toEqual([name, 'none'])
      expect([name, entry?.link]).not.toEqual([name, undefined])
      if (entry && 'section' in entry && entry.section === 'other')
        expect(Object.keys(copy.other)).toContain(name)
    }
  })

  it('[L-8] answers NOT_A_MEMBER to someone who is not a member', async () => {
    expect(await env.call(shopper(), 'exportData')).toMatchObject({ code: 'NOT_A_MEMBER' })
  })
})
