/**
 * The member's campaign claims for their data copy (L-8): the answers decrypted under the
 * member's data key, labelled with the campaign's declaration, the verification's store named.
 * Reading them is one audit entry (`read`, purpose `campaign`, the items given) in the copy's
 * batch, so the copy's access log lists it.
 */
import { claimCopy, type CampaignClaimCopy, type ClaimedCampaign } from '../../src/domain/campaign/copy'
import type { CampaignFieldKey } from '../../src/domain/campaign/model'
import type { CheckedClaim } from '../../src/domain/campaign/rules'
import type { AuditRecorder } from '../common/audit'
import { COLLECTIONS, getDoc, type Doc } from '../common/db'
import { memberKey, type KeyStore } from '../common/keystore'
import { storeOf, type StoreAccess } from '../common/members/repository'
import type { Sealed } from '../common/vault'

interface StoredClaim extends Doc {
  campaignId: string
  code: string
  status: 'claimed' | 'verified'
  answers: Sealed
  fieldKeys?: CampaignFieldKey[]
  claimedAt: Date
  verification?: { storeId: string; at: Date }
}

const iso = (at: Date) => new Date(at).toISOString()

export async function campaignClaimsCopy(
  deps: StoreAccess & { keys: KeyStore },
  memberId: string,
  docs: Doc[],
  audit: { actor: string; entries: AuditRecorder },
): Promise<CampaignClaimCopy[]> {
  if (docs.length === 0) return []
  const claims = docs as StoredClaim[]
  const cipher = await deps.keys.cipher(memberKey(memberId))
  if (!cipher) throw new Error('member without a data key')
  const campaigns = new Map<string, ClaimedCampaign | null>()
  for (const id of new Set(claims.map((claim) => claim.campaignId)))
    campaigns.set(id, (await getDoc(deps.db, COLLECTIONS.campaigns, id)) as ClaimedCampaign | null)
  const copies: CampaignClaimCopy[] = []
  for (const claim of claims) {
    const given = JSON.parse(cipher.decrypt(`campaign:${claim.campaignId}`, claim.answers)) as CheckedClaim
    const verification = claim.status === 'verified' ? claim.verification : undefined
    copies.push(
      claimCopy(campaigns.get(claim.campaignId) ?? null, {
        campaignId: claim.campaignId,
        code: claim.code,
        status: claim.status,
        claimedAt: iso(claim.claimedAt),
        ...(verification
          ? {
              verifiedAt: iso(verification.at),
              verifiedStore: (await storeOf(deps, verification.storeId)).name || verification.storeId,
            }
          : {}),
        given,
      }),
    )
  }
  await audit.entries.record({
    actor: audit.actor,
    action: 'read',
    purpose: 'campaign',
    memberId,
    fields: [...new Set(claims.flatMap((claim) => claim.fieldKeys ?? []))].sort(),
    success: true,
  })
  return copies.sort((a, b) => b.claimedAt.localeCompare(a.claimedAt))
}
