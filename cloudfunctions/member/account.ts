/**
 * The member's rights over the whole account (L-8, L-9, 7.2):
 * - `exportData`: a complete copy, driven by `MEMBER_DATA` in database/manifest.ts — every
 *   member-linked collection is either a section of the copy, exported as stored (`other`), or
 *   excluded with a stated reason; a collection missing from the map fails the export.
 * - `deleteAccount`: one action with an explicit confirmation and proof of the phone on file
 *   (the code `sendDeleteCode` sent to it, or WeChat's phone code for the same number; none
 *   when no phone is on file); deletion completes at once.
 */
import { MEMBER_DATA, manifest } from '../../database/manifest'
import { allows } from '../../src/domain/consent/rules'
import type { MemberContract } from '../../src/domain/contracts/member'
import type { AccessLogDay, DataExport, GuardianRelation } from '../../src/domain/member/model'
import type { ParkingSessionCopy } from '../../src/domain/parking/sessions'
import type { EarningLine } from '../../src/domain/points/earning'
import {
  earningLineText,
  entryLabel,
  type LedgerEntryView,
  type PointsReason,
} from '../../src/domain/points/model'
import {
  dayRows,
  viewDaysOf,
  wechatActor,
  type AuditBatch,
  type AuditLog,
  type CountedAccess,
} from '../common/audit'
import type { Clock } from '../common/clock'
import type { KeyStore } from '../common/keystore'
import { channelOf } from '../common/consents/recorder'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { SessionDoc } from '../common/parking/sessions'
import type { EntryVoucher } from '../common/points/redemptions'
import type { Erasure } from '../common/erasure'
import { fail, ok, type Result } from '../common/errors'
import type { IdentityStore } from '../common/identity'
import type { MemberDoc, MemberRecord } from '../common/members/model'
import { storeOf, type MemberRepository, type StoreAccess } from '../common/members/repository'
import { HOME_FIELDS, toProfile } from '../common/members/views'
import { exchangePhoneCode, type PhoneOpenApi } from '../common/phone'
import type { Handlers } from '../common/router'
import { selfReader, type ScopeGuard } from '../common/scope'
import type { SmsService } from '../common/sms'
import type { Vault } from '../common/vault'
import { campaignClaimsCopy } from './campaignCopy'
import { consentViews, receiptView } from './consents'
import { parsePlates, type StoredPlate } from './plates'

const PAGE = 1000

type AccountActions = Pick<
  Handlers<MemberContract, MemberDoc>,
  'exportData' | 'sendDeleteCode' | 'deleteAccount'
>

function ledgerView(doc: Doc): LedgerEntryView {
  const reason = doc.reason as PointsReason
  const kind = typeof doc.kind === 'string' ? doc.kind : undefined
  const lines = Array.isArray(doc.lines) ? (doc.lines as EarningLine[]).map(earningLineText) : undefined
  return {
    id: doc._id,
    delta: Number(doc.delta),
    reason,
    at: new Date(doc.at as Date).toISOString(),
    note: typeof doc.note === 'string' && doc.note !== '' ? doc.note : entryLabel(kind, reason),
    ...(kind ? { kind } : {}),
    ...(lines ? { lines } : {}),
    ...(typeof doc.amountFen === 'number' ? { amount: (doc.amountFen / 100).toFixed(2) } : {}),
    ...(typeof doc.storeId === 'string' ? { storeId: doc.storeId } : {}),
    ...(doc.voucher ? { voucher: voucherOf(doc.voucher as EntryVoucher) } : {}),
  }
}

function voucherOf(voucher: EntryVoucher): NonNullable<LedgerEntryView['voucher']> {
  const use = voucher.verification
  return {
    code: voucher.code,
    rewardName: voucher.rewardName,
    status: voucher.status,
    validUntil: voucher.validUntil,
    ...(use ? { usedAt: new Date(use.at).toISOString(), usedIn: use.storeId } : {}),
  }
}

/** Who an audit actor (audit.ts) is, as the member reads it. */
function byOf(actor: string, self: string): AccessLogDay['by'] {
  if (actor === self) return 'self'
  if (actor.startsWith('staff:')) return 'staff'
  if (actor.startsWith('device:')) return 'device'
  return 'system'
}

/**
 * Accesses of one day that say the same thing become one counted row, newest day first (then in
 * a fixed order). `self` is the member's own actor id: their accesses are `by: 'self'`.
 */
