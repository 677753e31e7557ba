/**
 * Baselines measured in the same run as the actions: raw better-sqlite3 on a WAL file (what
 * local-cloud's store does per document, without the SDK, the engine or the function), and the
 * identity vault's cost per profile.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import Database from 'better-sqlite3'

import { createVault, type Sealed, type WrappedKey } from '../../cloudfunctions/common/vault'
import { rate } from './measure'

export interface SqliteRates {
  insertPerSecond: number
  selectPerSecond: number
}

/** A member-sized JSON document. */
function sampleDoc(i: number): string {
  return JSON.stringify({
    _id: `m${i}`,
    memberNo: String(800000000000 + i),
    tier: 'normal',
    points: i % 5000,
    storeId: 'store-xuhui',
    channel: 'weapp',
    status: 'active',
    consents: { membership: { granted: true, noticeVersion: 1, at: { $date: 1718416800000 + i } } },
    joinedAt: { $date: 1718416800000 + i },
  })
}

export function sqliteRates(count: number): SqliteRates {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-sqlite-'))
  const db = new Database(path.join(dir, 'raw.sqlite'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec('CREATE TABLE docs (id PRIMARY KEY, doc TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO docs (id, doc) VALUES (?, ?)')
    const select = db.prepare('SELECT doc FROM docs WHERE id = ?')
    // One statement per document, each its own transaction: what one add() costs the store.
    const insertPerSecond = rate(count, (i) => insert.run(`m${i}`, sampleDoc(i)))
    const selectPerSecond = rate(count, (i) => {
      const row = select.get(`m${(i * 7919) % count}`) as { doc: string }
      JSON.parse(row.doc)
    })
    return { insertPerSecond, selectPerSecond }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface VaultCosts {
  /** New data key, wrapped; name, phone, birth date encrypted; phone and OPENID blind indexes. */
  encryptUs: number
  /** Data key unwrapped; name and phone decrypted (what `home` does). */
  decryptUs: number
  /** One blind index (HMAC-SHA256 under a derived key). */
  blindIndexUs: number
}

export function vaultCosts(count: number): VaultCosts {
  const vault = createVault({
    masterKeys: { bench1: randomBytes(32) },
    currentKeyId: 'bench1',
    indexKey: randomBytes(32),
  })
  const profile = { name: '王小明', phone: '13912345678', birthDate: '1988-03-09' }
  const sealed: Array<WrappedKey & { id: string; fields: Record<'name' | 'phone' | 'birthDate', Sealed> }> =
    []
  const encryptRate = rate(count, (i) => {
    const id = `member-${i}`
    const { keyId, wrappedKey, cipher } = vault.createMemberKey(id)
    sealed.push({
      id,
      keyId,
      wrappedKey,
      fields: {
        name: cipher.encrypt('name', profile.name),
        phone: cipher.encrypt('phone', profile.phone),
        birthDate: cipher.encrypt('birthDate', profile.birthDate),
      },
    })
    vault.blindIndex('phone', profile.phone)
    vault.blindIndex('openid', `o-${i}`)
  })
  const decryptRate = rate(count, (i) => {
    const doc = sealed[i]
    const cipher = vault.openMemberKey(doc.id, { keyId: doc.keyId, wrappedKey: doc.wrappedKey })
    cipher.decrypt('name', doc.fields.name)
    cipher.decrypt('phone', doc.fields.phone)
  })
  const indexRate = rate(count, (i) => vault.blindIndex('phone', `139${String(i).padStart(8, '0')}`))
  return { encryptUs: 1e6 / encryptRate, decryptUs: 1e6 / decryptRate, blindIndexUs: 1e6 / indexRate }
}
