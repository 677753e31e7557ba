/**
 * The audit log (5.5, L-14): one append-only entry for every read or write of personal
 * information — when, who, what, under which purpose, and whether it succeeded.
 *
 * Entries are only ever added and are tamper-evident (chain.ts): each function instance writes
 * its own hash chain (`chain`, `seq`, `prev`), every entry carries a MAC under the audit signing
 * key (`AUDIT_SIGNING_KEY`, apart from the index key), and each chain's head in `audit_chains`
 * records its last entry, so an edited, removed or cut-off entry is found by the verification
 * (`npm run audit:verify`, the scheduler's `verifyAudit`). The actor is a keyed hash of the
 * OPENID (or a staff id, or `system:<job>`): the log says who acted without itself becoming a
 * store of WeChat identifiers. A deleted member's entries are re-keyed to the anonymous id of
 * the deletion, in a signed redaction form the verification accepts (7.2, `redactMember`).
 *
 * Writes per recorded event (or per flushed batch): the entries in one request, the chain's
 * head, and the day counts; a function instance's first entry also opens its chain (one read,
 * one add).
 *
 * Per-day counts (`audit_days/<member id>:<China day>`): as entries are written, each is also
 * counted in its member's day, one row per kind of entry (actor, action, purpose, fields,
 * success). The member's data copy shows these rows, so it reads one document per day with
 * entries, whatever the number of entries. A sign-up, whose member is new, creates its member's
 * first day document with the counts of its entries.
 *
 * The member's own views of the member centre (`ownView`) are not entries: L-14 lets a member's
 * own views of their own data be counted per day instead. The China day goes into the member
 * record's `viewDays` on the day's first view; the record is read for the view anyway, so later
 * views of that day write nothing. A view that fails is still an entry.
 */
import { createHash } from 'node:crypto'

import { keptRecord, type FieldKey } from '../../src/domain/identity/inventory'
import { chinaDate, durationMs } from '../../src/domain/dates'
import type { PurposeId } from '../../src/domain/consent/purposes'
import { createAuditChain, entryIntact, redactMember, type AuditChain, type AuditSigner } from './chain'
import type { Clock } from './clock'
import { addUnique, COLLECTIONS, type Db, type Doc } from './db'
import type { Vault } from './vault'

/** How long entries, day counts and view days are kept (the inventory's period, which the manifest's sweep reads). */
export const AUDIT_RETENTION_MS = durationMs(keptRecord('auditLog').period)

export type AuditAction = 'create' | 'read' | 'update' | 'delete'

/**
 * What an entry was for: a purpose the member consented to, `staffAdmin` for the
 * administration of staff accounts (invites, joining, disabling), `partnerAdmin` for the partners
 * register (4.1.4), `channelAdmin` for opening and closing channels (4.2.1.2) — all about no
 * member — or `campaign` for a member's campaign claim and its
 * verification (under the purpose the campaign declared and the member agreed to when claiming).
 */
export type AuditPurpose = PurposeId | 'staffAdmin' | 'partnerAdmin' | 'channelAdmin' | 'campaign'

export interface AuditEvent {
  /** `wx:<hash>` for a WeChat user, `staff:<id>` for staff, `system:<job>` for a scheduled job. */
  actor: string
  action: AuditAction
  purpose: AuditPurpose
  /**
   * Whom the entry is about: a member's pseudonymous id; for staff administration the account
   * or invite concerned, `staff:<staffId>` or `invite:<invite id>` (never a member id: such
   * entries are recorded without day counts, no member's data copy shows them).
   */
  memberId: string
  fields: FieldKey[]
  success: boolean
  /**
   * Why, where the action asks for a justification: a staff member's full reveal of a field
   * (L-7) or change of a member's attribution names one of a fixed list of reasons. Signed with
   * the entry; not part of the day counts' rows.
   */
  reason?: string
}

/** Whatever takes audit events: the log, a batch of it, or the counter of a member's own views. */
export interface AuditRecorder {
  record(event: AuditEvent): Promise<void>
}

