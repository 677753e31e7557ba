/**
 * The audit log (5.5, L-14): one append-only entry for every read or write of personal
 * information — when, who, what, under which purpose, and whether it succeeded.
 *
 * Entries are only ever added (never updated) and carry a keyed MAC over their content, so an
 * entry edited in the console no longer verifies. The actor is a keyed hash of the OPENID (or a
 * staff id): the log says who acted without itself becoming a store of WeChat identifiers.
 */
import type { FieldKey } from '../../src/domain/identity/inventory'
import type { PurposeId } from '../../src/domain/consent/purposes'
import type { Clock } from './clock'
import { COLLECTIONS, type Db } from './db'
import type { Vault } from './vault'

export type AuditAction = 'create' | 'read' | 'update' | 'delete'

export interface AuditEvent {
  /** `wx:<hash>` for a WeChat user, `staff:<id>` for staff. */
  actor: string
  action: AuditAction
  purpose: PurposeId
  memberId: string
  fields: FieldKey[]
  success: boolean
}

export interface AuditEntry extends AuditEvent {
  at: Date
  mac: string
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>
  /** True when the entry is exactly as it was written. */
  verify(entry: Record<string, unknown>): boolean
}

/** The actor id of a WeChat user: a keyed hash, stable for one OPENID, useless without the key. */
export function wechatActor(vault: Vault, openid: string): string {
  return `wx:${vault.keyedHash('actor', openid)}`
}

export function staffActor(staffId: string): string {
  return `staff:${staffId}`
}

function canonical(entry: AuditEvent & { at: Date }): string {
  return JSON.stringify([
    entry.at.getTime(),
    entry.actor,
    entry.action,
    entry.purpose,
    entry.memberId,
    [...entry.fields],
    entry.success,
  ])
}

export function createAuditLog({ db, vault, clock }: { db: Db; vault: Vault; clock: Clock }): AuditLog {
  return {
    async record(event) {
      const entry = { ...event, fields: [...event.fields], at: new Date(clock.now()) }
      await db.collection(COLLECTIONS.auditLog).add({
        data: { ...entry, mac: vault.keyedHash('audit', canonical(entry)) },
      })
    },
    verify(stored) {
      const { at, actor, action, purpose, memberId, fields, success, mac } = stored
      if (!(at instanceof Date) || typeof mac !== 'string' || !Array.isArray(fields)) return false
      const entry = { at, actor, action, purpose, memberId, fields, success } as AuditEvent & { at: Date }
      return vault.keyedHash('audit', canonical(entry)) === mac
    },
  }
}
