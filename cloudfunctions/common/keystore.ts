/**
 * The key store (5.1, 5.3, 7.2): where every wrapped data key lives, apart from what it encrypts.
 *
 * Each member and each unbound service-desk card has a random data key (vault.ts). Its wrapped
 * form (AES-256-GCM under a master key) is a document of `member_keys` in the **key
 * environment** — a separate CloudBase environment of the same account, named by the function
 * variable `PI_KEY_ENV`, with its own database, backups and collaborators. The main
 * environment's documents (identities, cards) hold ciphertexts only, so a backup or export of
 * the main environment can never be decrypted for an owner whose key document was removed:
 * destroying the key document is the deletion (crypto-shredding).
 *
 * Document ids: a member's key is `member_keys/<member id>`; a card's is
 * `member_keys/card:<card-number blind index>` (the card document's id, prefixed). `kind` and
 * `owner` repeat that in the document.
 *
 * A store instance lives for one function call: a key opened once is kept in memory for the
 * rest of the call, so a call reads each key document at most once.
 */
import type { Clock } from './clock'
import { addUnique, COLLECTIONS, type Db, type Doc } from './db'
import {
  VaultConfigError,
  VaultError,
  type MemberCipher,
  type Sealed,
  type Vault,
  type WrappedKey,
} from './vault'

export type KeyKind = 'member' | 'card'

/** Whose data key: a member (by member id) or a service-desk card (by card document id). */
export interface KeyOwner {
  kind: KeyKind
  id: string
}

export const memberKey = (id: string): KeyOwner => ({ kind: 'member', id })
export const cardKey = (id: string): KeyOwner => ({ kind: 'card', id })

/** `_id` of an owner's document in `member_keys`. */
export function keyDocId(owner: KeyOwner): string {
  return owner.kind === 'card' ? `card:${owner.id}` : owner.id
}

/** A document of `member_keys`. */
export interface KeyDoc extends Doc {
  kind: KeyKind
  /** The member id or card document id: what the wrapped key's associated data names. */
  owner: string
  keyId: string
  wrappedKey: Sealed
  createdAt: Date
  updatedAt: Date
}

/** keyId + wrappedKey as documents written before the key store carry them. */
export interface LegacyKeyFields {
  keyId?: unknown
  wrappedKey?: unknown
}

/** What a look-up found: a key opened earlier in this call, a key document, or nothing. */
export type FetchedKey = { cipher: MemberCipher } | { stored: Record<string, unknown> } | null

export interface KeyStore {
  /** A fresh data key for a new owner, stored wrapped under the current master key. */
  create(owner: KeyOwner): Promise<MemberCipher>
  /** One read of the owner's key document, unless the key was opened earlier in this call. */
  fetch(owner: KeyOwner): Promise<FetchedKey>
  /**
   * Opens what `fetch` found; without a key document, the keyId + wrappedKey still on a
   * document written before the key store (`legacy`). Null: no key anywhere — destroyed or
   * never made. Throws VaultError when the key document is malformed, names another owner or
   * does not authenticate.
   */
  open(owner: KeyOwner, fetched: FetchedKey, legacy?: object): MemberCipher | null
  /** fetch + open. */
  cipher(owner: KeyOwner, legacy?: object): Promise<MemberCipher | null>
  /** Removes the owner's key document: every ciphertext of the owner becomes unreadable. */
  destroy(owner: KeyOwner): Promise<void>
}

const isSealed = (value: unknown): value is Sealed =>
  typeof value === 'object' &&
  value !== null &&
  ['iv', 'tag', 'ct'].every((part) => typeof (value as Record<string, unknown>)[part] === 'string')

/** The wrapped key a document carries (`keyId` + `wrappedKey`), if it is well-formed. */
export function wrappedKeyOf(doc: object | null | undefined): WrappedKey | undefined {
  const { keyId, wrappedKey } = (doc ?? {}) as LegacyKeyFields
  if (typeof keyId !== 'string' || keyId === '' || !isSealed(wrappedKey)) return undefined
  return { keyId, wrappedKey }
}

