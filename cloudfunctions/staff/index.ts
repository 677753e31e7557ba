/**
 * The `staff` cloud function (docs/architecture.md, "The staff function"): a router over the
 * staff actions (src/domain/contracts/staff.ts): `me`, invites (create, redeem, revoke), the
 * staff list, disabling and enabling accounts.
 *
 * Besides the routed actions, one bootstrap event makes the mall's first admin possible on
 * CloudBase: `{ "bootstrap": "admin" }` answers a one-time admin invite, only for a call that
 * carries no OPENID (the cloud console's test run or the CLI, never the mini-program, whose
 * calls always carry the caller's OPENID) and only while the mall has no active admin.
 * Locally, `npm run staff:invite` does the same over the data directory.
 */
import * as cloud from 'wx-server-sdk'

import { staffContract, type StaffContract } from '../../src/domain/contracts/staff'
import { fail, ok } from '../../src/domain/errors'
import { auditSignerFromEnv, createAuditChain, type AuditSigner } from '../common/chain'
import { systemClock, type Clock } from '../common/clock'
import { createFileStore, type StorageApi } from '../common/files'
import type { ErrorCode } from '../common/errors'
import { openDatabases } from '../common/platform'
import { createRulesBook } from '../common/points/rules'
import { createRouter, type Main } from '../common/router'
import { createStaffDirectory } from '../common/staff'
import { createStoreDirectory } from '../common/stores'
import { vaultFromEnv, type Vault } from '../common/vault'
import { createStaffActions, type StaffDeps, type StaffOpenApi } from './actions'
import { BOOTSTRAP_ACTOR, hasActiveAdmin, wireStaff } from './wiring'

// Note: the SDK's typings declare `env` as a string, but DYNAMIC_CURRENT_ENV (a symbol) is the
// documented way to follow the environment the function runs in.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface StaffFunctionOptions {
  clock?: Clock
  vault?: () => Vault
  auditSigner?: () => AuditSigner
  /** Tests only: another openapi than WeChat's. */
  openapi?: StaffOpenApi
  getContext?: () => { OPENID?: string; APPID?: string; SOURCE?: string }
  onUndeclared?: (action: string, code: ErrorCode) => void
}

export function createMain(options: StaffFunctionOptions = {}): Main {
  const clock = options.clock ?? systemClock
  const vaultOf = options.vault ?? (() => vaultFromEnv(process.env))
  const signerOf = options.auditSigner ?? (() => auditSignerFromEnv(process.env))
  const getContext = options.getContext ?? (() => cloud.getWXContext())
  const stores = createStoreDirectory(clock)
  const rules = createRulesBook(clock)
  const auditChain = createAuditChain()

  const wire = (): StaffDeps => {
    const databases = openDatabases(cloud)
    return wireStaff({
      db: databases.db,
      keyDb: () => databases.keyDb(),
      vault: vaultOf(),
      clock,
      auditSigner: signerOf(),
      auditChain,
      stores,
      rules,
      openapi: options.openapi ?? (cloud.openapi as unknown as StaffOpenApi),
      files: createFileStore(cloud as unknown as StorageApi),
    })
  }

  const routed = createRouter<StaffContract, { status: 'active' }>(
    staffContract,
    () => {
      const deps = wire()
      const staff = createStaffDirectory(deps)
      return {
        handlers: createStaffActions(deps),
        principals: { member: async () => null, staff: (caller) => staff.find(caller) },
      }
    },
    { name: 'staff', clock, getContext, onUndeclared: options.onUndeclared },
  )

  async function bootstrap() {
    const openid = getContext()?.OPENID
    if (typeof openid === 'string' && openid !== '') return fail('FORBIDDEN')
    const deps = wire()
    if (await hasActiveAdmin(deps.db)) return fail('FORBIDDEN')
    return ok(await deps.invites.create(BOOTSTRAP_ACTOR, { role: 'admin', storeIds: [] }))
  }

  const main = async (event: unknown) => {
    const isBootstrap =
      typeof event === 'object' && event !== null && (event as Record<string, unknown>).bootstrap === 'admin'
    if (!isBootstrap) return routed(event)
    try {
      return await bootstrap()
    } catch {
      console.error('[staff] bootstrap failed')
      return fail('INTERNAL')
    }
  }
  return Object.assign(main, { actions: routed.actions, contract: routed.contract })
}

export const main = createMain()
