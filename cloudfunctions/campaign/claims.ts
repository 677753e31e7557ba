/**
 * Campaign claims (`campaign_claims/<keyed hash of campaign and member>`): one per member per
 * campaign by construction of the `_id`. The answers are one ciphertext under the member's data
 * key (destroyed with the account); the claim code is unique (index `code`) and is what the
 * counter types or scans. Verifying and reversing are single conditional updates on `status`.
 */

import type { CampaignFieldKey } from '../../src/domain/campaign/model'
import type { Clock } from '../common/clock'
import { newCounterCode } from '../common/codes'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Sealed, Vault } from '../common/vault'
import type { CampaignDoc } from './campaigns'

export interface Verification {
  storeId: string
  staffId: string
  at: Date
}

export interface ClaimDoc extends Doc {
  campaignId: string
  memberId: string
  code: string
  /** The campaign's stores: where the claim can be verified. */
  storeIds: string[]
  status: 'claimed' | 'verified'
  /** The declared items and questionnaire answers, sealed under the member's data key. */
  answers: Sealed
  /** Which declared items were given (for the audit log; not their values). */
  fieldKeys: CampaignFieldKey[]
  claimedAt: Date
  /** The campaign's last day plus its declared retention: the retention sweep's anchor. */
  expiresAt: Date
  verification?: Verification
  reversals: (Verification & { reversedBy: string; reversedAt: Date; reason: string })[]
}

/** Tries at a code before giving up: a collision among 2^40 codes is already rare. */
const CODE_TRIES = 3

export function createClaimStore({ db, vault, clock }: { db: Db; vault: Vault; clock: Clock }) {
  const _ = db.command
  const claims = () => db.collection(COLLECTIONS.campaignClaims)
  const claimId = (campaignId: string, memberId: string) =>
    vault.keyedHash('campaign-claim', `${campaignId}:${memberId}`)

  return {
    of: async (campaignId: string, memberId: string) =>
      (await getDoc(db, COLLECTIONS.campaignClaims, claimId(campaignId, memberId))) as ClaimDoc | null,

    async byCode(code: string): Promise<ClaimDoc | null> {
      const { data } = await claims().where({ code }).limit(1).get()
      return (data[0] as ClaimDoc | undefined) ?? null
    },

    /** Writes the member's claim; `created: false` with the claim already there. */
    async add(input: {
      campaign: CampaignDoc
      memberId: string
      sealed: Sealed
      fieldKeys: CampaignFieldKey[]
      expiresAt: Date
    }): Promise<{ created: boolean; claim: ClaimDoc }> {
      const _id = claimId(input.campaign._id, input.memberId)
      for (let attempt = 0; attempt < CODE_TRIES; attempt++) {
        const doc: ClaimDoc = {
          _id,
          campaignId: input.campaign._id,
          memberId: input.memberId,
          code: newCounterCode(),
          storeIds: [...input.campaign.storeIds],
          status: 'claimed',
          answers: input.sealed,
          fieldKeys: input.fieldKeys,
          claimedAt: new Date(clock.now()),
          expiresAt: input.expiresAt,
          reversals: [],
        }
        if (await addUnique(db, COLLECTIONS.campaignClaims, doc)) return { created: true, claim: doc }
        const existing = (await getDoc(db, COLLECTIONS.campaignClaims, _id)) as ClaimDoc | null
        if (existing) return { created: false, claim: existing }
      }
      throw new Error('no free claim code')
    },

    /** Claimed → verified; false when it was verified meanwhile. */
    async verify(id: string, verification: Verification): Promise<boolean> {
      const { stats } = await claims()
        .where({ _id: id, status: 'claimed' })
        .update({ data: { status: 'verified', verification } })
      return stats.updated === 1
    },

    /** Verified → claimed, the reversed verification kept with who reversed it, when and why. */
    async reverse(
      id: string,
      verification: Verification,
      by: { staffId: string; at: Date; reason: string },
    ): Promise<boolean> {
      const reversal = { ...verification, reversedBy: by.staffId, reversedAt: by.at, reason: by.reason }
      const { stats } = await claims()
        .where({ _id: id, status: 'verified' })
        .update({ data: { status: 'claimed', verification: _.remove(), reversals: _.addToSet(reversal) } })
      return stats.updated === 1
    },
  }
}
