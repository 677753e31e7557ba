/**
 * The partners register (4.1.4): `partners/<id>` → { name, kind, reach, agreement, cert, status
 * active|ended, endedAt?, endedOn?, approvedBy, createdAt, updatedAt }, no personal information
 * about members. Kept by the privacy officer and the admins; every change is audited under
 * `partnerAdmin`, about `partner:<id>`, without day counts. An ended relationship stays, read-only,
 * for its retention period (database/manifest.ts).
 */
import { createHash } from 'node:crypto'

import type { Caller } from '../../src/domain/access'
import type { PartnersContract } from '../../src/domain/contracts/partners'
import { chinaDate } from '../../src/domain/dates'
import { fail, ok } from '../../src/domain/errors'
import type { InputOf } from '../../src/domain/contracts/contract'
import type { Partner } from '../../src/domain/partner/model'
import { partnerFlags } from '../../src/domain/partner/rules'
import { recordAdministration, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Handlers } from '../common/router'

/** More partners than a mall has; the register is one read. */
const MAX_PARTNERS = 500

type Entry = InputOf<PartnersContract['createPartner']>

interface PartnerDoc extends Doc {
  name: string
  kind: Partner['kind']
  reach: Partner['reach']
  agreement: Partner['agreement']
  cert: Partner['cert']
  status: Partner['status']
  endedAt?: Date
  endedOn?: string
  approvedBy: string
  createdAt: Date
  updatedAt: Date
}

/**
 * One entry per partner name: a retried create finds its own entry again rather than making a
 * second one.
 */
export const partnerIdOf = (name: string): string =>
  `partner-${createHash('sha256').update(name.normalize('NFKC').toLowerCase()).digest('hex').slice(0, 16)}`

function fieldsOf(entry: Entry) {
  return {
    name: entry.name,
    kind: entry.kind,
    reach: [...new Set(entry.reach)],
    agreement: {
      ref: entry.agreementRef,
      signedOn: entry.agreementSignedOn,
      expiresOn: entry.agreementExpiresOn,
    },
    cert:
      entry.certLevel === 'none'
        ? { level: entry.certLevel }
        : { level: entry.certLevel, ref: entry.certRef, expiresOn: entry.certExpiresOn },
  }
}

const sameFields = (doc: PartnerDoc, entry: Entry): boolean => {
  const { name, kind, reach, agreement, cert } = doc
  return JSON.stringify({ name, kind, reach, agreement, cert }) === JSON.stringify(fieldsOf(entry))
}

function view(doc: PartnerDoc, today: string): Partner {
  return {
    partnerId: doc._id,
    name: doc.name,
    kind: doc.kind,
    reach: [...doc.reach],
    agreement: { ...doc.agreement },
    cert: { ...doc.cert },
    status: doc.status,
    ...(doc.endedOn ? { endedOn: doc.endedOn } : {}),
    approvedBy: doc.approvedBy,
    flags: doc.status === 'active' ? partnerFlags(doc, today) : [],
  }
}

function actorOf(caller: Caller): string {
  if (!caller.staff) throw new Error('partner action without a staff caller')
  return caller.staff.id
}

export function createPartnerActions(deps: {
  db: Db
  clock: Clock
  audit: AuditLog
}): Handlers<PartnersContract, { status: 'active' }> {
  const { db, clock, audit } = deps
  const partners = () => db.collection(COLLECTIONS.partners)
  const today = () => chinaDate(clock.now())

  const record = (staffId: string, action: 'create' | 'update', partnerId: string) =>
    recordAdministration(audit, { purpose: 'partnerAdmin', staffId, action, subject: `partner:${partnerId}` })

  /** Changes an active entry, one conditional update; PARTNER_UNKNOWN / PARTNER_ENDED otherwise. */
  async function change(staffId: string, id: string, data: Record<string, unknown>) {
    const { stats } = await partners()
      .where({ _id: id, status: 'active' })
      .update({ data: { ...data, approvedBy: staffId, updatedAt: new Date(clock.now()) } })
    const doc = (await getDoc(db, COLLECTIONS.partners, id)) as PartnerDoc | null
    if (!doc) return fail('PARTNER_UNKNOWN', 'partnerId')
    if (stats.updated !== 1) return fail('PARTNER_ENDED', 'partnerId')
    await record(staffId, 'update', id)
    return ok({ partner: view(doc, today()) })
  }

  return {
    async listPartners() {
      const { data } = await partners().orderBy('name', 'asc').limit(MAX_PARTNERS).get()
      const day = today()
      return ok({ partners: (data as PartnerDoc[]).map((doc) => view(doc, day)) })
    },

    async createPartner(input, { caller }) {
      const staffId = actorOf(caller)
      const now = new Date(clock.now())
      const doc: PartnerDoc = {
        _id: partnerIdOf(input.name),
        ...fieldsOf(input),
        status: 'active',
        approvedBy: staffId,
        createdAt: now,
        updatedAt: now,
      }
      if (!(await addUnique(db, COLLECTIONS.partners, doc))) {
        const existing = (await getDoc(db, COLLECTIONS.partners, doc._id)) as PartnerDoc | null
        // The same request again (a retry) answers its entry; another one with that name is refused.
        if (existing && existing.status === 'active' && sameFields(existing, input))
          return ok({ partner: view(existing, today()) })
        return fail('PARTNER_EXISTS', 'name')
      }
      await record(staffId, 'create', doc._id)
      return ok({ partner: view(doc, today()) })
    },

    async updatePartner({ partnerId, ...entry }, { caller }) {
      return change(actorOf(caller), partnerId, fieldsOf(entry))
    },

    async endPartner({ partnerId }, { caller }) {
      return change(actorOf(caller), partnerId, {
        status: 'ended',
        endedAt: new Date(clock.now()),
        endedOn: today(),
      })
    },
  }
}
