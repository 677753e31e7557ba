/**
 * Staff invites (5.3): `staff_invites/<keyed hash of the code>` → { role, storeIds, counterId?,
 * displayName?, createdBy, createdAt, expiresAt, status open|used|revoked, usedAt?, usedBy? }.
 * The code itself is only ever in the answer to its creator; taking an invite is one
 * conditional update (open and not expired → used), so of any number of concurrent redeemers
 * exactly one wins. Every change is audited under `staffAdmin`, about the invite
 * (`invite:<id>`) or the account (`staff:<staffId>`), without day counts: no member's data copy
 * is concerned.
 */
import { randomBytes } from 'node:crypto'

import type { CreatedInvite } from '../../src/domain/contracts/staff'
import type { StaffRole } from '../../src/domain/staff/model'
import { INVITE_ALPHABET, INVITE_CODE_LENGTH, INVITE_TTL_MS, inviteScene } from '../../src/domain/staff/rules'
import type { AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Vault } from '../common/vault'

export interface InviteDoc extends Doc {
  role: StaffRole
  storeIds: string[]
  counterId?: string
  displayName?: string
  /** The audit actor who created it (`staff:<id>` or `system:<job>`). */
  createdBy: string
  createdAt: Date
  expiresAt: Date
  status: 'open' | 'used' | 'revoked'
  usedAt?: Date
  usedBy?: string
}

export interface InviteTerms {
  role: StaffRole
  storeIds: string[]
  counterId?: string
  displayName?: string
}

/** 16 characters of the invite alphabet: 32 divides 256, so each byte's low 5 bits are uniform. */
export function newInviteCode(): string {
  return [...randomBytes(INVITE_CODE_LENGTH)].map((byte) => INVITE_ALPHABET[byte & 31]).join('')
}

export const inviteId = (vault: Vault, code: string): string => vault.keyedHash('staff-invite', code)

export const inviteSubject = (id: string): string => `invite:${id}`
export const staffSubject = (staffId: string): string => `staff:${staffId}`

export function createInvites(deps: { db: Db; vault: Vault; audit: AuditLog; clock: Clock }) {
  const { db, vault, audit, clock } = deps
  const invites = () => db.collection(COLLECTIONS.staffInvites)

  /** One `staffAdmin` entry: `actor` created or changed `subject`. */
  async function record(actor: string, action: 'create' | 'update', subject: string): Promise<void> {
    await audit.record(
      { actor, action, purpose: 'staffAdmin', memberId: subject, fields: [], success: true },
      { counted: false },
    )
  }

  return {
    record,

    /** Creates an invite as `actor` (already checked to be allowed to) and answers its code, once. */
    async create(actor: string, terms: InviteTerms): Promise<CreatedInvite> {
      const code = newInviteCode()
      const id = inviteId(vault, code)
      const now = clock.now()
      const expiresAt = new Date(now + INVITE_TTL_MS)
      const doc: InviteDoc = {
        _id: id,
        role: terms.role,
        storeIds: [...terms.storeIds],
        ...(terms.counterId ? { counterId: terms.counterId } : {}),
        ...(terms.displayName ? { displayName: terms.displayName } : {}),
        createdBy: actor,
        createdAt: new Date(now),
        expiresAt,
        status: 'open',
      }
      await invites().add({ data: doc })
      await record(actor, 'create', inviteSubject(id))
      return { code, expiresAt: expiresAt.toISOString(), scene: inviteScene(code) }
    },

    /** The invite of `code` while it can still be taken, else null. */
    async open(code: string): Promise<InviteDoc | null> {
      const doc = (await getDoc(db, COLLECTIONS.staffInvites, inviteId(vault, code))) as InviteDoc | null
      if (!doc || doc.status !== 'open' || new Date(doc.expiresAt).getTime() <= clock.now()) return null
      return doc
    },

    /** Takes the open invite `id` for `staffId`: true for exactly one of any concurrent takers. */
    async take(id: string, staffId: string): Promise<boolean> {
      const now = new Date(clock.now())
      const { stats } = await invites()
        .where({ _id: id, status: 'open', expiresAt: db.command.gt(now) })
        .update({ data: { status: 'used', usedAt: now, usedBy: staffId } })
      return stats.updated === 1
    },

    /** Gives back an invite taken by `staffId` whose account could not be created. */
    async release(id: string, staffId: string): Promise<void> {
      const _ = db.command
      await invites()
        .where({ _id: id, usedBy: staffId })
        .update({ data: { status: 'open', usedAt: _.remove(), usedBy: _.remove() } })
    },

    /** Revokes an open invite as `actor`; false when it was not open any more. */
    async revoke(actor: string, id: string): Promise<boolean> {
      const { stats } = await invites()
        .where({ _id: id, status: 'open' })
        .update({ data: { status: 'revoked', revokedAt: new Date(clock.now()) } })
      if (stats.updated !== 1) return false
      await record(actor, 'update', inviteSubject(id))
      return true
    },
  }
}

export type Invites = ReturnType<typeof createInvites>
