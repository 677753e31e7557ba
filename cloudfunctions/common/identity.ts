/**
 * The identity store (3.9, 5.1): identifiers live apart from the pseudonymous member record,
 * each field encrypted with the member's data key, lookups only through blind indexes. Every
 * read and write names a purpose, is checked against the data inventory and is audited.
 *
 * The member's wrapped data key is not in the identity document but in the key store
 * (keystore.ts, another environment): a read fetches both at once. A document written before
 * the key store still carries `keyId` + `wrappedKey`; it is read with those until the key
 * migration (scheduler) has moved them.
 */
import { INVENTORY, inventoryField, type FieldKey } from '../../src/domain/identity/inventory'
import type { PurposeId } from '../../src/domain/consent/purposes'
import type { AuditLog, AuditRecorder } from './audit'
import type { Clock } from './clock'
import { addUnique, COLLECTIONS, getDoc, isDuplicateKeyError, type Db } from './db'
import type { Result } from './errors'
import { memberKey, type KeyStore } from './keystore'
import type { IndexKind, MemberCipher, Sealed, Vault } from './vault'

export type IdentityValues = Partial<Record<FieldKey, string>>

/** The stored shape: no plaintext identifier and no key material anywhere in it. */
export interface IdentityDoc {
  _id: string
  /** Only on documents written before the key store, until the key migration moved them. */
  keyId?: string
  wrappedKey?: Sealed
  fields: Partial<Record<FieldKey, Sealed>>
  /** Blind indexes, `<field>Index`, for the fields the inventory marks `blindIndex`. */
  [index: `${string}Index`]: string
  createdAt: Date
  updatedAt: Date
}

export interface AccessContext {
  purpose: PurposeId
  actor: string
  /** The justification the audit entries carry (a staff member's full reveal). */
  reason?: string
  /**
   * Who records the access: the audit log itself by default; a batch the caller writes in one
   * go (a sign-up, a data copy); or the member's own view, counted per day (`audit.ownView`).
   */
  audit?: AuditRecorder
}

export interface IdentityStore {
  /** Writes the identity document of a new member. */
  create(memberId: string, values: IdentityValues, access: AccessContext): Promise<void>
  /**
   * Decrypts the named fields; null when the member has no identity (cancelled or never made) or
   * no data key any more (a deletion under way: the key goes first).
   */
  read(memberId: string, fields: FieldKey[], access: AccessContext): Promise<IdentityValues | null>
  /**
   * Changes fields: `change` sees the current values of `fields` and answers what to set and
   * what to remove (or a failure, which writes nothing). A compare-and-set on `rev` makes a
   * concurrent change of the same identity retry with fresh values. Null: no identity.
   */
  modify<T>(
    memberId: string,
    fields: FieldKey[],
    access: AccessContext,
    change: (current: IdentityValues) => Result<IdentityChange<T>> | Promise<Result<IdentityChange<T>>>,
  ): Promise<Result<T> | null>
  /**
   * Destroys the member's data key, then removes the identity document (crypto-shredding): once
   * the key is gone, no copy of the identity anywhere can be decrypted, even if the second step
   * fails.
   */
  destroy(memberId: string, access: AccessContext): Promise<void>
}

export interface IdentityChange<T> {
  set?: IdentityValues
  remove?: FieldKey[]
  value: T
}

const MAX_MODIFY_ROUNDS = 8

const INDEX_KINDS: Partial<Record<FieldKey, IndexKind>> = {
  phone: 'phone',
  openid: 'openid',
  plates: 'plate',
}

function indexKind(field: FieldKey): IndexKind {
  const kind = INDEX_KINDS[field]
  if (!kind) throw new Error(`no blind-index kind for field ${field}`)
  return kind
}

/** Refuses a field the inventory does not allow under this purpose (6.1.1). */
function assertPurpose(fields: FieldKey[], purpose: PurposeId): void {
  for (const key of fields) {
    if (!inventoryField(key).purposes.includes(purpose)) {
      throw new Error(`field ${key} may not be processed for purpose ${purpose}`)
    }
  }
}

