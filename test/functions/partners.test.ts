/**
 * The partners register (4.1.4) in the staff function: kept by the privacy officer and the
 * admins, every change audited, the caller recorded as approver, expiring or missing agreements
 * and certifications flagged.
 */
import { staffDocId } from '../../cloudfunctions/common/staff'
import type { StaffRole } from '../../src/domain/staff/model'
import { createTestEnv, dataOf, shopper, type Answer, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
  env.clock.set('2026-03-01T04:00:00.000Z')
})
afterEach(() => env.cloud.close())

const call = async (openid: string, action: string, data?: unknown) =>
  (await env.cloud.invoke('staff', data === undefined ? { action } : { action, data }, {
    OPENID: openid,
  })) as Answer

async function addStaff(role: StaffRole): Promise<string> {
  const openid = shopper()
  await env.db.collection('staff').add({
    data: {
      _id: staffDocId(env.vault, openid),
      staffId: `staff-test-${role}`,
      role,
      storeIds: role === 'privacyOfficer' || role === 'admin' ? [] : ['store-xuhui'],
      displayName: role,
      status: 'active',
      createdAt: new Date(env.clock.now()),
    },
  })
  return openid
}

const ENTRY = {
  name: '云短信服务有限公司',
  kind: 'supplier',
  reach: ['sms', 'contact'],
  agreementRef: 'NDA-2025-018',
  agreementSignedOn: '2025-03-01',
  agreementExpiresOn: '2027-02-28',
  certLevel: '3',
  certRef: '31010099999-00001',
  certExpiresOn: '2027-06-30',
}

interface PartnerAnswer {
  partner: { partnerId: string; status: string; approvedBy: string; flags: string[]; endedOn?: string }
}

const partnerEntries = async () =>
  (await env.all('audit_log')).filter((entry) => entry.purpose === 'partnerAdmin')

