/**
 * The `member` cloud function: a thin router over the member services (docs/architecture.md):
 * sign-up (home, joinForm, sendJoinCode, join) and the shopper's self service (profile, phone,
 * plates, consents, guardian consent, card binding, data copy, account deletion).
 */
import * as cloud from 'wx-server-sdk'

import { createAuditLog } from '../common/audit'
import { systemClock, type Clock } from '../common/clock'
import { asDb, DB_OPTIONS } from '../common/db'
import { createKeyStore, keyEnvFromEnv } from '../common/keystore'
import { createRouter, type Main } from '../common/router'
import { templatesFromEnv, type SubscribeOpenApi } from '../common/notify'
import type { PhoneOpenApi } from '../common/phone'
import { createBlockSequence } from '../common/sequence'
import { FALLBACK_SMS_TEMPLATE_ID, type SmsOpenApi } from '../common/sms'
import { createStoreDirectory } from '../common/stores'
import { vaultFromEnv, type Vault } from '../common/vault'
import { createAccountActions } from './account'
import { createCardActions } from './cards'
import { createConsentActions } from './consents'
import { createMemberContext, MEMBER_NO_BLOCK } from './context'
import { createGuardianActions } from './guardian'
import { createPlateActions } from './plates'
import { createProfileActions } from './profile'
import { createMemberService } from './service'

// Note: the SDK's typings declare `env` as a string, but DYNAMIC_CURRENT_ENV (a symbol) is the
// documented way to follow the environment the function runs in.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface MemberFunctionOptions {
  clock?: Clock
  /** Defaults to the keys in the environment (PI_MASTER_KEY, PI_INDEX_KEY …; PI_KEY_ENV for the key store). */
  vault?: () => Vault
}

/** Builds the function's `main`; tests pass a manual clock. */
export function createMain(options: MemberFunctionOptions = {}): Main {
  const clock = options.clock ?? systemClock
  const vaultOf = options.vault ?? (() => vaultFromEnv(process.env))
  // Kept by the function instance across its calls: a block of member numbers, the stores.
  const memberNumbers = createBlockSequence('memberNo', MEMBER_NO_BLOCK)
  const stores = createStoreDirectory(clock)

  // Built per call: the database handle follows the current environment, and a missing key
  // fails the call (logged, INTERNAL) instead of the cold start.
  function context() {
    // Note: the SDK's typings omit `throwOnNotFound`, which its code reads.
    const db = asDb((cloud.database as (config: object) => object)(DB_OPTIONS))
    const vault = vaultOf()
    const keyEnv = keyEnvFromEnv(process.env, String(cloud.getWXContext().ENV ?? '') || undefined)
    const keyDb = asDb((cloud.database as (config: object) => object)({ ...DB_OPTIONS, env: keyEnv }))
    return createMemberContext({
      db,
      vault,
      clock,
      audit: createAuditLog({ db, vault, clock }),
      keys: createKeyStore({ db: keyDb, vault, clock }),
      openapi: cloud.openapi as SmsOpenApi & PhoneOpenApi & SubscribeOpenApi,
      smsConfig: {
        env: process.env.SMS_ENV ?? String(cloud.getWXContext().ENV ?? ''),
        templateId: process.env.SMS_TEMPLATE_ID || FALLBACK_SMS_TEMPLATE_ID,
      },
      subscribeTemplates: templatesFromEnv(process.env.SUBSCRIBE_TEMPLATES),
      memberNumbers,
      stores,
    })
  }
  const service = () => {
    const ctx = context()
    return createMemberService({ ...ctx, openapi: ctx.openapi }, ctx)
  }
  const consents = () => createConsentActions(context())
  const plates = () => createPlateActions(context())
  const profile = () => createProfileActions(context())
  const guardian = () => createGuardianActions(context())
  const cards = () => createCardActions(context())
  const account = () => createAccountActions(context())

  return createRouter(
    {
      home: (_data, caller) => service().home(caller),
      joinForm: (_data, caller) => service().joinForm(caller),
      sendJoinCode: (data, caller) => service().sendJoinCode(caller, data),
      join: (data, caller) => service().join(caller, data),
      profile: (_data, caller) => profile().profile(caller),
      updateProfile: (data, caller) => profile().updateProfile(caller, data),
      sendPhoneCode: (data, caller) => profile().sendPhoneCode(caller, data),
      changePhone: (data, caller) => profile().changePhone(caller, data),
      plates: (_data, caller) => plates().plates(caller),
      bindPlate: (data, caller) => plates().bindPlate(caller, data),
      unbindPlate: (data, caller) => plates().unbindPlate(caller, data),
      consents: (_data, caller) => consents().consents(caller),
      setConsent: (data, caller) => consents().setConsent(caller, data),
      sendGuardianCode: (data, caller) => guardian().sendGuardianCode(caller, data),
      recordGuardianConsent: (data, caller) => guardian().recordGuardianConsent(caller, data),
      sendCardCode: (data, caller) => cards().sendCardCode(caller, data),
      bindCard: (data, caller) => cards().bindCard(caller, data),
      exportData: (_data, caller) => account().exportData(caller),
      deleteAccount: (data, caller) => account().deleteAccount(caller, data),
    },
    { name: 'member' },
  )
}

export const main = createMain()
