/**
 * What the member actions run with, wired from the two databases: each action factory takes
 * the few of these it uses.
 */
import type { Clock } from '../common/clock'
import { createAuditLog } from '../common/audit'
import type { AuditChain, AuditSigner } from '../common/chain'
import { createConsentRecorder } from '../common/consents/recorder'
import type { Db } from '../common/db'
import { createErasure } from '../common/erasure'
import type { FileStore } from '../common/files'
import { createIdentityStore } from '../common/identity'
import { createKeyStore } from '../common/keystore'
import type { CallerCache } from '../common/members/callers'
import { createMemberClaims, createRegistration } from '../common/members/registration'
import { createMemberRepository } from '../common/members/repository'
import { createMemberCodes } from '../common/points/memberCode'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { createLedger } from '../common/points/ledger'
import { createRedemptions } from '../common/points/redemptions'
import { createNotifier, type SubscribeOpenApi, type SubscribeTemplates } from '../common/notify'
import type { PhoneOpenApi } from '../common/phone'
import { createScopeGuard } from '../common/scope'
import { createSmsService, type SmsConfig, type SmsOpenApi, type SmsService } from '../common/sms'
import type { BlockSequence } from '../common/sequence'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

export type MemberOpenApi = SmsOpenApi & PhoneOpenApi & SubscribeOpenApi

export interface MemberWiringInput {
  db: Db
  /** The key environment's database (PI_KEY_ENV). */
  keyDb: Db
  vault: Vault
  /** Signs the audit entries (AUDIT_SIGNING_KEY). */
  auditSigner: AuditSigner
  /** Kept by the function instance across calls: its audit chain. */
  auditChain: AuditChain
  clock: Clock
  openapi: MemberOpenApi
  /** Subscribe-message templates per topic (`SUBSCRIBE_TEMPLATES`). */
  templates: SubscribeTemplates
  smsConfig: SmsConfig
  /** Another SMS service than the real one over `db` and `openapi` (tests). */
  sms?: SmsService
  /** Kept by the function instance across calls: its block of member numbers. */
  memberNumbers: BlockSequence
  /** Kept by the function instance across calls: the mall's stores. */
  stores: StoreDirectory
  /** Kept by the function instance across calls: the member ids of the callers it has seen. */
  callers: CallerCache
  /** Cloud storage: receipt photos. */
  files: FileStore
}

/**
 * Member numbers a function instance takes from the counter at once: one counter write per 20
 * sign-ups instead of one each, at the price of gaps when an instance is recycled.
 */
export const MEMBER_NO_BLOCK = 20

export type MemberDeps = ReturnType<typeof wireMember>

export function wireMember(input: MemberWiringInput) {
  const { db, vault, clock, openapi, templates, memberNumbers, stores, files } = input
  const audit = createAuditLog({ db, signer: input.auditSigner, clock, chain: input.auditChain })
  const keys = createKeyStore({ db: input.keyDb, vault, clock })
  const identities = createIdentityStore({ db, vault, audit, clock, keys })
  const claims = createMemberClaims({ db, vault, clock })
  const consents = createConsentRecorder({ db, clock })
  const guard = createScopeGuard({ db, identities, audit })
  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY })
  return {
    db,
    vault,
    clock,
    openapi,
    templates,
    stores,
    files,
    audit,
    keys,
    identities,
    claims,
    consents,
    guard,
    sms: input.sms ?? createSmsService({ db, vault, clock, openapi, config: input.smsConfig }),
    members: createMemberRepository({ db, claims, callers: input.callers }),
    erasure: createErasure({ db, clock, audit, identities, keys, consents, files }),
    registration: createRegistration({
      db,
      vault,
      clock,
      claims,
      identities,
      audit,
      consents,
      memberNumbers,
      callers: input.callers,
    }),
    notifier: createNotifier({ db, guard, identities, openapi, templates }),
    memberCodes: createMemberCodes({ db, vault, keys, clock }),
    ledger,
    redemptions: createRedemptions({ db, clock }),
  }
}
