/**
 * The member's consents (4.1.2, 6.1, 6.6.1, L-2, L-8, L-12, L-13): one switch per extended
 * purpose — each subscribe-message topic is one — each change a receipt; withdrawing takes
 * effect at once (the scope guard reads the record on every use) and deletes what only that
 * purpose justified (L-6): parking → plates, idNumber → the ID number, businessCircleParking →
 * the parking syncs not sent yet. The basic purpose ends
 * only with the account (7.2). Turning a topic on carries the id of the member's "allow" in
 * WeChat's one-time subscribe dialog: each such allowance lets one message of the topic out.
 */
import type { Channel, ConsentReceiptView, ConsentsData, ConsentView } from '../../src/domain/consent/model'
import {
  MAX_PENDING_SUBSCRIPTIONS,
  PURPOSES,
  PURPOSE_IDS,
  isSubscribeTopic,
} from '../../src/domain/consent/purposes'
import { allows, consentState } from '../../src/domain/consent/rules'
import type { MemberContract } from '../../src/domain/contracts/member'
import { wechatActor } from '../common/audit'
import { channelOf, type ConsentRecorder } from '../common/consents/recorder'
import { COLLECTIONS, type Db, type Doc } from '../common/db'
import type { Erasure } from '../common/erasure'
import { fail, ok, type Result } from '../common/errors'
import type { MemberDoc, MemberRecord } from '../common/members/model'
import type { SubscribeTemplates } from '../common/notify'
import type { Handlers } from '../common/router'
import type { ScopeGuard } from '../common/scope'
import type { Vault } from '../common/vault'

const MAX_RECEIPTS = 1000

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
    channel: doc.channel as Channel,
  }
}

type ConsentActions = Pick<Handlers<MemberContract, MemberDoc>, 'consents' | 'setConsent'>

export function createConsentActions(deps: {
  db: Db
  vault: Vault
  guard: ScopeGuard
  consents: ConsentRecorder
  erasure: Erasure
  templates: SubscribeTemplates
}): ConsentActions {
  const { db, vault, guard, erasure } = deps

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
    const member = await guard.member(memberId)
    if (!member) return fail('NOT_A_MEMBER')
    return ok({ consents: consentViews(member, deps.templates), receipts: await receipts(memberId) })
  }

  return {
    async consents(_input, { member }) {
      return view(member._id)
    },

    async setConsent({ purpose, granted, subscription }, { caller, member }) {
      // The basic purpose ends only with the account; it is agreed to again when its scope
      // widened (6.1.2), and a retried agreement changes nothing.
      if (PURPOSES[purpose].basic && !granted) return fail('BASIC_CONSENT_FIXED', 'purpose')
      // An "allow" in WeChat's subscribe dialog comes only with turning a topic on.
      if (subscription !== undefined && (!isSubscribeTopic(purpose) || !granted))
        return fail('INVALID_ARGUMENT', 'subscription')
      const requires = PURPOSES[purpose].requires
      if (granted && requires && !allows(member, requires)) return fail('PURPOSE_PREREQUISITE', requires)

      const memberId = member._id
      const actor = wechatActor(vault, caller.openid)
      const state = consentState(member, purpose)
      const unchanged = granted ? state === 'granted' : state === 'withdrawn'
      if (!unchanged) {
        await deps.consents.record({ memberId, purpose, granted, channel: channelOf(caller.source) })
        // The switch is off from here on; then what only this purpose justified goes (L-6).
        if (!granted && purpose === 'parking') await erasure.deletePlates(memberId, actor)
        if (!granted && purpose === 'idNumber') await erasure.deleteIdNumber(memberId, actor)
        if (!granted && purpose === 'businessCircleParking') await erasure.dropParkingSyncs(memberId)
      }
      if (subscription !== undefined && isSubscribeTopic(purpose)) {
        const pending = member.subscriptions?.[purpose] ?? []
        // A retried call names the same id: a set keeps it once.
        if (pending.length < MAX_PENDING_SUBSCRIPTIONS) {
          await db
            .collection(COLLECTIONS.members)
            .doc(memberId)
            .update({ data: { [`subscriptions.${purpose}`]: db.command.addToSet(subscription.requestId) } })
        }
      }
      return view(memberId)
    },
  }
}
