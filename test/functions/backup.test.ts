/**
 * Crypto-shredding against backups (DESIGN 4, 7.2, 5.3): a backup of the main environment taken
 * before a deletion holds the member's ciphertexts but no key material; the wrapped data keys are
 * only in the key environment. Once the member is deleted (their key document destroyed), that
 * backup, the current key store and the master key together decrypt nothing of the member.
 * Before the deletion the same procedure does decrypt everything: the test cannot pass by
 * decrypting nothing in the first place.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import Database from 'better-sqlite3'

import type { Doc } from '../../cloudfunctions/common/db'
import { wrappedKeyOf } from '../../cloudfunctions/common/keystore'
import type { Sealed, Vault } from '../../cloudfunctions/common/vault'
import { createMain as createWxEventsMain } from '../../cloudfunctions/wxevents/index'
import { manifest } from '../../database/manifest'
import { DEMO_CARDS } from '../../database/seed'
import { fromStorage } from '../../local-cloud/codec'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
let dir: string
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mm-backup-'))
  env = await createTestEnv({ dataDir: path.join(dir, 'data') })
})
afterEach(() => {
  env.cloud.close()
  rmSync(dir, { recursive: true, force: true })
})

const NAME = '欧阳娜娜'
const PLATE = '沪AD12345'
const ADDRESS = '上海市徐汇区漕溪北路1号'
const ID_NUMBER = '110105199005170011'
const MAIN_COLLECTIONS = manifest.collections.filter((c) => c.env === undefined).map((c) => c.name)

/** A member with everything: profile fields, a plate, the ID number, a bound card. */
async function fullMember(openid: string): Promise<string> {
  const memberId = await env.member(openid, { ...VALID_FORM, name: NAME })
  await env.grant(openid, 'parking')
  await env.grant(openid, 'idNumber')
  await env.call(openid, 'bindPlate', { plate: PLATE })
  await env.call(openid, 'updateProfile', { address: ADDRESS, idNumber: ID_NUMBER })
  env.clock.advance(61_000)
  const card = DEMO_CARDS[0]
  const bound = await env.bindCard(openid, card)
  if (!bound.ok) throw new Error(`bindCard failed: ${bound.code}`)
  return memberId
}

interface Backup {
  file: string
  bytes: Buffer
  /** Every document of every collection in the copy, by collection. */
  collections: Record<string, Doc[]>
}

/**
 * What an operator's backup of the main environment is: a consistent copy of its whole
 * database file (SQLite's VACUUM INTO), read back without local-cloud.
 */
function backupMainEnvironment(name: string): Backup {
  const file = path.join(dir, `${name}.sqlite`)
  env.cloud.sqlite.prepare('VACUUM INTO ?').run(file)
  const copy = new Database(file, { readonly: true })
  try {
    const tables = copy.prepare('SELECT name, table_name FROM _lc_collections').all() as Array<{
      name: string
      table_name: string
    }>
    const collections: Record<string, Doc[]> = {}
    for (const { name: collection, table_name: table } of tables) {
      const rows = copy.prepare(`SELECT doc FROM "${table}"`).all() as Array<{ doc: string }>
      collections[collection] = rows.map((row) => fromStorage<Doc>(row.doc))
    }
    return { file, bytes: readFileSync(file), collections }
  } finally {
    copy.close()
  }
}

/** Paths of every property named like key material, in any document of the backup. */
function keyMaterialIn(backup: Backup): string[] {
  const found: string[] = []
  const walk = (value: unknown, where: string) => {
    if (value === null || typeof value !== 'object') return
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (['keyId', 'wrappedKey', 'dataKey', 'masterKey'].includes(key)) found.push(`${where}.${key}`)
      walk(inner, `${where}.${key}`)
    }
  }
  for (const [name, docs] of Object.entries(backup.collections))
    for (const doc of docs) walk(doc, `${name}/${String(doc._id)}`)
  return found
}

/**
 * The attacker's procedure: every ciphertext of the owner in the backup, tried with every key
 * document of the current key store (and any key the backed-up document itself carries) under
 * the master key. Answers what decrypts, by field.
 */
