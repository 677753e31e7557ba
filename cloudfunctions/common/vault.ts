/**
 * The identity vault (5.1, 5.3): envelope encryption and blind indexes with node:crypto.
 *
 * - Each member has a random 256-bit data key. It is stored only wrapped (AES-256-GCM) by a
 *   master key that lives in the function's environment, with the master key's id beside it so
 *   master keys can be rotated: old ids stay readable, new keys are wrapped under the current one.
 *   The wrapped keys are kept in the key store (keystore.ts), in another environment than the
 *   ciphertexts they open.
 * - Each identity field is encrypted with AES-256-GCM under the member's data key; the
 *   associated data names the member and the field, so a ciphertext moved to another member or
 *   field fails to decrypt instead of silently reading as someone else's data.
 * - Lookups (phone, openid, plate, card) go through HMAC-SHA256 blind indexes under a separate
 *   index key, with one derived sub-key per kind: equal phones match, a phone hash is useless
 *   as an openid hash, and nothing can be reversed without the key.
 * - Destroying a member's wrapped key (7.2) leaves every ciphertext of that member unreadable.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/** One AES-256-GCM ciphertext, base64 parts. */
export interface Sealed {
  iv: string
  tag: string
  ct: string
}

export interface WrappedKey {
  /** Which master key wrapped the data key. */
  keyId: string
  wrappedKey: Sealed
}

export type IndexKind = 'phone' | 'openid' | 'plate' | 'card'

/**
 * Keyed hashes that are not lookups: SMS codes, audit actors (audit MACs have their own key), staff
 * invite codes, member codes' ids, members' birthday marks.
 */
export type HashDomain =
  | 'sms-code'
  | 'actor'
  | 'staff-invite'
  | 'campaign-claim'
  | 'member-code'
  | 'receipt-no'
  | 'receipt-claim'
  | 'birthday'

/** Encrypts and decrypts the fields of one member. */
export interface MemberCipher {
  encrypt(field: string, plaintext: string): Sealed
  decrypt(field: string, sealed: Sealed): string
}

export interface Vault {
  readonly currentKeyId: string
  /** A fresh data key for a new member, wrapped under the current master key. */
  createMemberKey(memberId: string): WrappedKey & { cipher: MemberCipher }
  /** Unwraps a member's data key; throws VaultError when it cannot be authenticated. */
  openMemberKey(memberId: string, wrapped: WrappedKey): MemberCipher
  /** Re-wraps a data key under the current master key (rotation); the fields stay as they are. */
  rewrapMemberKey(memberId: string, wrapped: WrappedKey): WrappedKey
  /** Blind index of a normalised value, hex. */
  blindIndex(kind: IndexKind, value: string): string
  keyedHash(domain: HashDomain, value: string): string
  /** A device's signing secret (ingest), wrapped under the current master key for the key store. */
  wrapDeviceSecret(deviceId: string, secret: Buffer): WrappedKey
  /** Unwraps a device's signing secret; throws VaultError when it cannot be authenticated. */
  openDeviceSecret(deviceId: string, wrapped: WrappedKey): Buffer
}

export interface VaultKeys {
  masterKeys: Record<string, Buffer>
  currentKeyId: string
  indexKey: Buffer
}

/** A failure to authenticate or decrypt. Its message never contains key or plaintext material. */
export class VaultError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'VaultError'
  }
}

/** Keys missing or malformed in the environment: the function must not start. */
export class VaultConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'VaultConfigError'
  }
}

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/

/** Derived sub-keys of the index keys this instance has seen (a handful: kinds × keys). */
const SUB_KEYS = new Map<string, Buffer>()
const SUB_KEYS_MAX = 256

function derive(root: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, KEY_BYTES))
}

function seal(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') }
}

function open(key: Buffer, sealed: Sealed, aad: string): Buffer {
  if (
    typeof sealed !== 'object' ||
    sealed === null ||
    typeof sealed.iv !== 'string' ||
    typeof sealed.tag !== 'string' ||
    typeof sealed.ct !== 'string'
  ) {
    throw new VaultError('malformed ciphertext')
  }
  const iv = Buffer.from(sealed.iv, 'base64')
  const tag = Buffer.from(sealed.tag, 'base64')
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new VaultError('malformed ciphertext')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()])
  } catch {
    throw new VaultError('ciphertext failed authentication')
  }
}

// Associated data: a versioned label, then the context the ciphertext belongs to.
const wrapAad = (keyId: string, memberId: string) => `mm/wrap/v1|${keyId}|${memberId}`
const fieldAad = (memberId: string, field: string) => `mm/field/v1|${memberId}|${field}`
const deviceAad = (keyId: string, deviceId: string) => `mm/device/v1|${keyId}|${deviceId}`

/** What counts as the same value for a lookup. Callers validate; this only removes spelling noise. */
function normalise(kind: IndexKind, value: string): string {
  const text = value.normalize('NFKC').trim()
  switch (kind) {
    case 'phone':
    case 'openid':
      return text
    case 'plate':
      return text.toUpperCase()
    case 'card':
      return text.replace(/[\s-]/g, '')
  }
}

