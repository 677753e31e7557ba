/**
 * The key migration (7.2, 5.3): identities and cards stored before the key store carry their
 * wrapped key beside their ciphertexts. They stay readable as they are; the scheduler's sweep
 * moves each key into the key store (resumable, idempotent) and removes it from the main
 * document, after which deleting the member shreds every backup of the main environment too.
 */
import { randomBytes } from 'node:crypto'

import { COLLECTIONS, type Doc } from '../../cloudfunctions/common/db'
import { createKeyMigration } from '../../cloudfunctions/scheduler/migration'
import { createKeyRotation } from '../../cloudfunctions/scheduler/rotation'
import { vaultFromEnv } from '../../cloudfunctions/common/vault'
import { DEMO_CARDS } from '../../database/seed'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

let env: TestEnv

beforeEach(async () => {
  env = await createTestEnv()
  registerScheduler(env)
})
afterEach(() => env.cloud.close())

const sweep = () => tick(env, 'sweep')

/**
 * Puts a key back where the code before the key store kept it: on the main document (identity
 * or card), with no key document. What an old deployment's or an old `.data`'s documents are.
 */
async function makeLegacy(collection: string, id: string, keyDocId = id): Promise<void> {
  const key = (await env.keyDb.collection(COLLECTIONS.memberKeys).doc(keyDocId).get()).data as Doc
  await env.db
    .collection(collection)
    .doc(id)
    .update({ data: { keyId: key.keyId, wrappedKey: key.wrappedKey } })
  await env.keyDb.collection(COLLECTIONS.memberKeys).doc(keyDocId).remove()
}

const withKey = async (collection: string) =>
  (await env.all(collection)).filter((d) => d.keyId !== undefined || d.wrappedKey !== undefined)

