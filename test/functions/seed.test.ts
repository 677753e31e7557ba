import { COLLECTIONS } from '../../cloudfunctions/common/db'
import { manifest } from '../../database/manifest'
import { DEMO_CARDS, DEMO_PERSONAS, seedDemo } from '../../database/seed'
import { MAX_INDEXES_PER_COLLECTION, validateManifest } from '../../local-cloud/manifest'
import { createTestEnv, shopper, type TestEnv } from './support'

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

  it('gives a card whose member deleted the account no history again', async () => {
    const openid = shopper()
    await env.member(openid)
    env.clock.advance(61_000)
    expect(await env.bindCard(openid, DEMO_CARDS[0])).toMatchObject({ ok: true })
    await env.deleteAccount(openid)
    const before = await env.counts()
    await seedDemo(env.cloud.database(), { keyDatabase: env.cloud.database({ env: env.cloud.keyEnv }) })
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

  it('[3.9] seeds the staff personas keyed by their OPENIDs’ blind index and no shopper or personal information', async () => {
    const staff = await env.all('staff')
    expect(staff.map((s) => [s._id, s.role]).sort()).toEqual(
      [
        [env.vault.blindIndex('openid', DEMO_PERSONAS.counter), 'counter'],
        [env.vault.blindIndex('openid', DEMO_PERSONAS.manager), 'manager'],
      ].sort(),
    )
    expect(await env.dump()).not.toContain(DEMO_PERSONAS.counter)
    expect(await env.counts()).toMatchObject({ members: 0, identities: 0, identity_index: 0, audit_log: 0 })
  })

  it('seeds the first version of the earning rules with tier rates, and rewards with stock and limits', async () => {
    const [rule] = await env.all('points_rules')
    expect(rule).toMatchObject({
      _id: 'v1',
      version: 1,
      refundPolicy: 'negative',
      holdDays: 7,
      rules: { rates: { default: 1, tiers: { vip: 1.2, vvip: 1.5 } } },
    })
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

  it('[7.1] refuses a retention sweep whose anchor (after its where fields) no index leads with', () => {
    const sweep = {
      sweep: 's',
      after: 'P1D',
      anchor: 'issuedAt',
      where: { status: 'issued' },
      action: 'delete',
    } as const
    const withIndex = (fields: string[]) => ({
      collections: [
        {
          name: 'cards',
          description: 'cards',
          indexes: [{ name: 'i', fields: fields.map((field) => ({ field })) }],
          retention: { text: 'P1D', rules: [sweep] },
        },
      ],
    })
    expect(() => validateManifest(withIndex(['status', 'issuedAt']))).not.toThrow()
    expect(() => validateManifest(withIndex(['issuedAt', 'status']))).toThrow(
      /retention sweep on status, issuedAt/,
    )
    expect(() => validateManifest(withIndex(['status']))).toThrow(/has no index/)
  })
})

describe('demo service-desk cards', () => {
  it('[4.2.2.1][5.1] issues the demo cards encrypted, found by the blind index of their number', async () => {
    const cards = await env.all('cards')
    expect(cards.map((c) => c._id).sort()).toEqual(
      DEMO_CARDS.map((c) => env.vault.blindIndex('card', c.cardNo)).sort(),
    )
    const dump = await env.dump()
    for (const card of DEMO_CARDS) {
      expect(dump).not.toContain(card.name)
      expect(dump).not.toContain(card.phone)
      expect(dump).not.toContain(card.cardNo)
    }
    const ledger = await env.all('points_ledger')
    const wang = cards.find((c) => c._id === env.vault.blindIndex('card', DEMO_CARDS[0].cardNo))
    expect(ledger.filter((e) => e.cardId === wang?._id).reduce((sum, e) => sum + Number(e.delta), 0)).toBe(
      wang?.points,
    )
  })
})
