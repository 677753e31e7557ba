/**
 * The `campaign` cloud function (docs/architecture.md, "The campaign function"): a router over
 * the campaign actions (src/domain/contracts/campaign.ts): gift, sample and questionnaire
 * campaigns declared by managers, claimed once by members, verified (核销) at the counter.
 */
import * as cloud from 'wx-server-sdk'

import { campaignContract, type CampaignContract } from '../../src/domain/contracts/campaign'
import { auditSignerFromEnv, createAuditChain, type AuditSigner } from '../common/chain'
import { systemClock, type Clock } from '../common/clock'
import type { ErrorCode } from '../common/errors'
import { createCallerCache } from '../common/members/callers'
import type { MemberDoc } from '../common/members/model'
import { openDatabases } from '../common/platform'
import { createRouter, type Main } from '../common/router'
import { createStaffDirectory } from '../common/staff'
import { createStoreDirectory } from '../common/stores'
import { vaultFromEnv, type Vault } from '../common/vault'
import { createCampaignActions, type CampaignOpenApi } from './actions'
import { wireCampaign } from './wiring'

// Note: the SDK's typings declare `env` as a string, but DYNAMIC_CURRENT_ENV (a symbol) is the
// documented way to follow the environment the function runs in.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface CampaignFunctionOptions {
  clock?: Clock
  vault?: () => Vault
  auditSigner?: () => AuditSigner
  /** Tests only: another openapi than WeChat's. */
  openapi?: CampaignOpenApi
  getContext?: () => { OPENID?: string; APPID?: string; SOURCE?: string }
  onUndeclared?: (action: string, code: ErrorCode) => void
}

export function createMain(options: CampaignFunctionOptions = {}): Main {
  const clock = options.clock ?? systemClock
  const vaultOf = options.vault ?? (() => vaultFromEnv(process.env))
  const signerOf = options.auditSigner ?? (() => auditSignerFromEnv(process.env))
  const stores = createStoreDirectory(clock)
  const auditChain = createAuditChain()
  const callers = createCallerCache()

  return createRouter<CampaignContract, MemberDoc>(
    campaignContract,
    () => {
      const { db, keyDb } = openDatabases(cloud)
      const vault = vaultOf()
      const { deps, members } = wireCampaign({
        db,
        keyDb,
        vault,
        clock,
        auditSigner: signerOf(),
        auditChain,
        stores,
        callers,
        openapi: options.openapi ?? (cloud.openapi as unknown as CampaignOpenApi),
      })
      const staff = createStaffDirectory({ db, vault })
      return {
        handlers: createCampaignActions(deps),
        principals: { member: (caller) => members.memberOf(caller), staff: (caller) => staff.find(caller) },
      }
    },
    { name: 'campaign', clock, getContext: options.getContext, onUndeclared: options.onUndeclared },
  )
}

export const main = createMain()