describe('documents written before the key store', () => {
  it('stay readable with the key they carry until they are moved', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await makeLegacy(COLLECTIONS.identities, memberId)
    expect(await withKey(COLLECTIONS.identities)).toHaveLength(1)

    expect(await env.call(openid, 'home')).toMatchObject({ data: { member: { name: '张*' } } })
    await env.grant(openid, 'parking')
    expect(await env.call(openid, 'bindPlate', { plate: '沪A12345' })).toMatchObject({ ok: true })
    expect(await env.call(openid, 'profile')).toMatchObject({ data: { profile: { name: '张三' } } })
    // Reading and changing left the key where it was: only the migration moves it.
    expect(await withKey(COLLECTIONS.identities)).toHaveLength(1)
  })

  it('[7.2][5.3] are moved by the sweep: no key left in the main environment, everything still readable', async () => {
    const openids = [shopper(), shopper(), shopper()]
    const ids: string[] = []
    for (const [i, openid] of openids.entries()) {
      ids.push(await env.member(openid, { ...VALID_FORM, phone: `1390000000${i}` }))
      await makeLegacy(COLLECTIONS.identities, ids[i])
    }
    const cardId = env.vault.blindIndex('card', DEMO_CARDS[1].cardNo)
    await makeLegacy(COLLECTIONS.cards, cardId, `card:${cardId}`)
    const wrappedBefore = (await withKey(COLLECTIONS.identities)).map((d) => d.wrappedKey)

    const answer = await sweep()
    expect(answer.data.jobs.migrateKeys).toEqual({ moved: 4, failed: 0, failedIds: [], done: true })
    expect(await withKey(COLLECTIONS.identities)).toEqual([])
    expect(await withKey(COLLECTIONS.cards)).toEqual([])
    // Moved as they were: the same wrapped keys, now in the key store.
    const keys = await env.all('member_keys')
    for (const wrapped of wrappedBefore) expect(keys.map((k) => k.wrappedKey)).toContainEqual(wrapped)
    expect(keys.find((k) => k._id === `card:${cardId}`)).toMatchObject({ kind: 'card', owner: cardId })

    for (const openid of openids)
      expect(await env.call(openid, 'home')).toMatchObject({ data: { member: { name: '张*' } } })
    // The migrated card still binds (its name is read with the moved key).
    const card = DEMO_CARDS[1]
    const newcomer = shopper()
    expect(
      await env.bindCard(newcomer, card, { noticeVersion: NOTICE_VERSION, ageDeclared: true }),
    ).toMatchObject({
      ok: true,
      data: { member: { name: '李*' } },
    })

    // A second sweep has nothing to do.
    expect((await sweep()).data.jobs.migrateKeys).toMatchObject({ moved: 0, done: true })
  })

  it('[7.2] resumes after a run that stopped between adding the key document and clearing the identity', async () => {
    const memberId = await env.member(shopper())
    const stored = (await env.keyDb.collection(COLLECTIONS.memberKeys).doc(memberId).get()).data as Doc
    await makeLegacy(COLLECTIONS.identities, memberId)
    // Step 1 of an interrupted run: the key document is there, the identity still has its key.
    await env.keyDb.collection(COLLECTIONS.memberKeys).add({ data: stored })

    const migration = createKeyMigration({ db: env.db, keyDb: env.keyDb, clock: env.clock })
    expect(await migration.run()).toMatchObject({ moved: 1, failed: 0, done: true })
    expect(await withKey(COLLECTIONS.identities)).toEqual([])
    expect((await env.all('member_keys')).filter((k) => k._id === memberId)).toEqual([stored])
  })

  it('[7.2] pages through many documents and stops at its time budget, leaving the rest for the next run', async () => {
    const migration = createKeyMigration({ db: env.db, keyDb: env.keyDb, clock: env.clock })
    for (let i = 0; i < 5; i++) {
      const id = await env.member(shopper(), { ...VALID_FORM, phone: `1370000100${i}` })
      await makeLegacy(COLLECTIONS.identities, id)
    }
    expect(await migration.run({ budgetMs: 0 })).toMatchObject({ moved: 0, done: false })
    expect(await withKey(COLLECTIONS.identities)).toHaveLength(5)
    expect(await migration.run({ pageSize: 2 })).toMatchObject({ moved: 5, done: true })
    expect(await withKey(COLLECTIONS.identities)).toEqual([])
  })

  it('[7.2] reports a malformed key and does not loop on it', async () => {
    const id = await env.member(shopper())
    await env.db
      .collection(COLLECTIONS.identities)
      .doc(id)
      .update({ data: { keyId: 'k1', wrappedKey: { ct: 'x' } } })
    const run = await createKeyMigration({ db: env.db, keyDb: env.keyDb, clock: env.clock }).run({
      pageSize: 1,
    })
    expect(run).toMatchObject({ moved: 0, failed: 1, failedIds: [`identities/${id}`], done: true })
  })

  it('[5.3] count for the rotation until moved, so a retired master key is not dropped too early', async () => {
    const memberId = await env.member(shopper())
    await makeLegacy(COLLECTIONS.identities, memberId)
    const rotatingEnv = {
      ...process.env,
      PI_MASTER_KEY: randomBytes(32).toString('base64'),
      PI_MASTER_KEY_ID: 'k2',
      PI_RETIRED_MASTER_KEYS: `k1:${process.env.PI_MASTER_KEY}`,
    }
    const rotation = createKeyRotation({
      db: env.db,
      keyDb: env.keyDb,
      vault: vaultFromEnv(rotatingEnv),
      clock: env.clock,
      audit: env.audit(),
      retiredKeyIds: ['k1'],
    })
    // The legacy member and the four demo cards are under k1.
    expect(await rotation.remaining()).toBe(5)
    registerScheduler(env, rotatingEnv)
    const answer = await sweep()
    expect(answer.data.jobs.migrateKeys).toMatchObject({ moved: 1 })
    expect(answer.data.jobs.rotateKeys).toMatchObject({ rewrapped: 5, remaining: 0 })
    expect((await env.all('member_keys')).map((k) => k.keyId)).toEqual(['k2', 'k2', 'k2', 'k2', 'k2'])
  })
})
