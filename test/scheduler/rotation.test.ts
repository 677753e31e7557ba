/**
 * Master-key rotation (5.3): after it, every member decrypts with the new key alone; the re-wrap
 * happens in the key store (key environment) and leaves the identities untouched; an interrupted
 * rotation resumes where it stopped; a key that cannot be verified is never written.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'

import { createAuditLog } from '../../cloudfunctions/common/audit'
import { auditSignerFromEnv } from '../../cloudfunctions/common/chain'
import { manualClock } from '../../cloudfunctions/common/clock'
import { asDb, COLLECTIONS, DB_OPTIONS, type Db } from '../../cloudfunctions/common/db'
import { createIdentityStore } from '../../cloudfunctions/common/identity'
import { createDevices } from '../../cloudfunctions/common/devices'
import { createKeyStore } from '../../cloudfunctions/common/keystore'
import { createDayKeys } from '../../cloudfunctions/common/parking/dayKeys'
import { vaultFromEnv, type Vault } from '../../cloudfunctions/common/vault'
import { createMain } from '../../cloudfunctions/scheduler/index'
import { createKeyRotation, ROTATION_ACTOR } from '../../cloudfunctions/scheduler/rotation'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'
import { createTestCloud, shuffleSeedFor, type LocalCloud } from '../../local-cloud/testing'

const key = () => randomBytes(32).toString('base64')
const INDEX_KEY = key()
const AUDIT_SIGNING_KEY = key()
const signer = auditSignerFromEnv({ AUDIT_SIGNING_KEY })
const OLD = { id: 'k2025a', key: key() }
const NEW = { id: 'k2026a', key: key() }

/** Only the old key: how members were written before the rotation. */
const oldEnv = {
  PI_MASTER_KEY: OLD.key,
  PI_MASTER_KEY_ID: OLD.id,
  PI_INDEX_KEY: INDEX_KEY,
  AUDIT_SIGNING_KEY,
}
/** During the rotation: the new key current, the old one retired. */
const rotatingEnv = {
  PI_MASTER_KEY: NEW.key,
  PI_MASTER_KEY_ID: NEW.id,
  PI_RETIRED_MASTER_KEYS: `${OLD.id}:${OLD.key}`,
  PI_INDEX_KEY: INDEX_KEY,
  AUDIT_SIGNING_KEY,
}
/** After it: the new key alone. */
const newOnlyEnv = {
  PI_MASTER_KEY: NEW.key,
  PI_MASTER_KEY_ID: NEW.id,
  PI_INDEX_KEY: INDEX_KEY,
  AUDIT_SIGNING_KEY,
}

const clock = manualClock('2026-03-01T02:00:00.000Z')
const access = { purpose: 'membership', actor: 'staff:test' } as const

/** The two databases: the main environment and the key environment. */
interface Dbs {
  db: Db
  keyDb: Db
}

/** An identity store as one function call has it (a fresh key store: nothing cached). */
function identityStore({ db, keyDb }: Dbs, vault: Vault) {
  const keys = createKeyStore({ db: keyDb, vault, clock })
  return createIdentityStore({ db, vault, clock, keys, audit: createAuditLog({ db, signer, clock }) })
}

async function addMembers(dbs: Dbs, vault: Vault, count: number): Promise<string[]> {
  const store = identityStore(dbs, vault)
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const id = `m${String(i).padStart(4, '0')}`
    await store.create(id, { name: `会员${i}`, phone: `1380000${String(i).padStart(4, '0')}` }, access)
    ids.push(id)
  }
  return ids
}

/** Reads every member's name with `vault`; throws when one does not decrypt. */
async function readAll(dbs: Dbs, vault: Vault, ids: string[]): Promise<string[]> {
  const store = identityStore(dbs, vault)
  const names: string[] = []
  for (const id of ids) names.push(String((await store.read(id, ['name'], access))?.name))
  return names
}

/** How many key documents of the key store are under each master key id. */
async function keyIds(keyDb: Db): Promise<Record<string, number>> {
  const { data } = await keyDb.collection(COLLECTIONS.memberKeys).limit(1000).get()
  const out: Record<string, number> = {}
  for (const doc of data) out[String(doc.keyId)] = (out[String(doc.keyId)] ?? 0) + 1
  return out
}

