import { dayRows, staffActor, wechatActor, type AuditEvent } from '../../cloudfunctions/common/audit'
import { ERASED_ACTOR } from '../../cloudfunctions/common/chain'
import type { Doc } from '../../cloudfunctions/common/db'
import { createClaims } from '../../cloudfunctions/common/identity'
import { staffReader } from '../../cloudfunctions/common/scope'
import { createAuditVerification } from '../../cloudfunctions/scheduler/integrity'
import { DEMO_CARDS } from '../../database/seed'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const read: AuditEvent = {
  actor: 'staff:s1',
  action: 'read',
  purpose: 'membership',
  memberId: 'm1',
  fields: ['name'],
  success: true,
}

/** Counts the write requests of the main environment from now on. */
function writeCounter(): () => number {
  let writes = 0
  env.cloud.onWire((action, _params, environment) => {
    if (environment === env.cloud.keyEnv) return
    if (['database.insertDocument', 'database.modifyDocument', 'database.removeDocument'].includes(action))
      writes++
  })
  return () => writes
}

describe('audit log: per-day counts', () => {
  it('counts every entry in its member’s day, also when the first entries of a day come at once', async () => {
    const audit = env.audit()
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => audit.record(i % 3 === 0 ? { ...read, success: false } : read)),
    )
    expect(await env.all('audit_log')).toHaveLength(24)
    const rows = dayRows(await env.all('audit_days'))
    expect(rows.map(({ success, count }) => [success, count]).sort()).toEqual([
      [false, 8],
      [true, 16],
    ])
    expect(rows.every((row) => row.day === '2024-06-15' && row.actor === 'staff:s1')).toBe(true)
  })

  it('writes a batch as one request of entries, one for its chain’s head and one of counts', async () => {
    const audit = env.audit()
    await audit.record(read)
    const writes = writeCounter()
    const batch = audit.batch()
    await batch.record(read)
    await batch.record({ ...read, fields: ['phone'] })
    await batch.record({ ...read, action: 'update' })
    expect(writes()).toBe(0)
    await batch.flush()
    expect(writes()).toBe(3)
    await batch.flush()
    expect(writes()).toBe(3)
    expect(await env.all('audit_log')).toHaveLength(4)
    const rows = dayRows(await env.all('audit_days'))
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(4)
    for (const entry of await env.all('audit_log')) expect(audit.verify(entry)).toBe(true)
  })

  it('writes the entries of a batch that is not counted, and no counts', async () => {
    const audit = env.audit()
    const batch = audit.batch()
    await batch.record(read)
    await batch.flush({ counted: false })
    await audit.record({ ...read, action: 'delete' }, { counted: false })
    expect(await env.all('audit_log')).toHaveLength(2)
    expect(await env.all('audit_days')).toEqual([])
  })
})

describe('claims: several at once', () => {
  const claims = () =>
    createClaims({ db: env.db, vault: env.vault, clock: env.clock, isAbandoned: async () => false })

  it('[4.2.1.1] takes both claims in one write', async () => {
    const writes = writeCounter()
    expect(
      await claims().claimAll(
        [
          ['openid', 'o1'],
          ['phone', '13900000001'],
        ],
        'm1',
      ),
    ).toBeNull()
    expect(writes()).toBe(1)
    expect(await claims().holder('phone', '13900000001')).toBe('m1')
    expect(await claims().holder('openid', 'o1')).toBe('m1')
  })

  it('[4.2.1.1] takes none when another member holds one of them, and says which', async () => {
    await claims().claim('phone', '13900000001', 'm0')
    expect(
      await claims().claimAll(
        [
          ['openid', 'o1'],
          ['phone', '13900000001'],
        ],
        'm1',
      ),
    ).toBe('phone')
    expect(await claims().holder('openid', 'o1')).toBeNull()
    expect(await claims().holder('phone', '13900000001')).toBe('m0')
    await claims().claim('openid', 'o2', 'm0')
    expect(
      await claims().claimAll(
        [
          ['openid', 'o2'],
          ['phone', '13900000002'],
        ],
        'm1',
      ),
    ).toBe('openid')
    expect(await claims().holder('phone', '13900000002')).toBeNull()
  })

  it('[4.2.1.1] counts a claim the member holds already as taken', async () => {
    await claims().claim('openid', 'o1', 'm1')
    expect(
      await claims().claimAll(
        [
          ['openid', 'o1'],
          ['phone', '13900000001'],
        ],
        'm1',
      ),
    ).toBeNull()
    expect(await claims().holder('phone', '13900000001')).toBe('m1')
  })
})

