/**
 * The member's rights over the whole account (L-8, L-9, 7.2):
 * - `exportData`: a complete copy, driven by `MEMBER_DATA` in database/manifest.ts — every
 *   member-linked collection is either a section of the copy, exported as stored (`other`), or
 *   excluded with a stated reason; a collection missing from the map fails the export.
 * - `deleteAccount`: one action with an explicit confirmation; deletion completes at once.
 */
import { MEMBER_DATA, manifest } from '../../database/manifest'
import {
  POINTS_REASON_LABELS,
  type AccessLogDay,
  type DataExport,
  type GuardianRelation,
  type LedgerEntryView,
  type PointsReason,
} from '../../src/domain/selfService'
import { dayRows, viewDaysOf, type AuditBatch, type CountedAccess } from '../common/audit'
import { COLLECTIONS, getDoc, type Doc } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import type { Caller } from '../common/router'
import { allows, type MemberRecord } from '../common/scope'
import { consentViews, receiptView } from './consents'
import { channelOf, type MemberContext, type MemberDoc } from './context'
import { parsePlates } from './plates'
import { toProfile } from './profile'
import { HOME_FIELDS, storeOf } from './service'

const PAGE = 1000

export interface AccountActions {
  exportData(caller: Caller): Promise<Result<{ export: DataExport }>>
  deleteAccount(caller: Caller, data: Record<string, unknown>): Promise<Result<{ deleted: true }>>
}

function ledgerView(doc: Doc): LedgerEntryView {
  const reason = doc.reason as PointsReason
  return {
    id: doc._id,
    delta: Number(doc.delta),
    reason,
    at: new Date(doc.at as Date).toISOString(),
    note: typeof doc.note === 'string' && doc.note !== '' ? doc.note : (POINTS_REASON_LABELS[reason] ?? ''),
  }
}

/**
 * Accesses of one day that say the same thing become one counted row, newest day first (then in
 * a fixed order). `self` is the member's own actor id: their accesses are `by: 'self'`.
 */
export function accessLog(accesses: CountedAccess[], self: string): AccessLogDay[] {
  const days = new Map<string, AccessLogDay>()
  for (const access of accesses) {
    const { actor, day, action, purpose, fields, success, count } = access
    const by = actor === self ? 'self' : actor.startsWith('staff:') ? 'staff' : 'system'
    const key = JSON.stringify([day, by, action, purpose, fields, success])
    const seen = days.get(key)
    if (seen) seen.count += count
    else days.set(key, { day, by, action, purpose, fields, success, count })
  }
  return [...days.entries()]
    .sort(([a, x], [b, y]) => y.day.localeCompare(x.day) || a.localeCompare(b))
    .map(([, row]) => row)
}

/** The member's own views of the member centre: one access per China day viewed (`viewDays`). */
function ownViews(record: MemberRecord, self: string): CountedAccess[] {
  return viewDaysOf(record).map((day) => ({
    day,
    actor: self,
    action: 'read',
    purpose: 'membership',
    fields: [...HOME_FIELDS],
    success: true,
    count: 1,
  }))
}