export interface AuditBatch extends AuditRecorder {
  /**
   * Writes what was recorded since the last flush: the entries in one request, their counts in
   * one more. `firstDay`: the member is new, so its day document is created straight away;
   * `counted: false`: entries only, for a member who will never have a data copy (a sign-up
   * being undone).
   */
  flush(options?: { firstDay?: boolean; counted?: boolean }): Promise<void>
}

export interface AuditLog extends AuditRecorder {
  /** `counted: false` leaves the day counts alone: for a member who is being deleted. */
  record(event: AuditEvent, options?: { counted?: boolean }): Promise<void>
  /** Events recorded into the batch are written when it is flushed, as one request each. */
  batch(): AuditBatch
  /** Counts a successful read per China day in the member record instead of an entry. */
  ownView(member: OwnViewRecord): AuditRecorder
  /** True when the entry (not redacted) is exactly as it was written; its chain is not looked at. */
  verify(entry: Record<string, unknown>): boolean
  /**
   * Re-keys every entry of a member being deleted to `anonymousId` (7.2): nothing kept names
   * the member or its WeChat user any more, and the chains still verify. Answers how many.
   */
  redactMember(memberId: string, anonymousId: string): Promise<number>
}

/** What `ownView` needs of the member record: its id and the days already counted. */
export interface OwnViewRecord {
  _id: string
  viewDays?: unknown
}

/** One row of a day document: the entries of the day that say the same thing, counted. */
export interface DayRow {
  actor: string
  action: AuditAction
  purpose: AuditPurpose
  fields: FieldKey[]
  success: boolean
  count: number
}

export interface AuditDayDoc extends Doc {
  memberId: string
  /** China date, YYYY-MM-DD. */
  day: string
  rows: Record<string, DayRow>
}

/** The actor id of a WeChat user: a keyed hash, stable for one OPENID, useless without the key. */
export function wechatActor(vault: Vault, openid: string): string {
  return `wx:${vault.keyedHash('actor', openid)}`
}

export function staffActor(staffId: string): string {
  return `staff:${staffId}`
}

/**
 * Records a staff member's change of something that concerns no member (an account, an invite,
 * a partner, a channel): `subject` names it; written without day counts.
 */
export async function recordAdministration(
  audit: AuditLog,
  entry: { purpose: AuditPurpose; staffId: string; action: AuditAction; subject: string },
): Promise<void> {
  await audit.record(
    {
      actor: staffActor(entry.staffId),
      action: entry.action,
      purpose: entry.purpose,
      memberId: entry.subject,
      fields: [],
      success: true,
    },
    { counted: false },
  )
}

/** A registered device (a store's POS) whose signed push wrote to a member's data. */
export function deviceActor(deviceId: string): string {
  return `device:${deviceId}`
}

/** A scheduled job acting on members' data (key rotation …). */
export function systemActor(job: string): string {
  return `system:${job}`
}

export const auditDayId = (memberId: string, day: string): string => `${memberId}:${day}`

/** The key of an entry's row in its day document (a field name: no dots, no `$`). */
export function auditRowKey(event: AuditEvent): string {
  const what = JSON.stringify([event.actor, event.action, event.purpose, event.fields, event.success])
  return `r${createHash('sha256').update(what).digest('hex').slice(0, 16)}`
}

/** The China days in `viewDays` of a member record (anything else there is ignored). */
export function viewDaysOf(record: OwnViewRecord): string[] {
  return Array.isArray(record.viewDays)
    ? record.viewDays.filter((d): d is string => typeof d === 'string')
    : []
}

/** Accesses of one kind on one day, counted: a row of a day document, or an entry (count 1). */
export interface CountedAccess {
  day: string
  actor: string
  action: AuditAction
  purpose: string
  fields: string[]
  success: boolean
  count: number
}

/** The rows of day documents (`audit_days`). */
export function dayRows(docs: Doc[]): CountedAccess[] {
  return docs.flatMap((doc) =>
    Object.values((doc.rows ?? {}) as Record<string, Partial<DayRow>>).map((row) => ({
      day: String(doc.day),
      actor: String(row.actor),
      action: row.action as AuditAction,
      purpose: String(row.purpose),
      fields: Array.isArray(row.fields) ? row.fields.map(String) : [],
      success: row.success === true,
      count: Number(row.count) || 0,
    })),
  )
}

