/**
 * What a sign-up or a binding that died half-way leaves (L-6, 7.1): the scheduler's sweep removes
 * an identity whose member record never came to be — its key first, then the identity and its
 * receipts — and keys whose owner is gone, once they are older than any write still running.
 */
import { COLLECTIONS, type Doc } from '../../cloudfunctions/common/db'
import { ORPHAN_AFTER_MS } from '../../cloudfunctions/scheduler/orphans'
import { DEMO_CARDS } from '../../database/seed'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

let env: TestEnv

beforeEach(async () => {
  env = await createTestEnv()
  registerScheduler(env)
})
afterEach(() => env.cloud.close())

const sweep = async () => (await tick(env, 'sweep')).data.jobs.orphans

const keyOf = async (id: string) => (await env.keyDb.collection(COLLECTIONS.memberKeys).doc(id).get()).data
const identityOf = async (id: string) => (await env.db.collection(COLLECTIONS.identities).doc(id).get()).data

/** A sign-up that died after writing key, identity and receipt, before the member record. */
async function diedSignUp(): Promise<string> {
  const memberId = await env.member(shopper(), { ...VALID_FORM, phone: '13912345670' })
  await env.db.collection(COLLECTIONS.members).doc(memberId).remove()
  return memberId
}

describe('scheduler: leftovers of writes that died half-way', () => {
  it('[L-6][7.1] removes the key, identity and receipts of a member that never came to be, once old enough', async () => {
    const lost = await diedSignUp()
    const kept = await env.member(shopper())
    expect(await sweep()).toMatchObject({ identities: 0, keys: 0 })
    expect(await identityOf(lost)).not.toBeNull()

    env.clock.advance(ORPHAN_AFTER_MS + 1000)
    expect(await sweep()).toMatchObject({ identities: 1, keys: 0, complete: true })
    expect(await identityOf(lost)).toBeNull()
    expect(await keyOf(lost)).toBeNull()
    const receipts = (await env.all(COLLECTIONS.consentReceipts)).filter((r) => r.memberId === lost)
    expect(receipts).toHaveLength(0)
    // A real member keeps everything.
    expect(await identityOf(kept)).not.toBeNull()
    expect(await keyOf(kept)).not.toBeNull()
    // Each document is looked at once: the next sweep starts where this one stopped.
    expect(await sweep()).toMatchObject({ identities: 0, keys: 0, examined: 0 })
  })

  it('[7.1] removes keys whose owner is gone and keeps the keys of members and unbound cards', async () => {
    const member = await env.member(shopper())
    const at = new Date(env.clock.now())
    const stray = (id: string, kind: 'member' | 'card', owner: string): Doc => ({
      _id: id,
      kind,
      owner,
      keyId: 'k1',
      wrappedKey: { iv: 'aXY=', tag: 'dGFn', ct: 'Y3Q=' },
      createdAt: at,
      updatedAt: at,
    })
    // A member key whose identity was never written, and the key of a card that does not exist.
    await env.keyDb
      .collection(COLLECTIONS.memberKeys)
      .add({ data: stray('f'.repeat(32), 'member', 'f'.repeat(32)) })
    await env.keyDb.collection(COLLECTIONS.memberKeys).add({ data: stray('card:nowhere', 'card', 'nowhere') })
    const cardKeyId = `card:${env.vault.blindIndex('card', DEMO_CARDS[0].cardNo)}`
    expect(await keyOf(cardKeyId)).not.toBeNull()

    env.clock.advance(ORPHAN_AFTER_MS + 1000)
    expect(await sweep()).toMatchObject({ identities: 0, keys: 2, complete: true })
    expect(await keyOf('f'.repeat(32))).toBeNull()
    expect(await keyOf('card:nowhere')).toBeNull()
    expect(await keyOf(member)).not.toBeNull()
    expect(await keyOf(cardKeyId)).not.toBeNull()
  })

  it('[7.1] stops within its budget and resumes from its cursor', async () => {
    const lost = [await diedSignUp()]
    for (const phone of ['13912345671', '13912345672']) {
      const id = await env.member(shopper(), { ...VALID_FORM, phone })
      await env.db.collection(COLLECTIONS.members).doc(id).remove()
      lost.push(id)
    }
    env.clock.advance(ORPHAN_AFTER_MS + 1000)
    const { createOrphanSweep } = await import('../../cloudfunctions/scheduler/orphans')
    const orphans = createOrphanSweep({ db: env.db, keyDb: env.keyDb, clock: env.clock })
    const first = await orphans.run({ pageSize: 1, budgetMs: 0 })
    expect(first).toMatchObject({ identities: 0, complete: false })
    let removed = 0
    for (let round = 0; round < 10; round++) {
      const run = await orphans.run({ pageSize: 1 })
      removed += run.identities
      if (run.complete) break
    }
    expect(removed).toBe(3)
    for (const id of lost) expect(await identityOf(id)).toBeNull()
  })
})