describe('partners register', () => {
  it('[4.1.4] registers a supplier with its agreement and 等保 level, approved by the calling officer', async () => {
    const officer = await addStaff('privacyOfficer')
    const { partner } = dataOf<PartnerAnswer>(await call(officer, 'createPartner', ENTRY))
    expect(partner).toMatchObject({
      status: 'active',
      approvedBy: 'staff-test-privacyOfficer',
      flags: [],
      agreement: { ref: 'NDA-2025-018', signedOn: '2025-03-01', expiresOn: '2027-02-28' },
      cert: { level: '3', ref: '31010099999-00001', expiresOn: '2027-06-30' },
    })
    const listed = dataOf<{ partners: unknown[] }>(await call(officer, 'listPartners'))
    expect(listed.partners).toEqual([partner])
    expect(await partnerEntries()).toEqual([
      expect.objectContaining({
        actor: 'staff:staff-test-privacyOfficer',
        action: 'create',
        memberId: `partner:${partner.partnerId}`,
      }),
    ])
  })

  it('answers a retried create with the same entry, and refuses another entry of that name', async () => {
    const admin = await addStaff('admin')
    const first = dataOf<PartnerAnswer>(await call(admin, 'createPartner', ENTRY))
    const again = dataOf<PartnerAnswer>(await call(admin, 'createPartner', ENTRY))
    expect(again.partner.partnerId).toBe(first.partner.partnerId)
    expect(await call(admin, 'createPartner', { ...ENTRY, agreementRef: 'NDA-OTHER' })).toMatchObject({
      ok: false,
      code: 'PARTNER_EXISTS',
      field: 'name',
    })
    expect(await env.all('partners')).toHaveLength(1)
    expect(await partnerEntries()).toHaveLength(1)
  })

  it.each([
    [{ reach: [] }, 'PARTNER_REACH_REQUIRED', 'reach'],
    [{ agreementExpiresOn: '2024-01-01' }, 'PARTNER_DATE_INVALID', 'agreementExpiresOn'],
    [{ agreementSignedOn: '2025-02-30' }, 'PARTNER_DATE_INVALID', 'agreementSignedOn'],
    [{ agreementRef: '' }, 'PARTNER_AGREEMENT_REQUIRED', 'agreementRef'],
    [{ certExpiresOn: '' }, 'PARTNER_CERT_INCOMPLETE', 'certExpiresOn'],
    [{ reach: ['everything'] }, 'INVALID_ARGUMENT', 'reach'],
    [{ approvedBy: 'someone' }, 'INVALID_ARGUMENT', undefined],
  ])('refuses %j with %s and changes nothing', async (change, code, field) => {
    const officer = await addStaff('privacyOfficer')
    const answer = await call(officer, 'createPartner', { ...ENTRY, ...change })
    expect(answer).toMatchObject({ ok: false, code })
    if (field) expect(answer).toMatchObject({ field })
    expect(answer).toMatchObject({ message: expect.stringMatching(/[\u4e00-\u9fa5]/) })
    expect(await env.all('partners')).toEqual([])
  })

  it('[4.1.4] lets only the privacy officer and admins keep the register', async () => {
    for (const role of ['counter', 'manager'] as const) {
      const openid = await addStaff(role)
      expect(await call(openid, 'listPartners')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await call(openid, 'createPartner', ENTRY)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    }
    expect(await call(shopper(), 'listPartners')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await env.all('partners')).toEqual([])
  })

  it('updates an entry with the editor as approver, ends it, and refuses changes once ended', async () => {
    const officer = await addStaff('privacyOfficer')
    const admin = await addStaff('admin')
    const { partner } = dataOf<PartnerAnswer>(await call(officer, 'createPartner', ENTRY))
    const updated = dataOf<PartnerAnswer>(
      await call(admin, 'updatePartner', { partnerId: partner.partnerId, ...ENTRY, reach: ['sms'] }),
    )
    expect(updated.partner).toMatchObject({ reach: ['sms'], approvedBy: 'staff-test-admin' })

    const ended = dataOf<PartnerAnswer>(await call(officer, 'endPartner', { partnerId: partner.partnerId }))
    expect(ended.partner).toMatchObject({ status: 'ended', endedOn: '2026-03-01', flags: [] })
    expect(await call(admin, 'updatePartner', { partnerId: partner.partnerId, ...ENTRY })).toMatchObject({
      ok: false,
      code: 'PARTNER_ENDED',
    })
    expect(await call(admin, 'endPartner', { partnerId: 'partner-nobody' })).toMatchObject({
      ok: false,
      code: 'PARTNER_UNKNOWN',
    })
    expect((await partnerEntries()).map((entry) => entry.action)).toEqual(['create', 'update', 'update'])
    const [doc] = await env.all('partners')
    expect(doc).toMatchObject({ status: 'ended', endedAt: new Date('2026-03-01T04:00:00.000Z') })
  })

  it('[4.1.4] flags expired and soon-expiring agreements and certifications, and a level below 二级', async () => {
    const officer = await addStaff('privacyOfficer')
    const entries = [
      { ...ENTRY, name: '甲', agreementExpiresOn: '2026-02-28' },
      { ...ENTRY, name: '乙', agreementExpiresOn: '2026-03-31', certExpiresOn: '2026-04-01' },
      { ...ENTRY, name: '丙', certExpiresOn: '2026-02-01' },
      { ...ENTRY, name: '丁', certLevel: 'none', certRef: '', certExpiresOn: '' },
      { ...ENTRY, name: '戊', certLevel: '1' },
    ]
    for (const entry of entries) await call(officer, 'createPartner', entry)
    const { partners } = dataOf<{ partners: { name: string; flags: string[] }[] }>(
      await call(officer, 'listPartners'),
    )
    const flags = Object.fromEntries(partners.map((p) => [p.name, p.flags]))
    expect(flags).toEqual({
      甲: ['agreementExpired'],
      乙: ['agreementExpiring'],
      丙: ['certExpired'],
      丁: ['certMissing'],
      戊: ['certMissing'],
    })
    // 乙's certification runs out 31 days from now: not flagged yet; a day later it is.
    env.clock.advance(24 * 3600 * 1000)
    const later = dataOf<{ partners: { name: string; flags: string[] }[] }>(
      await call(officer, 'listPartners'),
    )
    expect(later.partners.find((p) => p.name === '乙')?.flags).toEqual(['agreementExpiring', 'certExpiring'])
  })
})