export function createVault(keys: VaultKeys): Vault {
  const { masterKeys, currentKeyId, indexKey } = keys
  for (const [id, key] of Object.entries(masterKeys)) {
    if (!KEY_ID.test(id)) throw new VaultConfigError(`master key id "${id}" must match ${KEY_ID}`)
    if (key.length !== KEY_BYTES) throw new VaultConfigError(`master key ${id} must be ${KEY_BYTES} bytes`)
    if (key.equals(indexKey)) throw new VaultConfigError(`the index key must differ from master key ${id}`)
  }
  if (!masterKeys[currentKeyId])
    throw new VaultConfigError(`no master key with the current id ${currentKeyId}`)
  if (indexKey.length !== KEY_BYTES) throw new VaultConfigError(`the index key must be ${KEY_BYTES} bytes`)

  // Sub-keys derived once per function instance (a vault is made per call): one per blind-index
  // kind and per hash domain (domain separation), under this index key.
  const keyTag = createHmac('sha256', indexKey).update('mm/subkey-cache').digest('hex')
  const subKey = (label: string) => {
    const id = `${keyTag}|${label}`
    let key = SUB_KEYS.get(id)
    if (!key) {
      key = derive(indexKey, `mm/${label}/v1`)
      if (SUB_KEYS.size >= SUB_KEYS_MAX) SUB_KEYS.clear()
      SUB_KEYS.set(id, key)
    }
    return key
  }
  const hmac = (label: string, value: string) =>
    createHmac('sha256', subKey(label)).update(value, 'utf8').digest('hex')

  function cipherFor(memberId: string, dataKey: Buffer): MemberCipher {
    return {
      encrypt: (field, plaintext) => seal(dataKey, Buffer.from(plaintext, 'utf8'), fieldAad(memberId, field)),
      decrypt: (field, sealed) => open(dataKey, sealed, fieldAad(memberId, field)).toString('utf8'),
    }
  }

  function unwrap(memberId: string, wrapped: WrappedKey, aad = wrapAad): Buffer {
    const master = typeof wrapped?.keyId === 'string' ? masterKeys[wrapped.keyId] : undefined
    if (!master) throw new VaultError('unknown master key id')
    const dataKey = open(master, wrapped.wrappedKey, aad(wrapped.keyId, memberId))
    if (dataKey.length !== KEY_BYTES) throw new VaultError('malformed data key')
    return dataKey
  }

  function wrap(memberId: string, dataKey: Buffer, aad = wrapAad): WrappedKey {
    return {
      keyId: currentKeyId,
      wrappedKey: seal(masterKeys[currentKeyId], dataKey, aad(currentKeyId, memberId)),
    }
  }

  return {
    currentKeyId,
    createMemberKey(memberId) {
      const dataKey = randomBytes(KEY_BYTES)
      return { ...wrap(memberId, dataKey), cipher: cipherFor(memberId, dataKey) }
    },
    openMemberKey(memberId, wrapped) {
      return cipherFor(memberId, unwrap(memberId, wrapped))
    },
    rewrapMemberKey(memberId, wrapped) {
      return wrap(memberId, unwrap(memberId, wrapped))
    },
    blindIndex: (kind, value) => hmac(`index/${kind}`, normalise(kind, value)),
    keyedHash: (domain, value) => hmac(`hash/${domain}`, value),
    wrapDeviceSecret(deviceId, secret) {
      if (secret.length !== KEY_BYTES) throw new VaultError('malformed device secret')
      return wrap(deviceId, secret, deviceAad)
    },
    openDeviceSecret: (deviceId, wrapped) => unwrap(deviceId, wrapped, deviceAad),
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** A base64 key of 32 bytes from an environment variable; VaultConfigError names the variable. */
export function decodeKey(name: string, value: string | undefined): Buffer {
  if (value === undefined || value.trim() === '') {
    throw new VaultConfigError(`${name} is not set: a base64-encoded 32-byte key is required`)
  }
  const text = value.trim()
  const key = Buffer.from(text, 'base64')
  if (!BASE64.test(text) || key.length !== KEY_BYTES) {
    throw new VaultConfigError(`${name} must be base64 of exactly ${KEY_BYTES} bytes`)
  }
  return key
}

/**
 * The vault from the function's environment:
 * - `PI_MASTER_KEY` (base64, 32 bytes) with id `PI_MASTER_KEY_ID` (default `k1`) wraps new keys;
 * - `PI_RETIRED_MASTER_KEYS` (optional, `id:base64,id:base64`) still unwrap keys made before a
 *   rotation, until every member has been re-wrapped;
 * - `PI_INDEX_KEY` (base64, 32 bytes) keys the blind indexes and keyed hashes.
 */
export function vaultFromEnv(env: Record<string, string | undefined> = process.env): Vault {
  const currentKeyId = env.PI_MASTER_KEY_ID?.trim() || 'k1'
  const masterKeys: Record<string, Buffer> = {}
  for (const entry of (env.PI_RETIRED_MASTER_KEYS ?? '').split(',')) {
    if (entry.trim() === '') continue
    const [id, value] = entry.split(':')
    if (!id || !KEY_ID.test(id.trim()))
      throw new VaultConfigError('PI_RETIRED_MASTER_KEYS must be id:base64,…')
    masterKeys[id.trim()] = decodeKey(`PI_RETIRED_MASTER_KEYS[${id.trim()}]`, value)
  }
  masterKeys[currentKeyId] = decodeKey('PI_MASTER_KEY', env.PI_MASTER_KEY)
  return createVault({ masterKeys, currentKeyId, indexKey: decodeKey('PI_INDEX_KEY', env.PI_INDEX_KEY) })
}