/** The key document of an owner, as written by `create` and by the key migration. */
export function keyDocument(owner: KeyOwner, wrapped: WrappedKey, at: Date): KeyDoc {
  return {
    _id: keyDocId(owner),
    kind: owner.kind,
    owner: owner.id,
    keyId: wrapped.keyId,
    wrappedKey: wrapped.wrappedKey,
    createdAt: at,
    updatedAt: at,
  }
}

/** The owner a key document belongs to. */
export function ownerOf(doc: Pick<KeyDoc, 'kind' | 'owner'>): KeyOwner {
  return { kind: doc.kind === 'card' ? 'card' : 'member', id: String(doc.owner) }
}

const ENV_ID = /^[A-Za-z0-9_-]{1,64}$/

/**
 * The key environment's id from the function's environment (`PI_KEY_ENV`). Missing or equal to
 * the function's own environment is a configuration error, like a missing master key: keys in
 * the main environment would end up in its backups.
 */
export function keyEnvFromEnv(
  env: Record<string, string | undefined> = process.env,
  ownEnv?: string,
): string {
  const value = env.PI_KEY_ENV?.trim() ?? ''
  if (value === '') {
    throw new VaultConfigError(
      'PI_KEY_ENV is not set: the id of the key environment (a separate CloudBase environment) is required',
    )
  }
  if (!ENV_ID.test(value)) throw new VaultConfigError('PI_KEY_ENV must be a CloudBase environment id')
  if (ownEnv !== undefined && value === ownEnv) {
    throw new VaultConfigError('PI_KEY_ENV must name another environment than the function’s own')
  }
  return value
}

/** The key store over the key environment's database (`cloud.database({ env: PI_KEY_ENV })`). */
export function createKeyStore(deps: { db: Db; vault: Vault; clock: Clock }): KeyStore {
  const { db, vault, clock } = deps
  const keys = () => db.collection(COLLECTIONS.memberKeys)
  const opened = new Map<string, MemberCipher>()

  /** The wrapped key of a key document, checked to be the owner's. */
  function wrappedOf(owner: KeyOwner, stored: Record<string, unknown>): WrappedKey {
    const wrapped = wrappedKeyOf(stored)
    if (!wrapped || stored.kind !== owner.kind || stored.owner !== owner.id)
      throw new VaultError('malformed key document')
    return wrapped
  }

  function open(owner: KeyOwner, fetched: FetchedKey, legacy?: object): MemberCipher | null {
    if (fetched && 'cipher' in fetched) return fetched.cipher
    const wrapped = fetched ? wrappedOf(owner, fetched.stored) : wrappedKeyOf(legacy)
    if (!wrapped) return null
    const cipher = vault.openMemberKey(owner.id, wrapped)
    opened.set(keyDocId(owner), cipher)
    return cipher
  }

  async function fetch(owner: KeyOwner): Promise<FetchedKey> {
    const id = keyDocId(owner)
    const cipher = opened.get(id)
    if (cipher) return { cipher }
    const { data } = await keys().doc(id).get()
    return data ? { stored: data } : null
  }

  return {
    async create(owner) {
      const { cipher, ...wrapped } = vault.createMemberKey(owner.id)
      if (!(await addUnique(db, COLLECTIONS.memberKeys, keyDocument(owner, wrapped, new Date(clock.now())))))
        throw new Error(`a data key for this ${owner.kind} exists already`)
      opened.set(keyDocId(owner), cipher)
      return cipher
    },
    fetch,
    open,
    async cipher(owner, legacy) {
      return open(owner, await fetch(owner), legacy)
    },
    async destroy(owner) {
      const id = keyDocId(owner)
      opened.delete(id)
      await keys().doc(id).remove()
    },
  }
}