describe('key rotation against local-cloud', () => {
  let cloud: LocalCloud
  let db: Db
  let keyDb: Db
  let dbs: Dbs

  beforeEach(() => {
    cloud = createTestCloud({ shuffleUnordered: shuffleSeedFor(expect.getState().currentTestName ?? '') })
    db = asDb(cloud.database(DB_OPTIONS))
    keyDb = asDb(cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }))
    dbs = { db, keyDb }
  })
  afterEach(() => cloud.close())

  const rotation = (vault = vaultFromEnv(rotatingEnv)) =>
    createKeyRotation({
      db,
      keyDb,
      vault,
      clock,
      audit: createAuditLog({ db, signer, clock }),
      retiredKeyIds: [OLD.id],
    })

  test('[5.5][L-14] audits each verifying decryption as a read by the system, a page in one write', async () => {
    const ids = await addMembers(dbs, vaultFromEnv(oldEnv), 5)
    const reads = async () =>
      (await db.collection(COLLECTIONS.auditLog).where({ actor: ROTATION_ACTOR }).limit(1000).get()).data
    expect(await reads()).toEqual([])
    let writes = 0
    cloud.onWire((action, params) => {
      if (action === 'database.insertDocument' && params.collectionName === COLLECTIONS.auditLog) writes++
    })
    expect(await rotation().run({ pageSize: 5 })).toMatchObject({ rewrapped: 5, done: true })
    const entries = await reads()
    expect(entries.map((e) => e.memberId).sort()).toEqual(ids)
    expect(
      entries.every((e) => e.action === 'read' && e.success === true && e.purpose === 'membership'),
    ).toBe(true)
    // The page's entries in one request.
    expect(writes).toBe(1)
  })

  test('should leave every member readable with the new key alone, re-wrapped in the key store only', async () => {
    const ids = await addMembers(dbs, vaultFromEnv(oldEnv), 12)
    const identitiesBefore = (
      await db.collection(COLLECTIONS.identities).orderBy('_id', 'asc').limit(1000).get()
    ).data
    expect(await rotation().remaining()).toBe(12)

    const run = await rotation().run({ pageSize: 5 })
    expect(run).toMatchObject({ done: true, rewrapped: 12, failed: 0 })
    expect(await rotation().remaining()).toBe(0)
    expect(await keyIds(keyDb)).toEqual({ [NEW.id]: 12 })
    // The identities (main environment) are untouched: same ciphertexts, no key beside them.
    expect(
      (await db.collection(COLLECTIONS.identities).orderBy('_id', 'asc').limit(1000).get()).data,
    ).toEqual(identitiesBefore)
    expect(JSON.stringify(identitiesBefore)).not.toContain('wrappedKey')
    expect(await readAll(dbs, vaultFromEnv(newOnlyEnv), ids)).toEqual(ids.map((_id, i) => `会员${i}`))
    await expect(readAll(dbs, vaultFromEnv(oldEnv), ids.slice(0, 1))).rejects.toThrow('unknown master key id')
  })

  test('should re-wrap devices’ secrets and car parks’ day keys too, each opening with the new key alone', async () => {
    const ids = await addMembers(dbs, vaultFromEnv(oldEnv), 2)
    const devices = (vault: Vault) => createDevices({ db, keyDb: () => keyDb, vault, clock })
    const gates = await Promise.all(
      [1, 2, 3].map(() =>
        devices(vaultFromEnv(oldEnv)).register({ kind: 'carpark', storeId: 's1', carParkId: 'cp' }),
      ),
    )
    const days = ['2026-02-27', '2026-02-28', '2026-03-01']
    const sealed = await Promise.all(
      days.map(async (day) =>
        (
          await createDayKeys({ keyDb: () => keyDb, vault: vaultFromEnv(oldEnv), clock }).forDay('cp', day)
        ).encrypt('plate', '沪A12345'),
      ),
    )
    expect(await rotation().remaining()).toBe(2 + 3 + 3)

    expect(await rotation().run({ pageSize: 2 })).toMatchObject({
      rewrapped: 2 + 3 + 3,
      failed: 0,
      done: true,
    })
    expect(await rotation().remaining()).toBe(0)
    const after = vaultFromEnv(newOnlyEnv)
    for (const gate of gates) {
      const device = await devices(after).byId(gate.deviceId)
      expect((await devices(after).secretOf(device!))?.toString('base64')).toBe(gate.secret)
    }
    for (const [i, day] of days.entries()) {
      const key = await createDayKeys({ keyDb: () => keyDb, vault: after, clock }).open('cp', day)
      expect(key?.decrypt('plate', sealed[i])).toBe('沪A12345')
    }
    expect(await readAll(dbs, after, ids)).toHaveLength(2)
  })

  test('should resume an interrupted rotation after the last page done', async () => {
    const ids = await addMembers(dbs, vaultFromEnv(oldEnv), 12)

    const first = await rotation().run({ pageSize: 5, maxPages: 1 })
    expect(first).toMatchObject({ done: false, rewrapped: 5 })
    expect(first.progress.cursor).toBe(ids[4])
    expect(await keyIds(keyDb)).toEqual({ [OLD.id]: 7, [NEW.id]: 5 })

    // A new process (a later timer tick) picks up the recorded cursor.
    const second = await rotation().run({ pageSize: 5 })
    expect(second).toMatchObject({ done: true, rewrapped: 7 })
    expect(second.progress).toMatchObject({ rewrapped: 12, failed: 0, done: true })
    expect(await readAll(dbs, vaultFromEnv(newOnlyEnv), ids)).toHaveLength(12)

    // Idempotent: a further run changes nothing.
    expect(await rotation().run()).toMatchObject({ rewrapped: 0, done: true })
  })

  test('should start a new pass for a member wrapped under the old key after a pass finished', async () => {
    await addMembers(dbs, vaultFromEnv(oldEnv), 3)
    expect(await rotation().run()).toMatchObject({ done: true, rewrapped: 3 })

    // A function instance still on the old configuration signs somebody up.
    await identityStore(dbs, vaultFromEnv(oldEnv)).create(
      'm-late',
      { name: '迟到', phone: '13900009999' },
      access,
    )

    expect(await rotation().run()).toMatchObject({ done: true, rewrapped: 1 })
    expect(await readAll(dbs, vaultFromEnv(newOnlyEnv), ['m-late'])).toEqual(['迟到'])
  })

  test('should re-wrap the keys of unbound cards too, verified against the card’s fields', async () => {
    const vault = vaultFromEnv(oldEnv)
    const keys = createKeyStore({ db: keyDb, vault, clock })
    const cardId = vault.blindIndex('card', '6200000000000099')
    const cipher = await keys.create({ kind: 'card', id: cardId })
    await db.collection(COLLECTIONS.cards).add({
      data: { _id: cardId, fields: { name: cipher.encrypt('name', '卡主') }, status: 'issued', points: 0 },
    })
    expect(await rotation().run()).toMatchObject({ done: true, rewrapped: 1, failed: 0 })
    const card = (await db.collection(COLLECTIONS.cards).doc(cardId).get()).data
    const reopened = await createKeyStore({ db: keyDb, vault: vaultFromEnv(newOnlyEnv), clock }).cipher({
      kind: 'card',
      id: cardId,
    })
    expect(reopened?.decrypt('name', (card?.fields as { name: never }).name)).toBe('卡主')
  })

  test('should skip and report a member whose key cannot be verified, and rotate the others', async () => {
    const ids = await addMembers(dbs, vaultFromEnv(oldEnv), 4)
    const before = (await keyDb.collection(COLLECTIONS.memberKeys).doc(ids[1]).get()).data
    // A tampered wrapped key: authentication fails.
    await keyDb
      .collection(COLLECTIONS.memberKeys)
      .doc(ids[1])
      .update({ data: { wrappedKey: { ...(before?.wrappedKey as object), ct: key() } } })

    const run = await rotation().run()
    expect(run).toMatchObject({ rewrapped: 3, failed: 1, done: true })
    expect(run.progress.failedIds).toEqual([ids[1]])
    const after = (await keyDb.collection(COLLECTIONS.memberKeys).doc(ids[1]).get()).data
    expect(after?.keyId).toBe(OLD.id)
  })

  test('should never write a key whose re-wrap does not decrypt its owner’s field', async () => {
    const ids = await addMembers(dbs, vaultFromEnv(oldEnv), 2)
    // A well-formed key of the right owner that is not the one the fields are encrypted under.
    const wrong = vaultFromEnv(oldEnv).createMemberKey(ids[1])
    await keyDb
      .collection(COLLECTIONS.memberKeys)
      .doc(ids[1])
      .update({ data: { wrappedKey: wrong.wrappedKey } })
    const run = await rotation().run()
    expect(run).toMatchObject({ rewrapped: 1, failed: 1 })
    expect(run.progress.failedIds).toEqual([ids[1]])
    const after = (await keyDb.collection(COLLECTIONS.memberKeys).doc(ids[1]).get()).data
    expect(after).toMatchObject({ keyId: OLD.id, wrappedKey: wrong.wrappedKey })
  })

  test('should rotate from the scheduler timer with the keys of the function environment', async () => {
    const ids = await addMembers(dbs, vaultFromEnv(oldEnv), 3)
    cloud.register('scheduler', () => ({
      main: createMain({ clock, env: { ...rotatingEnv, PI_KEY_ENV: cloud.keyEnv } }),
    }))
    const answer = (await cloud.invoke(
      'scheduler',
      { Type: 'Timer', TriggerName: 'sweep' },
      { OPENID: undefined as unknown as string, SOURCE: 'scf' },
    )) as { ok: boolean; data: { jobs: { rotateKeys: Record<string, unknown> } } }
    expect(answer.ok).toBe(true)
    expect(answer.data.jobs.rotateKeys).toMatchObject({ rewrapped: 3, done: true, remaining: 0 })
    expect(await readAll(dbs, vaultFromEnv(newOnlyEnv), ids)).toHaveLength(3)
  })

  test('should fail the key jobs, and only them, without PI_KEY_ENV', async () => {
    await addMembers(dbs, vaultFromEnv(oldEnv), 1)
    cloud.register('scheduler', () => ({ main: createMain({ clock, env: rotatingEnv }) }))
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const answer = (await cloud.invoke(
        'scheduler',
        { Type: 'Timer', TriggerName: 'sweep' },
        { OPENID: undefined as unknown as string, SOURCE: 'scf' },
      )) as { ok: boolean; data: { jobs: Record<string, Record<string, unknown>> } }
      expect(answer.data.jobs.rotateKeys).toEqual({ failed: 'VaultConfigError' })
      expect(answer.data.jobs.migrateKeys).toEqual({ failed: 'VaultConfigError' })
      expect(answer.data.jobs.smsCodes).toMatchObject({ complete: true })
      expect(JSON.stringify(errors.mock.calls)).toContain('PI_KEY_ENV')
    } finally {
      errors.mockRestore()
    }
  })
})

