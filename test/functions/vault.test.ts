import { randomBytes } from 'node:crypto'

import {
  createVault,
  vaultFromEnv,
  VaultConfigError,
  VaultError,
  type Vault,
} from '../../cloudfunctions/common/vault'

const key = () => randomBytes(32)

function makeVault(
  masterKeys: Record<string, Buffer> = { k1: key() },
  indexKey = key(),
  currentKeyId = 'k1',
): Vault {
  return createVault({ masterKeys, currentKeyId, indexKey })
}

describe('vault: envelope encryption', () => {
  it('[5.3] round-trips a field under the member data key', () => {
    const vault = makeVault()
    const created = vault.createMemberKey('m1')
    const sealed = created.cipher.encrypt('phone', '13812345678')
    const reopened = vault.openMemberKey('m1', { keyId: created.keyId, wrappedKey: created.wrappedKey })
    expect(reopened.decrypt('phone', sealed)).toBe('13812345678')
    expect(JSON.stringify({ sealed, wrapped: created.wrappedKey })).not.toContain('13812345678')
  })

  it('[5.3] uses a fresh IV per encryption: equal plaintexts give different ciphertexts', () => {
    const { cipher } = makeVault().createMemberKey('m1')
    expect(cipher.encrypt('name', '张三').ct).not.toBe(cipher.encrypt('name', '张三').ct)
  })

  it('[5.3] fails with another master key', () => {
    const created = makeVault().createMemberKey('m1')
    const other = makeVault()
    expect(() => other.openMemberKey('m1', created)).toThrow(VaultError)
  })

  it('[5.3] fails for a key id it does not hold', () => {
    const vault = makeVault()
    const created = vault.createMemberKey('m1')
    expect(() => vault.openMemberKey('m1', { ...created, keyId: 'k9' })).toThrow(/unknown master key/)
  })

  it.each(['iv', 'tag', 'ct'] as const)('[5.5] refuses a field whose %s was tampered with', (part) => {
    const vault = makeVault()
    const { cipher } = vault.createMemberKey('m1')
    const sealed = cipher.encrypt('phone', '13812345678')
    const bytes = Buffer.from(sealed[part], 'base64')
    bytes[0] ^= 0x01
    expect(() => cipher.decrypt('phone', { ...sealed, [part]: bytes.toString('base64') })).toThrow(VaultError)
  })

  it('[5.5] refuses a tampered wrapped key', () => {
    const vault = makeVault()
    const created = vault.createMemberKey('m1')
    const ct = Buffer.from(created.wrappedKey.ct, 'base64')
    ct[5] ^= 0x80
    expect(() =>
      vault.openMemberKey('m1', {
        keyId: 'k1',
        wrappedKey: { ...created.wrappedKey, ct: ct.toString('base64') },
      }),
    ).toThrow(VaultError)
  })

  it('[5.1] binds a ciphertext to its field: a name moved into the phone slot fails', () => {
    const { cipher } = makeVault().createMemberKey('m1')
    const name = cipher.encrypt('name', '张三')
    expect(() => cipher.decrypt('phone', name)).toThrow(VaultError)
  })

  it("[5.1] binds ciphertexts and keys to their member: another member's data cannot be swapped in", () => {
    const vault = makeVault()
    const a = vault.createMemberKey('member-a')
    const b = vault.createMemberKey('member-b')
    // The whole identity (wrapped key and field) copied onto another member id does not open.
    expect(() => vault.openMemberKey('member-b', { keyId: a.keyId, wrappedKey: a.wrappedKey })).toThrow(
      VaultError,
    )
    // A field of A decrypted with B's cipher fails, even if B's key were known.
    const phoneOfA = a.cipher.encrypt('phone', '13812345678')
    expect(() => b.cipher.decrypt('phone', phoneOfA)).toThrow(VaultError)
  })

  it('[3.8][7.2] makes data unreadable once the wrapped key is gone (crypto-shredding)', () => {
    const vault = makeVault()
    const created = vault.createMemberKey('m1')
    const sealed = created.cipher.encrypt('phone', '13812345678')
    // A new key for the same member id is a different key: the old ciphertext stays closed.
    const replacement = vault.createMemberKey('m1')
    expect(() => replacement.cipher.decrypt('phone', sealed)).toThrow(VaultError)
  })

  it('[5.3] rotates master keys: old wraps still open, re-wrapping moves them to the new key', () => {
    const k1 = key()
    const indexKey = key()
    const before = makeVault({ k1 }, indexKey, 'k1')
    const created = before.createMemberKey('m1')
    const sealed = created.cipher.encrypt('name', '李四')

    const after = makeVault({ k1, k2: key() }, indexKey, 'k2')
    expect(after.openMemberKey('m1', created).decrypt('name', sealed)).toBe('李四')
    const rewrapped = after.rewrapMemberKey('m1', created)
    expect(rewrapped.keyId).toBe('k2')
    expect(after.openMemberKey('m1', rewrapped).decrypt('name', sealed)).toBe('李四')
  })
})

