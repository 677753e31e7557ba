/**
 * The `member` cloud function: a thin router over the member actions (docs/architecture.md):
 * sign-up (home, joinForm, sendJoinCode, join) and the shopper's self service (profile, phone,
 * plates, consents, guardian consent, card binding, data copy, account deletion). The contract
 * (src/domain/contracts/member.ts) declares each action's input, answer, errors and access.
 */
import * as cloud from 'wx-server-sdk'

import { memberContract, type MemberContract } from '../../src/domain/contracts/member'
import { systemClock, type Clock } from '../common/clock'
import { createFileStore, type StorageApi } from '../common/files'
import type { ErrorCode } from '../common/errors'
import { createCallerCache } from '../common/members/callers'
import type { MemberDoc } from '../common/members/model'
import { templatesFromEnv, type SubscribeTemplates } from '../common/notify'
import { callerIp, functionPayPort } from '../common/parking/cloudPay'
import { openDatabases } from '../common/platform'
import { createRouter, type Main } from '../common/router'
import { createBlockSequence } from '../common/sequence'
import { auditSignerFromEnv, createAuditChain, type AuditSigner } from '../common/chain'
import { FALLBACK_SMS_TEMPLATE_ID, type SmsService } from '../common/sms'
import { createStaffDirectory } from '../common/staff'
import { createStoreDirectory } from '../common/stores'
import { vaultFromEnv, type Vault } from '../common/vault'
import { createAccountActions } from './account'
import { createCardActions } from './cards'
import { createConsentActions } from './consents'
import { createGuardianActions } from './guardian'
import { createMemberCodeActions } from './memberCode'
import { createPlateActions } from './plates'
import { createParkingMemberActions } from './parking'
import { createParkPayActions } from './parkpay'
import { createPointsActions } from './points'
import { createReceiptActions } from './receipts'
import { createTierActions } from './tier'
import { createProfileActions } from './profile'
import { createSignupActions } from './signup'
import { MEMBER_NO_BLOCK, wireMember, type MemberDeps, type MemberOpenApi } from './wiring'

// Note: the SDK's typings declare `env` as a string, but DYNAMIC_CURRENT_ENV (a symbol) is the
// documented way to follow the environment the function runs in.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface MemberFunctionOptions {
  clock?: Clock
  /** Defaults to the keys in the environment (PI_MASTER_KEY, PI_INDEX_KEY …; PI_KEY_ENV for the key store). */
  vault?: () => Vault
  /** Defaults to AUDIT_SIGNING_KEY in the environment. */
  auditSigner?: () => AuditSigner
  /** Tests only: another SMS service, WeChat's openapi, subscribe templates than the configured ones. */
  sms?: SmsService
  openapi?: MemberOpenApi
  templates?: SubscribeTemplates
  getContext?: () => { OPENID?: string; APPID?: string; SOURCE?: string }
  onUndeclared?: (action: string, code: ErrorCode) => void
  /**
   * Benches only: how long the instance keeps the stores it read (`STORE_CACHE_MS`); 0 makes
   * every call read them, as an instance's first call does.
   */
  storeCacheMs?: number
}

/** Builds the function's `main`; tests pass a manual clock. */
export function createMain(options: MemberFunctionOptions = {}): Main {
  const clock = options.clock ?? systemClock
  const vaultOf = options.vault ?? (() => vaultFromEnv(process.env))
  const signerOf = options.auditSigner ?? (() => auditSignerFromEnv(process.env))
  // Kept by the function instance across its calls: a block of member numbers, the stores, the
  // audit chain, the callers seen.
  const memberNumbers = createBlockSequence('memberNo', MEMBER_NO_BLOCK)
  const stores = createStoreDirectory(clock, options.storeCacheMs)
  const callers = createCallerCache()
  const auditChain = createAuditChain()

  // Wired per call: the database handles follow the current environment, and a missing key
  // fails the call (logged, INTERNAL) instead of the cold start.
  function wire(): MemberDeps {
    const { db, keyDb } = openDatabases(cloud)
    return wireMember({
      db,
      keyDb: keyDb(),
      vault: vaultOf(),
      auditSigner: signerOf(),
      auditChain,
      clock,
      openapi: options.openapi ?? (cloud.openapi as unknown as MemberOpenApi),
      templates: options.templates ?? templatesFromEnv(process.env.SUBSCRIBE_TEMPLATES),
      smsConfig: {
        env: process.env.SMS_ENV ?? String(cloud.getWXContext().ENV ?? ''),
        templateId: process.env.SMS_TEMPLATE_ID || FALLBACK_SMS_TEMPLATE_ID,
      },
      sms: options.sms,
      memberNumbers,
      stores,
      callers,
      files: createFileStore(cloud as unknown as StorageApi),
    })
  }

  return createRouter<MemberContract, MemberDoc>(
    memberContract,
    () => {
      const deps = wire()
      const staff = createStaffDirectory(deps)
      return {
        handlers: {
          ...createSignupActions(deps),
          ...createProfileActions(deps),
          ...createPlateActions(deps),
          ...createConsentActions(deps),
          ...createGuardianActions(deps),
          ...createCardActions(deps),
          ...createAccountActions(deps),
          ...createMemberCodeActions(deps),
          ...createPointsActions(deps),
          ...createParkingMemberActions(deps),
          ...createReceiptActions(deps),
          ...createTierActions(deps),
          ...createParkPayActions(deps, { port: () => functionPayPort(), clientIp: callerIp }),
        },
        principals: {
          member: (caller) => deps.members.memberOf(caller),
          staff: (caller) => staff.find(caller),
        },
      }
    },
    { name: 'member', clock, getContext: options.getContext, onUndeclared: options.onUndeclared },
  )
}

export const main = createMain()