export function createIdentityStore(deps: {
  db: Db
  vault: Vault
  audit: AuditLog
  clock: Clock
  /** The key store in the key environment: where the member data keys are. */
  keys: KeyStore
}): IdentityStore {
  const { db, vault, audit, clock, keys } = deps
  const identities = () => db.collection(COLLECTIONS.identities)

  /**
   * The identity document and the member's cipher, read in parallel. The cipher is null when no
   * key is found: the key was destroyed (a deletion under way), unless the key migration moved
   * it from the document to the store between the two reads — one more look at the store tells.
   */
  async function load(
    memberId: string,
  ): Promise<{ doc: IdentityDoc | null; cipher: () => MemberCipher | null }> {
    const owner = memberKey(memberId)
    const [doc, fetched] = await Promise.all([
      getDoc(db, COLLECTIONS.identities, memberId) as Promise<IdentityDoc | null>,
      keys.fetch(owner),
    ])
    if (!doc) return { doc, cipher: () => null }
    const late = !fetched && !doc.wrappedKey ? await keys.fetch(owner) : fetched
    return { doc, cipher: () => keys.open(owner, late, doc) }
  }

  return {
    async create(memberId, values, { audit: recorder = audit, ...access }) {
      const keyFields = Object.keys(values) as FieldKey[]
      assertPurpose(keyFields, access.purpose)
      for (const key of keyFields) {
        const field = inventoryField(key)
        if (field.store !== 'identity') throw new Error(`field ${key} does not belong in the identity store`)
        if (!field.encrypted && !field.blindIndex)
          throw new Error(`field ${key} would be stored in plaintext`)
      }
      const owner = memberKey(memberId)
      const cipher = await keys.create(owner)
      const now = new Date(clock.now())
      const doc: Record<string, unknown> = {
        _id: memberId,
        createdAt: now,
        updatedAt: now,
      }
      const fields: Partial<Record<FieldKey, Sealed>> = {}
      for (const key of keyFields) {
        const field = inventoryField(key)
        const value = values[key] as string
        if (field.encrypted) fields[key] = cipher.encrypt(key, value)
        if (field.blindIndex) doc[`${key}Index`] = vault.blindIndex(indexKind(key), value)
      }
      doc.fields = fields
      doc.rev = 0
      try {
        await identities().add({ data: doc })
      } catch (error) {
        // No identity, so no key either: a key without a document would be kept for nothing.
        await keys.destroy(owner).catch(() => undefined)
        throw error
      }
      await recorder.record({ ...access, action: 'create', memberId, fields: keyFields, success: true })
    },

    async read(memberId, fields, { audit: recorder = audit, ...access }) {
      assertPurpose(fields, access.purpose)
      const loaded = await load(memberId)
      const doc = loaded.doc
      if (!doc) return null
      try {
        const cipher = loaded.cipher()
        if (!cipher) return null
        const values: IdentityValues = {}
        for (const key of fields) {
          const sealed = doc.fields?.[key]
          if (sealed) values[key] = cipher.decrypt(key, sealed)
        }
        await recorder.record({ ...access, action: 'read', memberId, fields, success: true })
        return values
      } catch (error) {
        // A failed decryption is itself worth an audit line: it may be tampering (5.5).
        await recorder.record({ ...access, action: 'read', memberId, fields, success: false })
        throw error
      }
    },

    async modify(memberId, fields, { audit: given, ...access }, change) {
      const _ = db.command
      // Decrypting the current values is a read (5.5): its entry goes out with the update's, in
      // one write, unless the caller collects the entries itself.
      const entries = given ? null : audit.batch()
      const recorder = given ?? (entries as AuditRecorder)
      let decrypted = false
      const done = async <R>(result: R, updated: FieldKey[] = []): Promise<R> => {
        if (decrypted) await recorder.record({ ...access, action: 'read', memberId, fields, success: true })
        if (updated.length > 0)
          await recorder.record({ ...access, action: 'update', memberId, fields: updated, success: true })
        await entries?.flush()
        return result
      }
      for (let round = 0; round < MAX_MODIFY_ROUNDS; round++) {
        // From the second round on the key is known: only the identity document is read again.
        const loaded = await load(memberId)
        const doc = loaded.doc as (IdentityDoc & { rev?: number }) | null
        if (!doc) return done(null)
        const cipher = loaded.cipher()
        if (!cipher) return done(null)
        const current: IdentityValues = {}
        try {
          for (const key of fields) {
            const sealed = doc.fields?.[key]
            if (sealed) {
              current[key] = cipher.decrypt(key, sealed)
              decrypted = true
            }
          }
        } catch (error) {
          // A failed decryption is itself worth an audit line: it may be tampering (5.5).
          await recorder.record({ ...access, action: 'read', memberId, fields, success: false })
          await entries?.flush()
          throw error
        }
        const decided = await change(current)
        if (!decided.ok) return done(decided)
        const { set = {}, remove = [], value } = decided.data
        const touched = [...Object.keys(set), ...remove] as FieldKey[]
        // Nothing to change (a retried change): nothing written but the read of the current values.
        if (touched.length === 0) return done({ ok: true as const, data: value })
        assertPurpose(touched, access.purpose)
        const data: Record<string, unknown> = { rev: (doc.rev ?? 0) + 1, updatedAt: new Date(clock.now()) }
        for (const key of Object.keys(set) as FieldKey[]) {
          const field = inventoryField(key)
          if (field.store !== 'identity')
            throw new Error(`field ${key} does not belong in the identity store`)
          if (field.encrypted) data[`fields.${key}`] = cipher.encrypt(key, set[key] as string)
          if (field.blindIndex && key !== 'plates')
            data[`${key}Index`] = vault.blindIndex(indexKind(key), set[key] as string)
        }
        for (const key of remove) {
          data[`fields.${key}`] = _.remove()
          if (inventoryField(key).blindIndex) data[`${key}Index`] = _.remove()
        }
        const { stats } = await identities()
          .where({ _id: memberId, rev: doc.rev === undefined ? _.exists(false) : doc.rev })
          .update({ data })
        if (stats.updated === 1) return done({ ok: true as const, data: value }, touched)
      }
      await done(null)
      throw new Error('identity changed too often concurrently')
    },

    async destroy(memberId, { audit: _recorder, ...access }) {
      await keys.destroy(memberKey(memberId))
      await identities().doc(memberId).remove()
      const fields = INVENTORY.filter((f) => f.store === 'identity').map((f) => f.key)
      // Not counted per day: the member is going (or never came to be), so no copy will show it.
      await audit.record({ ...access, action: 'delete', memberId, fields, success: true }, { counted: false })
    },
  }
}