describe('audit log: a deleted member’s entries', () => {
  const verifyLog = async () =>
    (await createAuditVerification({ db: env.db, signer: env.signer, clock: env.clock }).run({ fresh: true }))
      .first

  it('[7.2][3.8] re-keys them to the deletion’s anonymous id: a new sign-up of the same WeChat user links to nothing kept, and the log still verifies', async () => {
    const openid = shopper()
    const oldId = await env.member(openid)
    await env.grant(openid, 'parking')
    await env.call(openid, 'bindPlate', { plate: '沪A12345' })
    await env.call(openid, 'profile')
    await env.deps().guard.read(oldId, 'membership', ['name'], { actor: staffActor('s1'), viewer: 'staff' })
    const before = await env.all('audit_log')
    const oldActor = String(
      before.find((e) => e.memberId === oldId && String(e.actor).startsWith('wx:'))?.actor,
    )

    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    const kept = await env.all('audit_log')
    const anonymous = String((await env.all('consent_receipts'))[0]?.memberId)
    expect(anonymous).toMatch(/^anon-/)
    expect(kept.length).toBeGreaterThan(before.length)
    for (const entry of kept) {
      expect(entry.memberId).toBe(anonymous)
      expect(entry).not.toHaveProperty('salt')
      expect([ERASED_ACTOR, staffActor('s1')]).toContain(entry.actor)
    }
    expect(await verifyLog()).toBeNull()

    env.clock.advance(61_000)
    const newId = await env.member(openid)
    await env.call(openid, 'profile')
    const fresh = (await env.all('audit_log')).filter((e) => e.memberId === newId)
    expect(fresh.length).toBeGreaterThan(0)
    // The same WeChat user acts under the same actor, which no kept entry shows any more.
    expect(fresh.some((e) => e.actor === oldActor)).toBe(true)
    const keptText = JSON.stringify(kept)
    for (const entry of fresh) {
      expect(keptText).not.toContain(String(entry.memberId))
      expect(keptText).not.toContain(String(entry.actor))
    }
    expect(keptText).not.toContain(oldId)
    expect(JSON.stringify(await env.all('audit_redactions'))).not.toContain(oldActor)
    expect(await verifyLog()).toBeNull()
  })

  it('[5.5][7.2] accepts no redaction the signing key did not make: a re-keyed entry moved to another member is named', async () => {
    const openid = shopper()
    await env.member(openid)
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    const survivor = await env.member(shopper(), { ...VALID_FORM, phone: '13900000009' })
    const redacted = (await env.all('audit_log')).find((e) => typeof e.redaction === 'string') as Doc
    const victim = (await env.all('audit_log')).find((e) => e.memberId === survivor) as Doc
    // Dress a living member's entry up as the deleted member's.
    await env.db
      .collection('audit_log')
      .doc(victim._id)
      .update({
        data: {
          memberId: redacted.memberId,
          actor: ERASED_ACTOR,
          redaction: redacted.redaction,
          salt: env.db.command.remove(),
        },
      })
    expect(await verifyLog()).toMatchObject({ kind: 'broken', where: `audit_log/${victim._id}` })
  })
})

describe('audit log: decryptions are reads', () => {
  const reads = async (memberId: string, actor?: string) =>
    (await env.all('audit_log')).filter(
      (e) => e.memberId === memberId && e.action === 'read' && (actor === undefined || e.actor === actor),
    )

  it('[5.5][L-14] audits the current values decrypted to change them (identity.modify)', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.grant(openid, 'parking')
    await env.call(openid, 'bindPlate', { plate: '沪A12345' })
    const before = await reads(memberId)
    expect(await env.call(openid, 'bindPlate', { plate: '沪B12345' })).toMatchObject({ ok: true })
    const after = await reads(memberId)
    expect(after.length - before.length).toBe(1)
    expect(after[after.length - 1]).toMatchObject({ purpose: 'parking', fields: ['plates'], success: true })
  })

  it('[5.5][L-14] audits the card’s name decrypted when a service-desk card makes a new member', async () => {
    const openid = shopper()
    expect(
      await env.bindCard(openid, DEMO_CARDS[0], { noticeVersion: NOTICE_VERSION, ageDeclared: true }),
    ).toMatchObject({
      ok: true,
    })
    const memberId = String(await env.memberIdOf(openid))
    const actor = wechatActor(env.vault, openid)
    expect(await reads(memberId, actor)).toContainEqual(
      expect.objectContaining({ purpose: 'membership', fields: ['name'], success: true }),
    )
  })

  it('[5.5][L-14] audits a staff read of a member’s record through the scope guard, masked for staff', async () => {
    const memberId = await env.member(shopper())
    const read = await env.deps().guard.read(memberId, 'membership', ['name', 'phone'], staffReader('s1'))
    expect(read).toEqual({ ok: true, data: { name: '张*', phone: '138****5678' } })
    expect(await reads(memberId, staffActor('s1'))).toEqual([
      expect.objectContaining({ fields: ['name', 'phone'], purpose: 'membership', success: true }),
    ])
  })
})