export function createAccountActions(ctx: MemberContext): AccountActions {
  const { db, guard, clock } = ctx

  async function linked(collection: string, where: Record<string, unknown>): Promise<Doc[]> {
    const docs: Doc[] = []
    for (;;) {
      // Ordered, so that pages neither skip nor repeat a document (a member's days may pass 1000).
      const { data } = await db
        .collection(collection)
        .where(where)
        .orderBy('_id', 'asc')
        .skip(docs.length)
        .limit(PAGE)
        .get()
      docs.push(...data)
      if (data.length < PAGE) return docs
    }
  }

  async function copyOf(
    record: MemberDoc,
    actor: string,
    entries: AuditBatch,
  ): Promise<Result<{ export: DataExport }>> {
    const memberId = record._id
    const read = await guard.read(
      memberId,
      'membership',
      [
        'name',
        'phone',
        'birthDate',
        'address',
        'email',
        'cardNo',
        'guardianName',
        'guardianRelation',
        'guardianPhone',
      ],
      actor,
      entries,
    )
    if (!read.ok) return read
    const values = read.data
    let idNumber: string | null = null
    let plates: DataExport['plates'] = []
    if (allows(record, 'idNumber')) {
      const id = await guard.read(memberId, 'idNumber', ['idNumber'], actor, entries)
      if (id.ok) idNumber = id.data.idNumber ?? null
    }
    if (allows(record, 'parking')) {
      const p = await guard.read(memberId, 'parking', ['plates'], actor, entries)
      if (p.ok) plates = parsePlates(p.data.plates).map((x) => ({ ...x, masked: x.plate }))
    }
    // Written before the access log is read, so that the copy lists its own reads too.
    await entries.flush()

    const out: DataExport = {
      exportedAt: new Date(clock.now()).toISOString(),
      format: 'mall-membership/export/v1',
      profile: toProfile(record, values, idNumber, await storeOf(ctx, record.storeId)),
      plates,
      card: null,
      consents: consentViews(record),
      consentReceipts: [],
      pointsLedger: [],
      guardian: null,
      accessLog: [],
      other: {},
    }
    if (values.guardianName !== undefined)
      out.guardian = {
        name: values.guardianName,
        relation: values.guardianRelation as GuardianRelation,
        phone: values.guardianPhone ?? '',
        at: new Date((record.consents?.membership?.at as Date | undefined) ?? record.joinedAt).toISOString(),
      }

    for (const { name } of manifest.collections) {
      // Unclassified (a test fails on that): copied by memberId rather than left out.
      const entry = MEMBER_DATA[name] ?? { link: 'memberId', section: 'other' }
      if (!('section' in entry) || entry.link === '_id') continue
      const docs = await linked(name, { memberId })
      switch (entry.section) {
        case 'consentReceipts':
          out.consentReceipts = docs.map(receiptView).sort((a, b) => b.at.localeCompare(a.at))
          break
        case 'pointsLedger': {
          // The bound card's own history became the member's (4.2.2.1).
          const cardDocs = record.cardId ? await linked(name, { cardId: record.cardId }) : []
          out.pointsLedger = [...docs, ...cardDocs].map(ledgerView).sort((a, b) => b.at.localeCompare(a.at))
          break
        }
        case 'accessLog':
          // The day counts of the entries, and the member's own views counted per day.
          out.accessLog = accessLog([...dayRows(docs), ...ownViews(record, actor)], actor)
          break
        case 'card': {
          const card = docs[0]
          if (card && values.cardNo)
            out.card = { cardNo: values.cardNo, boundAt: new Date(card.boundAt as Date).toISOString() }
          break
        }
        default:
          out.other[name] = docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }))
      }
    }
    return ok({ export: out })
  }

  return {
    async exportData(caller) {
      const member = await ctx.requireMember(caller, { allowPending: true })
      if (!member.ok) return member
      // The copy's own reads are audited together: their entries in one write, their counts in
      // one more — also when the copy fails half-way, before the failure is answered.
      const entries = ctx.audit.batch()
      try {
        return await copyOf(member.data, ctx.actor(caller), entries)
      } finally {
        await entries.flush()
      }
    },

    async deleteAccount(caller, data) {
      if (data.confirm !== true) return fail('CONFIRMATION_REQUIRED', 'confirm')
      // By the claim, not the record: a deletion that died half-way can be run again.
      const memberId = await ctx.claims.holder('openid', caller.openid)
      if (!memberId) return fail('NOT_A_MEMBER')
      const exists =
        (await getDoc(db, COLLECTIONS.members, memberId)) ??
        (await getDoc(db, COLLECTIONS.identities, memberId))
      if (!exists) {
        await ctx.erasure.eraseMember(memberId, ctx.actor(caller), channelOf(caller.source))
        return fail('NOT_A_MEMBER')
      }
      await ctx.erasure.eraseMember(memberId, ctx.actor(caller), channelOf(caller.source))
      return ok({ deleted: true })
    },
  }
}