/** A uniqueness claim in `identity_index`: `_id` = `<kind>:<blind index>`. */
export interface ClaimOptions {
  /**
   * Taken by a step that has not finished yet (a sign-up's claim of the WeChat user, until the
   * member record is written): the next claim of the same value takes it over at once instead
   * of waiting for the abandoned-claim rule. Only for values that only their owner can claim
   * (the OPENID): a retry of the same WeChat user after a sign-up died takes over its own claim.
   */
  pending?: boolean
}

export interface Claims {
  /** True when this member now holds the claim; false when another member does. */
  claim(kind: IndexKind, value: string, memberId: string, options?: ClaimOptions): Promise<boolean>
  /**
   * Takes several claims for one member: null when it holds them all, else the kind of the
   * first one another member holds (and then it holds none of them). Usually one write.
   */
  claimAll(
    wanted: Array<[IndexKind, string]>,
    memberId: string,
    options?: { pending?: IndexKind },
  ): Promise<IndexKind | null>
  /**
   * Confirms a pending claim: true when this member still held it. Once confirmed it is an
   * ordinary claim; a claim taken over while pending cannot be confirmed any more.
   */
  confirm(kind: IndexKind, value: string, memberId: string): Promise<boolean>
  /** Releases a claim, only if this member holds it. */
  release(kind: IndexKind, value: string, memberId: string): Promise<void>
  /** The member holding a claim, if any. */
  holder(kind: IndexKind, value: string): Promise<string | null>
  /** The id of the claim of a value, `<kind>:<blind index>`: computed, no database read. */
  idOf(kind: IndexKind, value: string): string
  /** The member holding the claim with this id (`idOf`), if any. */
  holderOf(id: string): Promise<string | null>
}

