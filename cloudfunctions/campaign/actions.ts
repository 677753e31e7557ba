/**
 * The campaign actions (4.2.2.3–4.2.2.5): declaring a campaign, its mini-program code, the list
 * and the questionnaire report for the staff; the claim form and the claim for members;
 * verification (核销) at the counter and its reversal by a manager within 24 hours.
 */
import { actingStaff } from '../common/staff'
import type { Caller } from '../../src/domain/access'
import type { CampaignReport, ClaimView, QuestionReport } from '../../src/domain/campaign/model'
import {
  campaignNotice,
  CAMPAIGN_CODE_PAGE,
  campaignScene,
  checkClaim,
  normaliseClaimCode,
  reportCell,
  REVERSAL_WINDOW_MS,
} from '../../src/domain/campaign/rules'
import type { CampaignContract } from '../../src/domain/contracts/campaign'
import { chinaDate } from '../../src/domain/dates'
import { fail, failAt, ok, type Failure } from '../../src/domain/errors'
import type { StaffIdentity } from '../../src/domain/staff/model'
import { staffActor, wechatActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import type { Db } from '../common/db'
import { memberKey, type KeyStore } from '../common/keystore'
import type { MemberDoc } from '../common/members/model'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'
import { drawCode, type WxacodeApi } from '../common/wxacode'
import {
  campaignView,
  chinaDayEnd,
  chinaDayStart,
  claimsExpireAt,
  createCampaigns,
  newCampaignId,
  type CampaignDoc,
} from './campaigns'
import { createClaimStore, type ClaimDoc } from './claims'

/** More campaigns than a store lists at once. */
const MAX_CAMPAIGNS = 100

/** The part of WeChat's openapi the campaign function uses (config.json permissions). */
export type CampaignOpenApi = WxacodeApi

export interface CampaignDeps {
  db: Db
  openapi: CampaignOpenApi
  vault: Vault
  clock: Clock
  audit: AuditLog
  keys: KeyStore
  stores: StoreDirectory
}

const inScope = (staff: StaffIdentity, storeIds: readonly string[]) =>
  staff.storeIds === 'all' || storeIds.some((id) => staff.storeIds.includes(id))

const claimView = (doc: ClaimDoc): ClaimView => ({
  campaignId: doc.campaignId,
  code: doc.code,
  status: doc.status,
  claimedAt: new Date(doc.claimedAt).toISOString(),
  ...(doc.verification ? { verifiedAt: new Date(doc.verification.at).toISOString() } : {}),
})

export function createCampaignActions(deps: CampaignDeps): Handlers<CampaignContract, MemberDoc> {
  const { db, vault, clock, audit, keys, stores, openapi } = deps
  const campaigns = createCampaigns(db)
  const claims = createClaimStore({ db, vault, clock })

  /** The campaign if the staff member may manage it (a store of theirs), else null. */
  async function managed(caller: Caller, id: string): Promise<CampaignDoc | null> {
    const doc = await campaigns.get(id)
    return doc && inScope(actingStaff(caller), doc.storeIds) ? doc : null
  }

  /** One audit entry about a claim's member, under the campaign's purpose. */
  const record = (
    actor: string,
    action: 'create' | 'update',
    memberId: string,
    fields: ClaimDoc['fieldKeys'],
  ) => audit.record({ actor, action, purpose: 'campaign', memberId, fields: [...fields], success: true })

  return {
    async createCampaign(input, { caller }) {
      const actor = actingStaff(caller)
      if (
        !inScope(actor, input.storeIds) ||
        (actor.storeIds !== 'all' && !input.storeIds.every((id) => actor.storeIds.includes(id)))
      )
        return fail('CAMPAIGN_STORES_INVALID', 'storeIds')
      for (const id of input.storeIds)
        if (!(await stores.byId(db, id))) return fail('STORE_UNKNOWN', 'storeIds')
      const doc: CampaignDoc = {
        _id: newCampaignId(),
        kind: input.kind,
        title: input.title,
        storeIds: input.storeIds,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        stock: input.stock,
        claimed: 0,
        verified: 0,
        fields: input.fields,
        questions: input.questions.map((q, i) => ({ id: `q${i + 1}`, ...q })),
        purpose: input.purpose,
        retentionDays: input.retentionDays,
        tally: {},
        createdBy: staffActor(actor.id),
        createdAt: new Date(clock.now()),
      }
      await campaigns.add(doc)
      return ok({ campaign: campaignView(doc) })
    },

    async listCampaigns(_input, { caller }) {
      const docs = await campaigns.ofStores(actingStaff(caller).storeIds, MAX_CAMPAIGNS)
      return ok({ campaigns: docs.map(campaignView) })
    },

    async campaignCode({ campaignId }, { caller }) {
      const doc = await managed(caller, campaignId)
      if (!doc) return fail('CAMPAIGN_UNKNOWN', 'campaignId')
      const { kind, title, startsOn, endsOn } = doc
      const code = await drawCode(openapi, campaignScene(doc._id), CAMPAIGN_CODE_PAGE)
      return ok({ ...code, kind, title, startsOn, endsOn })
    },

    async campaignForm({ campaignId }, { member }) {
      const doc = await campaigns.get(campaignId)
      if (!doc) return fail('CAMPAIGN_UNKNOWN', 'campaignId')
      const claim = await claims.of(campaignId, member._id)
      const {
        stock: _stock,
        claimed: _claimed,
        verified: _verified,
        scene: _scene,
        ...shown
      } = campaignView(doc)
      return ok({
        campaign: { ...shown, soldOut: doc.stock <= 0 },
        notice: campaignNotice(doc),
        claim: claim ? claimView(claim) : null,
      })
    },

    async claim(input, { caller, member }) {
      const doc = await campaigns.get(input.campaignId)
      if (!doc) return fail('CAMPAIGN_UNKNOWN', 'campaignId')
      // Claiming again answers the same claim.
      const existing = await claims.of(doc._id, member._id)
      if (existing) return ok({ claim: claimView(existing) })
      const now = clock.now()
      if (now < chinaDayStart(doc.startsOn)) return fail('CAMPAIGN_NOT_STARTED')
      if (now >= chinaDayEnd(doc.endsOn)) return fail('CAMPAIGN_ENDED')
      const checked = checkClaim(doc, input, chinaDate(now))
      if (!checked.ok) return checked
      const counted = Object.entries(checked.data.answers).map(([questionId, answer]) => ({
        questionId,
        choices: typeof answer === 'string' ? [] : answer,
      }))
      if (!(await campaigns.take(doc._id, counted))) return fail('SOLD_OUT')
      const cipher = await keys.cipher(memberKey(member._id))
      if (!cipher) {
        await campaigns.giveBack(doc._id, counted)
        throw new Error('member without a data key')
      }
      const written = await claims.add({
        campaign: doc,
        memberId: member._id,
        sealed: cipher.encrypt(`campaign:${doc._id}`, JSON.stringify(checked.data)),
        fieldKeys: Object.keys(checked.data.values) as ClaimDoc['fieldKeys'],
        expiresAt: claimsExpireAt(doc),
      })
      if (!written.created) {
        // A concurrent claim of the same member was written first: this one's stock goes back.
        await campaigns.giveBack(doc._id, counted)
        return ok({ claim: claimView(written.claim) })
      }
      await record(wechatActor(vault, caller.openid), 'create', member._id, written.claim.fieldKeys)
      return ok({ claim: claimView(written.claim) })
    },

    async verifyClaim({ code }, { caller }) {
      const actor = actingStaff(caller)
      const canonical = normaliseClaimCode(code)
      const claim = canonical ? await claims.byCode(canonical) : null
      if (!claim) return fail('CLAIM_UNKNOWN', 'code')
      const storeId =
        actor.storeIds === 'all' ? undefined : claim.storeIds.find((id) => actor.storeIds.includes(id))
      if (!storeId) return fail('CLAIM_OTHER_STORE', 'code')
      if (claim.status === 'verified' && claim.verification) return alreadyVerified(claim.verification.at)
      const at = new Date(clock.now())
      const verification = { storeId, staffId: actor.id, at }
      if (!(await claims.verify(claim._id, verification))) {
        const now = await claims.byCode(claim.code)
        return alreadyVerified(now?.verification?.at ?? at)
      }
      await campaigns.countVerified(claim.campaignId, 1)
      await record(staffActor(actor.id), 'update', claim.memberId, [])
      const campaign = await campaigns.get(claim.campaignId)
      return ok({
        claim: {
          code: claim.code,
          campaignTitle: campaign?.title ?? '',
          kind: campaign?.kind ?? 'gift',
          storeId,
          verifiedAt: at.toISOString(),
        },
      })
    },

    async reverseVerification({ code, reason }, { caller }) {
      const actor = actingStaff(caller)
      const canonical = normaliseClaimCode(code)
      const claim = canonical ? await claims.byCode(canonical) : null
      if (!claim) return fail('CLAIM_UNKNOWN', 'code')
      const verification = claim.verification
      if (claim.status !== 'verified' || !verification) return fail('NOT_VERIFIED', 'code')
      if (actor.storeIds !== 'all' && !actor.storeIds.includes(verification.storeId))
        return fail('CLAIM_OTHER_STORE', 'code')
      const at = new Date(clock.now())
      if (at.getTime() - new Date(verification.at).getTime() > REVERSAL_WINDOW_MS)
        return fail('REVERSAL_TOO_LATE', 'code')
      if (!(await claims.reverse(claim._id, verification, { staffId: actor.id, at, reason })))
        return fail('NOT_VERIFIED', 'code')
      await campaigns.countVerified(claim.campaignId, -1)
      await record(staffActor(actor.id), 'update', claim.memberId, [])
      return ok({ claim: { code: claim.code, status: 'claimed' as const } })
    },

    async campaignReport({ campaignId }, { caller }) {
      const doc = await managed(caller, campaignId)
      if (!doc) return fail('CAMPAIGN_UNKNOWN', 'campaignId')
      const questions: QuestionReport[] = doc.questions.map((q) => {
        const tally = doc.tally?.[q.id] ?? {}
        return {
          id: q.id,
          kind: q.kind,
          title: q.title,
          answered: reportCell(tally.n ?? 0),
          options:
            q.kind === 'text'
              ? []
              : q.options.map((label, i) => ({ label, count: reportCell(tally[`o${i}`] ?? 0) })),
        }
      })
      const report: CampaignReport = {
        id: doc._id,
        title: doc.title,
        kind: doc.kind,
        stock: doc.stock,
        claimed: doc.claimed,
        verified: doc.verified,
        questions,
      }
      return ok({ report })
    },
  }
}

const alreadyVerified = (at: Date): Failure => failAt('ALREADY_VERIFIED', new Date(at).toISOString(), 'code')
