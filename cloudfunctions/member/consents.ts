/**
 * The member's consents (4.1.2, 6.1, 6.6.1, L-2, L-8, L-12, L-13): one switch per extended
 * purpose — each subscribe-message topic is one — each change a receipt; withdrawing takes
 * effect at once (the scope guard reads the record on every use) and deletes what only that
 * purpose justified (L-6): parking → plates, idNumber → the ID number. The basic purpose ends
 * only with the account (7.2). Turning a topic on carries the id of the member's "allow" in
 * WeChat's one-time subscribe dialog: each such allowance lets one message of the topic out.
 */
import {
  MAX_PENDING_SUBSCRIPTIONS,
  NOTICE_VERSION,
  PURPOSES,
  PURPOSE_IDS,
  isPurposeId,
  isSubscribeTopic,
} from '../../src/domain/purposes'
import type {
  ConsentChannel,
  ConsentReceiptView,
  ConsentsData,
  ConsentView,
} from '../../src/domain/selfService'
import { COLLECTIONS, type Doc } from '../common/db'
import { fail, ok, type Result } from '../common/errors'
import type { Caller } from '../common/router'
import type { SubscribeTemplates } from '../common/notify'
import { allows, consentState, type MemberRecord } from '../common/scope'
import { channelOf, type MemberContext } from './context'

const MAX_RECEIPTS = 1000
/** A caller-chosen id of one "allow" in WeChat's subscribe dialog (a UUID or similar). */
const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/

export function consentViews(member: MemberRecord, templates: SubscribeTemplates = {}): ConsentView[] {
  return PURPOSE_IDS.map((id) => {
    const purpose = PURPOSES[id]
    const state = consentState(member, id)
    const entry = member.consents?.[id]
    return {
      purpose: id,
      title: purpose.title,
      description: purpose.description,
      basic: purpose.basic,
      sensitive: purpose.sensitive,
      granted: state === 'granted' && member.status === 'active',
      needsReconsent: state === 'needsReconsent',
      refused: state === 'withdrawn',
      changedAt: entry ? new Date(entry.at).toISOString() : null,
      requires: purpose.requires ?? null,
      subscription: isSubscribeTopic(id)
        ? {
            templateId: templates[id]?.templateId ?? null,
            pending: member.subscriptions?.[id]?.length ?? 0,
          }
        : null,
    }
  })
}

export function receiptView(doc: Doc): ConsentReceiptView {
  return {
    id: doc._id,
    purpose: String(doc.purpose),
    noticeVersion: Number(doc.noticeVersion),
    granted: doc.granted === true,
    at: new Date(doc.at as Date).toISOString(),
    channel: doc.channel as ConsentChannel,
  }
}

export interface ConsentActions {
  consents(caller: Caller): Promise<Result<ConsentsData>>
  setConsent(caller: Caller, data: Record<string, unknown>): Promise<Result<ConsentsData>>
}

export function createConsentActions(ctx: MemberContext): ConsentActions {
  const { db } = ctx

  async function receipts(memberId: string): Promise<ConsentReceiptView[]> {
    const { data } = await db
      .collection(COLLECTIONS.consentReceipts)
      .where({ memberId })
      .orderBy('at', 'desc')
      .limit(MAX_RECEIPTS)
      .get()
    return data.map(receiptView)
  }

  async function view(memberId: string): Promise<Result<ConsentsData>> {
    const member = await ctx.guard.member(memberId)
    if (!member) return fail('NOT_A_MEMBER')
    return ok({ consents: consentViews(member, ctx.templates), receipts: await receipts(memberId) })
  }

  return {
    async consents(caller) {
      const member = await ctx.requireMember(caller, { allowPending: true })
      if (!member.ok) return member
      return view(member.data._id)
    },

    async setConsent(caller, data) {
      const member = await ctx.requireMember(caller)
      if (!member.ok) return member
      const { purpose, granted, noticeVersion, subscription } = data
      if (!isPurposeId(purpose)) return fail('PURPOSE_UNKNOWN', 'purpose')
      if (PURPOSES[purpose].basic) return fail('BASIC_CONSENT_FIXED', 'purpose')
      if (typeof granted !== 'boolean') return fail('INVALID_ARGUMENT', 'granted')
      if (granted) {
        // Agreeing needs the notice the member read; nothing is pre-ticked (L-2).
        if (noticeVersion === undefined || noticeVersion === null)
          return fail('CONSENT_REQUIRED', 'noticeVersion')
        if (typeof noticeVersion !== 'number') return fail('INVALID_ARGUMENT', 'noticeVersion')
        if (noticeVersion !== NOTICE_VERSION) return fail('NOTICE_OUTDATED', 'noticeVersion')
      }
      // An "allow" in WeChat's subscribe dialog, which comes only with turning a topic on.
      let requestId: string | undefined
      if (subscription !== undefined && subscription !== null) {
        if (!isSubscribeTopic(purpose) || !granted) return fail('INVALID_ARGUMENT', 'subscription')
        const id = (subscription as { requestId?: unknown }).requestId
        if (typeof id !== 'string' || !REQUEST_ID.test(id))
          return fail('SUBSCRIBE_ID_INVALID', 'subscription')
        requestId = id
      }
      const requires = PURPOSES[purpose].requires
      if (granted && requires && !allows(member.data, requires)) return fail('PURPOSE_PREREQUISITE', requires)

      const memberId = member.data._id
      const state = consentState(member.data, purpose)
      const unchanged = granted ? state === 'granted' : state === 'withdrawn'
      if (!unchanged) {
        await ctx.recordConsent(memberId, purpose, granted, NOTICE_VERSION, channelOf(caller.source))
        // The switch is off from here on; then what only this purpose justified goes (L-6).
        if (!granted && purpose === 'parking') await ctx.erasure.deletePlates(memberId, ctx.actor(caller))
        if (!granted && purpose === 'idNumber') await ctx.erasure.deleteIdNumber(memberId, ctx.actor(caller))
      }
      if (requestId !== undefined && isSubscribeTopic(purpose)) {
        const pending = member.data.subscriptions?.[purpose] ?? []
        // A retried call names the same id: a set keeps it once.
        if (pending.length < MAX_PENDING_SUBSCRIPTIONS) {
          await db
            .collection(COLLECTIONS.members)
            .doc(memberId)
            .update({ data: { [`subscriptions.${purpose}`]: db.command.addToSet(requestId) } })
        }
      }
      return view(memberId)
    },
  }
}