describe('npm run keys:rotate on a local data directory', () => {
  const ROOT = path.resolve(__dirname, '../..')
  let dataDir: string

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'keys-rotate-'))
  })
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

  function rotate(args: string[]) {
    const env = { ...process.env }
    for (const name of [
      'PI_MASTER_KEY',
      'PI_MASTER_KEY_ID',
      'PI_RETIRED_MASTER_KEYS',
      'PI_INDEX_KEY',
      'AUDIT_SIGNING_KEY',
    ])
      delete env[name]
    return spawnSync(
      process.execPath,
      [path.join(ROOT, 'scripts/keys-rotate.mjs'), '--data-dir', dataDir, ...args],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      },
    )
  }

  test('should start a rotation with --new, resume it after an interruption and finish with one key', async () => {
    writeFileSync(path.join(dataDir, 'keys.json'), JSON.stringify(oldEnv))
    let cloud = createLocalCloud({ dataDir, manifest })
    const dbsOf = (c: LocalCloud): Dbs => ({
      db: asDb(c.database(DB_OPTIONS)),
      keyDb: asDb(c.database({ ...DB_OPTIONS, env: c.keyEnv })),
    })
    const ids = await addMembers(dbsOf(cloud), vaultFromEnv(oldEnv), 7)
    cloud.close()

    const first = rotate(['--new', '--page-size', '3', '--max-pages', '1'])
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    expect(first.stdout).toContain('3 re-wrapped')
    expect(first.stdout).toContain('4 data keys still under a retired key')
    const during = JSON.parse(readFileSync(path.join(dataDir, 'keys.json'), 'utf8'))
    expect(during.PI_RETIRED_MASTER_KEYS).toBe(`${OLD.id}:${OLD.key}`)
    expect(during.PI_MASTER_KEY_ID).not.toBe(OLD.id)
    // Key values never reach the output.
    expect(first.stdout).not.toContain(OLD.key)
    expect(first.stdout).not.toContain(during.PI_MASTER_KEY)

    const second = rotate(['--page-size', '3'])
    expect(second.status).toBe(0)
    expect(second.stdout).toContain('4 re-wrapped')
    expect(second.stdout).toContain('0 data keys still under a retired key')
    const after = JSON.parse(readFileSync(path.join(dataDir, 'keys.json'), 'utf8'))
    expect(after.PI_RETIRED_MASTER_KEYS).toBeUndefined()

    cloud = createLocalCloud({ dataDir, manifest })
    try {
      const names = await readAll(dbsOf(cloud), vaultFromEnv(after), ids)
      expect(names).toEqual(ids.map((_id, i) => `会员${i}`))
    } finally {
      cloud.close()
    }
  }, 60_000)
})
