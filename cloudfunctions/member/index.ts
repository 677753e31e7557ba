/**
 * The `member` cloud function: a thin router over the member service (docs/architecture.md).
 * Actions: home, joinForm, sendJoinCode, join.
 */
import * as cloud from 'wx-server-sdk'

import { createAuditLog } from '../common/audit'
import { systemClock, type Clock } from '../common/clock'
import { asDb, DB_OPTIONS } from '../common/db'
import { createRouter, type Main } from '../common/router'
import { FALLBACK_SMS_TEMPLATE_ID, type SmsOpenApi } from '../common/sms'
import { vaultFromEnv, type Vault } from '../common/vault'
import { createMemberService } from './service'

// Note: the SDK's typings declare `env` as a string, but DYNAMIC_CURRENT_ENV (a symbol) is the
// documented way to follow the environment the function runs in.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface MemberFunctionOptions {
  clock?: Clock
  /** Defaults to the keys in the environment (PI_MASTER_KEY, PI_INDEX_KEY …). */
  vault?: () => Vault
}

/** Builds the function's `main`; tests pass a manual clock. */
export function createMain(options: MemberFunctionOptions = {}): Main {
  const clock = options.clock ?? systemClock
  const vaultOf = options.vault ?? (() => vaultFromEnv(process.env))

  // Built per call: the database handle follows the current environment, and a missing key
  // fails the call (logged, INTERNAL) instead of the cold start.
  function service() {
    // Note: the SDK's typings omit `throwOnNotFound`, which its code reads.
    const db = asDb((cloud.database as (config: object) => object)(DB_OPTIONS))
    const vault = vaultOf()
    return createMemberService({
      db,
      vault,
      clock,
      audit: createAuditLog({ db, vault, clock }),
      openapi: cloud.openapi as SmsOpenApi,
      smsConfig: {
        env: process.env.SMS_ENV ?? String(cloud.getWXContext().ENV ?? ''),
        templateId: process.env.SMS_TEMPLATE_ID || FALLBACK_SMS_TEMPLATE_ID,
      },
    })
  }

  return createRouter(
    {
      home: (_data, caller) => service().home(caller),
      joinForm: (_data, caller) => service().joinForm(caller),
      sendJoinCode: (data, caller) => service().sendJoinCode(caller, data),
      join: (data, caller) => service().join(caller, data),
    },
    { name: 'member' },
  )
}

export const main = createMain()