describe('vault: blind indexes', () => {
  it('[5.1] is deterministic per kind and keyed', () => {
    const indexKey = key()
    const a = makeVault({ k1: key() }, indexKey)
    const b = makeVault({ k1: key() }, indexKey)
    expect(a.blindIndex('phone', '13812345678')).toBe(b.blindIndex('phone', '13812345678'))
    expect(a.blindIndex('phone', '13812345678')).toMatch(/^[0-9a-f]{64}$/)
    expect(makeVault().blindIndex('phone', '13812345678')).not.toBe(a.blindIndex('phone', '13812345678'))
  })

  it('[5.1] separates kinds and hash domains: one value, unrelated hashes', () => {
    const vault = makeVault()
    const value = 'ABC123456'
    const hashes = [
      vault.blindIndex('phone', value),
      vault.blindIndex('openid', value),
      vault.blindIndex('plate', value),
      vault.blindIndex('card', value),
      vault.keyedHash('actor', value),
      vault.keyedHash('sms-code', value),
    ]
    expect(new Set(hashes).size).toBe(hashes.length)
  })

  it('[5.1] normalises plates and card numbers before hashing', () => {
    const vault = makeVault()
    expect(vault.blindIndex('plate', ' 沪ad12345 ')).toBe(vault.blindIndex('plate', '沪AD12345'))
    expect(vault.blindIndex('card', '6222 0200-1234')).toBe(vault.blindIndex('card', '622202001234'))
  })
})

describe('vault: configuration', () => {
  const b64 = () => key().toString('base64')

  it('[5.3] reads keys from the environment, with k1 as the default key id', () => {
    const vault = vaultFromEnv({ PI_MASTER_KEY: b64(), PI_INDEX_KEY: b64() })
    expect(vault.currentKeyId).toBe('k1')
    expect(vault.createMemberKey('m').keyId).toBe('k1')
  })

  it('[5.3] keeps retired master keys for unwrapping after a rotation', () => {
    const old = b64()
    const index = b64()
    const before = vaultFromEnv({ PI_MASTER_KEY: old, PI_INDEX_KEY: index })
    const created = before.createMemberKey('m1')
    const sealed = created.cipher.encrypt('name', '王五')
    const after = vaultFromEnv({
      PI_MASTER_KEY: b64(),
      PI_MASTER_KEY_ID: 'k2',
      PI_RETIRED_MASTER_KEYS: `k1:${old}`,
      PI_INDEX_KEY: index,
    })
    expect(after.openMemberKey('m1', created).decrypt('name', sealed)).toBe('王五')
  })

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['no master key', { PI_INDEX_KEY: 'INDEX' }, /PI_MASTER_KEY is not set/],
    ['no index key', { PI_MASTER_KEY: 'MASTER' }, /PI_INDEX_KEY is not set/],
    [
      'a short master key',
      { PI_MASTER_KEY: randomBytes(16).toString('base64'), PI_INDEX_KEY: 'INDEX' },
      /PI_MASTER_KEY must be base64 of exactly 32 bytes/,
    ],
    [
      'a master key that is not base64',
      { PI_MASTER_KEY: '!'.repeat(44), PI_INDEX_KEY: 'INDEX' },
      /PI_MASTER_KEY must be base64/,
    ],
    ['the same key twice', { PI_MASTER_KEY: 'SAME', PI_INDEX_KEY: 'SAME' }, /index key must differ/],
    ['a bad key id', { PI_MASTER_KEY: 'MASTER', PI_INDEX_KEY: 'INDEX', PI_MASTER_KEY_ID: 'k 1' }, /key id/],
    [
      'a malformed retired key list',
      { PI_MASTER_KEY: 'MASTER', PI_INDEX_KEY: 'INDEX', PI_RETIRED_MASTER_KEYS: 'oops' },
      /PI_RETIRED_MASTER_KEYS/,
    ],
  ])('[5.3] fails clearly with %s', (_case, env, message) => {
    const keys: Record<string, string> = { MASTER: b64(), INDEX: b64(), SAME: b64() }
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v && keys[v] ? keys[v] : v]))
    expect(() => vaultFromEnv(resolved)).toThrow(VaultConfigError)
    expect(() => vaultFromEnv(resolved)).toThrow(message)
  })

  it('[5.3] never puts key material in its error messages', () => {
    const master = randomBytes(20).toString('base64')
    try {
      vaultFromEnv({ PI_MASTER_KEY: master, PI_INDEX_KEY: b64() })
      throw new Error('expected a failure')
    } catch (error) {
      expect((error as Error).message).not.toContain(master)
    }
  })
})