function decryptFromBackup(
  backup: Backup,
  keyStore: Doc[],
  vault: Vault,
  collection: string,
  ownerId: string,
): Record<string, string> {
  const doc = backup.collections[collection]?.find((d) => d._id === ownerId)
  const fields = Object.entries((doc?.fields ?? {}) as Record<string, Sealed>)
  const candidates = [...keyStore.map((k) => wrappedKeyOf(k)), wrappedKeyOf(doc)].filter(
    (k) => k !== undefined,
  )
  const out: Record<string, string> = {}
  for (const wrapped of candidates) {
    let cipher
    try {
      cipher = vault.openMemberKey(ownerId, wrapped)
    } catch {
      continue
    }
    for (const [field, sealed] of fields) {
      try {
        out[field] = cipher.decrypt(field, sealed)
      } catch {
        // Not this owner's key.
      }
    }
  }
  return out
}

const keyStoreNow = () => env.all('member_keys')

describe.each([
  [
    'member.deleteAccount',
    async (openid: string) => {
      expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    },
  ],
  [
    'wxevents user_authorization_cancellation',
    async (openid: string) => {
      const main = createWxEventsMain({ clock: env.clock, getContext: () => ({}) })
      expect(await main({ Event: 'user_authorization_cancellation', OpenID: openid })).toEqual({
        outcome: 'account-deleted',
      })
    },
  ],
])('a backup of the main environment after %s', (_how, deleteAccount) => {
  it('[7.2] holds no key material, and nothing of the deleted member decrypts with the current key store', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    const bystander = await env.member(shopper(), { ...VALID_FORM, name: '李雷', phone: '13900000009' })
    const backup = backupMainEnvironment('before-deletion')

    // The backup is a real one: the member's ciphertexts are in it …
    const identity = backup.collections.identities.find((d) => d._id === memberId)
    expect(Object.keys((identity?.fields ?? {}) as object)).toEqual(
      expect.arrayContaining(['name', 'phone', 'address', 'idNumber', 'plates', 'cardNo']),
    )
    // … every main-environment collection is in it, and none holds key material.
    expect(Object.keys(backup.collections)).toEqual(expect.arrayContaining(MAIN_COLLECTIONS))
    expect(backup.collections).not.toHaveProperty('member_keys')
    expect(keyMaterialIn(backup)).toEqual([])
    for (const key of await keyStoreNow())
      expect(backup.bytes.includes(Buffer.from((key.wrappedKey as Sealed).ct, 'utf8'))).toBe(false)

    // Before the deletion the procedure works: everything of the member decrypts.
    const before = decryptFromBackup(backup, await keyStoreNow(), env.vault, 'identities', memberId)
    expect(before).toMatchObject({
      name: NAME,
      phone: VALID_FORM.phone,
      address: ADDRESS,
      idNumber: ID_NUMBER,
    })
    expect(before.plates).toContain(PLATE)
    expect(before.cardNo).toBe(DEMO_CARDS[0].cardNo)

    await deleteAccount(openid)

    // After it: the same backup, the key store as it is now, the master key — nothing.
    const keys = await keyStoreNow()
    expect(keys.map((k) => k._id)).not.toContain(memberId)
    expect(decryptFromBackup(backup, keys, env.vault, 'identities', memberId)).toEqual({})
    // Another member in the same backup is unaffected.
    expect(decryptFromBackup(backup, keys, env.vault, 'identities', bystander)).toMatchObject({
      name: '李雷',
    })
    // A backup taken afterwards has neither the member's ciphertexts nor any key.
    const after = backupMainEnvironment('after-deletion')
    expect(after.collections.identities.map((d) => d._id)).not.toContain(memberId)
    expect(keyMaterialIn(after)).toEqual([])
  })
})

describe('a backup of the main environment after a card is bound', () => {
  it('[7.2][4.2.2.1] cannot be read for the card: the card’s data key is destroyed at binding', async () => {
    const card = DEMO_CARDS[1]
    const cardId = env.vault.blindIndex('card', card.cardNo)
    const backup = backupMainEnvironment('before-binding')
    expect(keyMaterialIn(backup)).toEqual([])
    expect(decryptFromBackup(backup, await keyStoreNow(), env.vault, 'cards', cardId)).toEqual({
      cardNo: card.cardNo,
      name: card.name,
      phone: card.phone,
    })

    const openid = shopper()
    await env.member(openid)
    env.clock.advance(61_000)
    expect(await env.bindCard(openid, card)).toMatchObject({ ok: true })

    expect((await keyStoreNow()).map((k) => k._id)).not.toContain(`card:${cardId}`)
    expect(decryptFromBackup(backup, await keyStoreNow(), env.vault, 'cards', cardId)).toEqual({})
  })
})