/**
 * `isAbandoned(memberId, claimedAt)` tells whether a claim was left behind by a sign-up that
 * died half-way (function timeout, crash): such a claim is taken over instead of blocking the
 * shopper for ever. A pending claim (see ClaimOptions) is taken over at once, and so are the
 * other claims of the member it was taken from.
 */
export function createClaims(deps: {
  db: Db
  vault: Vault
  clock: Clock
  isAbandoned: (memberId: string, claimedAt: Date) => Promise<boolean>
}): Claims {
  const { db, vault, clock, isAbandoned } = deps
  const index = () => db.collection(COLLECTIONS.identityIndex)
  const claimId = (kind: IndexKind, value: string) => `${kind}:${vault.blindIndex(kind, value)}`

  // Members whose pending claim this instance took over: their sign-up can never finish, so
  // their other claims are abandoned too.
  const takenOver = new Set<string>()
  const claimDoc = (kind: IndexKind, value: string, memberId: string, at: Date, pending?: boolean) => ({
    _id: claimId(kind, value),
    kind,
    memberId,
    at,
    ...(pending ? { pending: true } : {}),
  })

  const claims: Claims = {
    async claim(kind, value, memberId, options = {}) {
      const _id = claimId(kind, value)
      // Two rounds: the second one after taking over an abandoned claim or after a release.
      for (let round = 0; round < 2; round++) {
        if (
          await addUnique(
            db,
            COLLECTIONS.identityIndex,
            claimDoc(kind, value, memberId, new Date(clock.now()), options.pending),
          )
        ) {
          return true
        }
        const existing = await getDoc(db, COLLECTIONS.identityIndex, _id)
        if (!existing) continue
        if (existing.memberId === memberId) return true
        const holder = String(existing.memberId)
        if (existing.pending === true) {
          // Taken over in one conditional write, only while still pending: concurrent takers
          // replace each other one at a time and the claim is never free in between, so the
          // last of them holds it and the others' confirm fails.
          const { stats } = await index()
            .where({ _id, memberId: holder, pending: true })
            .update({
              data: {
                memberId,
                at: new Date(clock.now()),
                pending: options.pending === true,
              },
            })
          if (stats.updated === 1) {
            takenOver.add(holder)
            return true
          }
          continue
        }
        const at = existing.at instanceof Date ? existing.at : new Date(0)
        if (!takenOver.has(holder) && !(await isAbandoned(holder, at))) return false
        await index().where({ _id, memberId: holder }).remove()
      }
      return false
    },
    async confirm(kind, value, memberId) {
      const { stats } = await index()
        .where({ _id: claimId(kind, value), memberId, pending: true })
        // `false` rather than removing the field: the claim stays the same document, and a write
        // that drops nothing needs no WAL checkpoint in local-cloud.
        .update({ data: { pending: false } })
      return stats.updated === 1
    },
    async release(kind, value, memberId) {
      await index()
        .where({ _id: claimId(kind, value), memberId })
        .remove()
    },
    async claimAll(wanted, memberId, options = {}) {
      const at = new Date(clock.now())
      try {
        // Note: an `add` of several documents is one request. Whether CloudBase keeps some of
        // them when one is a duplicate is not relied on: one by one below, a claim this member
        // already holds counts as taken, and every claim is released on a refusal.
        await index().add({
          data: wanted.map(([kind, value]) => claimDoc(kind, value, memberId, at, kind === options.pending)),
        })
        return null
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error
      }
      for (const [kind, value] of wanted) {
        if (await claims.claim(kind, value, memberId, { pending: kind === options.pending })) continue
        for (const [other, otherValue] of wanted) await claims.release(other, otherValue, memberId)
        return kind
      }
      return null
    },
    holder: (kind, value) => claims.holderOf(claimId(kind, value)),
    idOf: claimId,
    async holderOf(id) {
      const doc = await getDoc(db, COLLECTIONS.identityIndex, id)
      return doc ? String(doc.memberId) : null
    },
  }
  return claims
}
