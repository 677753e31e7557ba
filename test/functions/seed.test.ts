import { COLLECTIONS } from '../../cloudfunctions/common/db'
import { manifest } from '../../database/manifest'
import { DEMO_PERSONAS, seedDemo } from '../../database/seed'
import { MAX_INDEXES_PER_COLLECTION, validateManifest } from '../../local-cloud/manifest'
import { createTestEnv, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

describe('demo seed', () => {
  it('is idempotent: a second run adds nothing', async () => {
    const before = await env.counts()
    expect(await seedDemo(env.cloud.database())).toBe(0)
    expect(await env.counts()).toEqual(before)
  })

  it('keeps what was changed since the first run', async () => {
    await env.db
      .collection('rewards')
      .doc('reward-coffee')
      .update({ data: { stock: 3 } })
    await seedDemo(env.cloud.database())
    const [coffee] = (await env.all('rewards')).filter((r) => r._id === 'reward-coffee')
    expect(coffee.stock).toBe(3)
  })

  it('[3.9] seeds the staff personas keyed by OPENID and no shopper or personal information', async () => {
    const staff = await env.all('staff')
    expect(staff.map((s) => [s._id, s.role]).sort()).toEqual([
      [DEMO_PERSONAS.counter, 'counter'],
      [DEMO_PERSONAS.manager, 'manager'],
    ])
    expect(await env.counts()).toMatchObject({ members: 0, identities: 0, identity_index: 0, audit_log: 0 })
  })

  it('[6.4.1][6.4.2] seeds a points rule with tier multipliers and rewards with stock and limits', async () => {
    const [rule] = await env.all('points_rules')
    expect(rule).toMatchObject({ pointsPerYuan: 1, tierMultipliers: { normal: 1, vip: 1.2, vvip: 1.5 } })
    const rewards = await env.all('rewards')
    expect(rewards.length).toBeGreaterThanOrEqual(3)
    for (const reward of rewards) {
      expect(reward).toMatchObject({
        points: expect.any(Number),
        stock: expect.any(Number),
        perMemberLimit: expect.any(Number),
      })
    }
  })
})

describe('database manifest', () => {
  it('declares every collection the functions use, within CloudBase limits', () => {
    expect(() => validateManifest(manifest)).not.toThrow()
    const declared = manifest.collections.map((c) => c.name)
    expect(declared).toEqual(expect.arrayContaining(Object.values(COLLECTIONS)))
    for (const collection of manifest.collections) {
      expect(collection.description.length).toBeGreaterThan(20)
      expect(collection.retention).toBeTruthy()
      expect((collection.indexes ?? []).length).toBeLessThanOrEqual(MAX_INDEXES_PER_COLLECTION)
    }
  })
})