/** Audit entries as counted accesses of 1 each, on their China day. */
export function entryRows(docs: Doc[]): CountedAccess[] {
  return docs.map((entry) => ({
    day: chinaDate(new Date(entry.at as Date).getTime()),
    actor: String(entry.actor),
    action: entry.action as AuditAction,
    purpose: String(entry.purpose),
    fields: Array.isArray(entry.fields) ? entry.fields.map(String) : [],
    success: entry.success === true,
    count: 1,
  }))
}

type Timed = AuditEvent & { at: Date }

export function createAuditLog(deps: {
  db: Db
  signer: AuditSigner
  clock: Clock
  /** The function instance's chain, kept across its calls; a chain of this log's own otherwise. */
  chain?: AuditChain
}): AuditLog {
  const { db, signer, clock } = deps
  const chain = deps.chain ?? createAuditChain()
  const _ = db.command
  const days = () => db.collection(COLLECTIONS.auditDays)

  const timed = (event: AuditEvent): Timed => ({
    ...event,
    fields: [...event.fields],
    at: new Date(clock.now()),
  })
  const append = (written: Timed[]) => chain.append(db, signer, clock, written)

  /** Adds the events to their members' day documents: one update each (an add for a new day). */
  async function count(events: Timed[], firstDay: boolean): Promise<void> {
    const byDay = new Map<string, { memberId: string; day: string; rows: Map<string, DayRow> }>()
    for (const event of events) {
      const day = chinaDate(event.at.getTime())
      const id = auditDayId(event.memberId, day)
      const doc = byDay.get(id) ?? { memberId: event.memberId, day, rows: new Map<string, DayRow>() }
      byDay.set(id, doc)
      const key = auditRowKey(event)
      const row = doc.rows.get(key)
      if (row) row.count++
      else {
        const { actor, action, purpose, fields, success } = event
        doc.rows.set(key, { actor, action, purpose, fields, success, count: 1 })
      }
    }
    for (const [id, { memberId, day, rows }] of byDay) {
      const created = { _id: id, memberId, day, rows: Object.fromEntries(rows) }
      const increments: Record<string, unknown> = {}
      for (const [key, { count: n, ...row }] of rows) {
        increments[`rows.${key}.count`] = _.inc(n)
        for (const [name, value] of Object.entries(row)) increments[`rows.${key}.${name}`] = value
      }
      if (firstDay && (await addUnique(db, COLLECTIONS.auditDays, created))) continue
      const { stats } = await days().doc(id).update({ data: increments })
      if (stats.updated === 1) continue
      // The member's first entry of the day; a concurrent first entry may create it meanwhile.
      if (await addUnique(db, COLLECTIONS.auditDays, created)) continue
      await days().doc(id).update({ data: increments })
    }
  }

  const log: AuditLog = {
    async record(event, options = {}) {
      const entry = timed(event)
      await append([entry])
      if (options.counted !== false) await count([entry], false)
    },

    batch() {
      let pending: Timed[] = []
      return {
        async record(event) {
          pending.push(timed(event))
        },
        async flush(options = {}) {
          if (pending.length === 0) return
          const written = pending
          await append(written)
          pending = []
          if (options.counted !== false) await count(written, options.firstDay === true)
        },
      }
    },

    ownView(member) {
      return {
        async record(event) {
          if (!event.success || event.action !== 'read') return log.record(event)
          const now = clock.now()
          const day = chinaDate(now)
          const seen = viewDaysOf(member)
          if (seen.includes(day)) return
          // Days past the retention go when the next day is added; most days, nothing is past.
          const cutoff = chinaDate(now - AUDIT_RETENTION_MS)
          const kept = seen.filter((d) => d >= cutoff)
          await db
            .collection(COLLECTIONS.members)
            .doc(member._id)
            .update({ data: { viewDays: kept.length === seen.length ? _.addToSet(day) : [...kept, day] } })
        },
      }
    },

    verify: (stored) => entryIntact(signer, stored),

    redactMember: (memberId, anonymousId) => redactMember(db, signer, clock, memberId, anonymousId),
  }
  return log
}