export function accessLog(accesses: CountedAccess[], self: string): AccessLogDay[] {
  const days = new Map<string, AccessLogDay>()
  for (const access of accesses) {
    const { actor, day, action, purpose, fields, success, count } = access
    const by = byOf(actor, self)
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

export function createAccountActions(
  deps: StoreAccess & {
    db: Db
    vault: Vault
    clock: Clock
    audit: AuditLog
    members: Pick<MemberRepository, 'claimOf'>
    guard: ScopeGuard
    erasure: Erasure
    identities: IdentityStore
    keys: KeyStore
    sms: SmsService
    openapi: PhoneOpenApi
  },
): AccountActions {
  const { db, vault, guard, clock, erasure } = deps

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

  /**
   * The sessions of the member's bound plates, each since the plate was bound (a session still
   * going on then included): the sessions are the car's, and before the binding they were
   * someone else's to know — a former owner's, or a deleted account's (7.2). The plate is the
   * bound one: the session's blind index is that plate's.
   */
  async function parkingSessionsOf(collection: string, bound: StoredPlate[]): Promise<ParkingSessionCopy[]> {
    const out: Array<ParkingSessionCopy & { sortAt: number }> = []
    for (const plate of bound) {
      const { data } = await db
        .collection(collection)
        .where({
          plateIndex: vault.blindIndex('plate', plate.plate),
          lastAt: db.command.gte(new Date(plate.boundAt)),
        })
        .orderBy('sortAt', 'desc')
        .limit(PAGE)
        .get()
      for (const doc of data as SessionDoc[])
        out.push({
          id: doc._id,
          carParkId: doc.carParkId,
          plate: plate.plate,
          state: doc.state,
          enteredAt: doc.enteredAt ? new Date(doc.enteredAt).toISOString() : null,
          exitedAt: doc.exitedAt ? new Date(doc.exitedAt).toISOString() : null,
          paidFen: doc.paidFen ?? 0,
          sortAt: new Date(doc.sortAt).getTime(),
        })
    }
    return out.sort((a, b) => b.sortAt - a.sortAt).map(({ sortAt: _sortAt, ...session }) => session)
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
      selfReader(actor),
      entries,
    )
    if (!read.ok) return read
    const values = read.data
    let idNumber: string | null = null
    let plates: DataExport['plates'] = []
    let boundPlates: StoredPlate[] = []
    if (allows(record, 'idNumber')) {
      const id = await guard.read(memberId, 'idNumber', ['idNumber'], selfReader(actor), entries)
      if (id.ok) idNumber = id.data.idNumber ?? null
    }
    if (allows(record, 'parking')) {
      const p = await guard.read(memberId, 'parking', ['plates'], selfReader(actor), entries)
      if (p.ok) boundPlates = parsePlates(p.data.plates)
      plates = boundPlates.map((x) => ({ ...x, masked: x.plate }))
    }
    const campaignClaims = await campaignClaimsCopy(
      deps,
      memberId,
      await linked(COLLECTIONS.campaignClaims, { memberId }),
      { actor, entries },
    )
    // Written before the access log is read, so that the copy lists its own reads too.
    await entries.flush()

    const out: DataExport = {
      exportedAt: new Date(clock.now()).toISOString(),
      format: 'mall-membership/export/v1',
      profile: toProfile(record, values, idNumber, await storeOf(deps, record.storeId)),
      plates,
      parkingSessions: [],
      card: null,
      consents: consentViews(record),
      consentReceipts: [],
      pointsLedger: [],
      campaignClaims,
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
      if (entry.link === 'plateIndex') {
        out.parkingSessions = await parkingSessionsOf(name, boundPlates)
        continue
      }
      if (!('section' in entry) || entry.link === '_id' || entry.section === 'campaignClaims') continue
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
          // A pending receipt claim's photo id and sealed receipt number are not information
          // about the member: the copy lists the claim (store, amount, date, status) without them.
          out.other[name] = docs.map(
            ({ _id, fileId: _file, sealedReceiptNo: _sealed, deciding: _d, ...rest }) => ({
              id: _id,
              ...rest,
            }),
          )
      }
    }
    return ok({ export: out })
  }

  /**
   * The phone on file, read for the member's own cancellation: not a use under the basic
   * purpose's scope, so not held back while that consent waits to be renewed (L-9); audited.
   * Undefined when there is none (revoked through WeChat) or nothing can be decrypted any more.
   */
  async function phoneOnFile(memberId: string, actor: string): Promise<string | undefined> {
    return (await deps.identities.read(memberId, ['phone'], { purpose: 'membership', actor }))?.phone
  }

  /** The caller holds the phone on file: its SMS code, or WeChat's number for it. */
  async function ownerProven(
    memberId: string,
    { actor, openid }: { actor: string; openid: string },
    input: { smsCode?: string; phoneCode?: string },
  ): Promise<Result<null>> {
    const phone = await phoneOnFile(memberId, actor)
    if (phone === undefined) return ok(null)
    if (input.phoneCode !== undefined) {
      const exchanged = await exchangePhoneCode(deps.openapi, input.phoneCode)
      if (!exchanged.ok) return exchanged
      return exchanged.data === phone ? ok(null) : fail('PHONE_MISMATCH', 'phoneCode')
    }
    if (input.smsCode === undefined) return fail('SMS_CODE_REQUIRED', 'smsCode')
    const verified = await deps.sms.verify({
      purpose: 'delete',
      phone,
      openid,
      code: input.smsCode,
    })
    return verified.ok ? ok(null) : verified
  }

  return {
    async exportData(_input, { caller, member }) {
      // The copy's own reads are audited together: their entries in one write, their counts in
      // one more — also when the copy fails half-way, before the failure is answered.
      const entries = deps.audit.batch()
      try {
        return await copyOf(member, wechatActor(vault, caller.openid), entries)
      } finally {
        await entries.flush()
      }
    },

    async sendDeleteCode(_input, { caller, member }) {
      const actor = wechatActor(vault, caller.openid)
      const phone = await phoneOnFile(member._id, actor)
      if (phone === undefined) return fail('PHONE_NOT_ON_FILE')
      return deps.sms.send({ purpose: 'delete', phone, openid: caller.openid })
    },

    async deleteAccount(input, { caller }) {
      // By the claim, not the record: a deletion that died half-way can be run again.
      const { memberId, member } = await deps.members.claimOf(caller)
      if (!memberId) return fail('NOT_A_MEMBER')
      const exists = member ?? (await getDoc(db, COLLECTIONS.identities, memberId))
      const actor = wechatActor(vault, caller.openid)
      if (!exists) {
        await erasure.eraseMember(memberId, actor, channelOf(caller.source))
        return fail('NOT_A_MEMBER')
      }
      const proven = await ownerProven(memberId, { actor, openid: caller.openid }, input)
      if (!proven.ok) return proven
      await erasure.eraseMember(memberId, actor, channelOf(caller.source))
      return ok({ deleted: true })
    },
  }
}
