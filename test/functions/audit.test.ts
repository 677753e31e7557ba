import { dayRows, type AuditEvent } from '../../cloudfunctions/common/audit'
import { createClaims } from '../../cloudfunctions/common/identity'
import { createTestEnv, type TestEnv } from './support'

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
