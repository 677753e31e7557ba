/**
 * The member's rights over the whole account (L-8, L-9, 7.2):
 * - `exportData`: a complete copy, driven by `MEMBER_DATA` in database/manifest.ts — every
 *   member-linked collection is either a section of the copy, exported as stored (`other`), or
 *   excluded with a stated reason; a collection missing from the map fails the export.
 * - `deleteAccount`: one action with an explicit confirmation; deletion completes at once.
 */
import { MEMBER_DATA, manifest } from '../../database/manifest'
import { chinaDate } from '../../src/domain/member'
import {
  POINTS_REASON_LABELS,
  type AccessLogDay,
  type DataExport,
  type GuardianRelation,
  type LedgerEntryView,
  type PointsReason,
} from '../../src/domain/selfService'
import { COLLECTIONS, getDoc, type Doc } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import type { Caller } from '../common/router'
import { allows } from '../common/scope'
import { consentViews, receiptView } from './consents'
import { channelOf, type MemberContext } from './context'
import { parsePlates } from './plates'
import { toProfile } from './profile'
import { storeOf } from './service'

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

/** Audit entries of one day that say the same thing become one counted row (newest day first). */
export function accessLog(entries: Doc[], self: string): AccessLogDay[] {
  const days = new Map<string, AccessLogDay>()
  for (const entry of entries) {
    const actor = String(entry.actor)
    const row: AccessLogDay = {
      day: chinaDate(new Date(entry.at as Date).getTime()),
      by: actor === self ? 'self' : actor.startsWith('staff:') ? 'staff' : 'system',
      action: entry.action as AccessLogDay['action'],
      purpose: String(entry.purpose),
      fields: Array.isArray(entry.fields) ? entry.fields.map(String) : [],
      success: entry.success === true,
      count: 1,
    }
    const key = JSON.stringify([row.day, row.by, row.action, row.purpose, row.fields, row.success])
    const seen = days.get(key)
    if (seen) seen.count++
    else days.set(key, row)
  }
  return [...days.values()].sort((a, b) => b.day.localeCompare(a.day))
}

export function createAccountActions(ctx: MemberContext): AccountActions {
  const { db, guard, clock } = ctx

  async function linked(collection: string, where: Record<string, unknown>): Promise<Doc[]> {
    const docs: Doc[] = []
    for (;;) {
      // Paged by skip: without an order CloudBase may answer any documents for each page.
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

  return {
    async exportData(caller) {
      const member = await ctx.requireMember(caller, { allowPending: true })
      if (!member.ok) return member
      const record = member.data
      const memberId = record._id
      const actor = ctx.actor(caller)

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
      )
      if (!read.ok) return read
      const values = read.data
      let idNumber: string | null = null
      let plates: DataExport['plates'] = []
      if (allows(record, 'idNumber')) {
        const id = await guard.read(memberId, 'idNumber', ['idNumber'], actor)
        if (id.ok) idNumber = id.data.idNumber ?? null
      }
      if (allows(record, 'parking')) {
        const p = await guard.read(memberId, 'parking', ['plates'], actor)
        if (p.ok) plates = parsePlates(p.data.plates).map((x) => ({ ...x, masked: x.plate }))
      }

      const out: DataExport = {
        exportedAt: new Date(clock.now()).toISOString(),
        format: 'mall-membership/export/v1',
        profile: toProfile(record, values, idNumber, await storeOf(db, record.storeId)),
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
          at: new Date(
            (record.consents?.membership?.at as Date | undefined) ?? record.joinedAt,
          ).toISOString(),
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
            out.accessLog = accessLog(docs, actor)
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
