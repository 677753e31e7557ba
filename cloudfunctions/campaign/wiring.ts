/** What the campaign actions run with, wired from the databases per call. */
import { createAuditLog } from '../common/audit'
import type { AuditChain, AuditSigner } from '../common/chain'
import type { Clock } from '../common/clock'
import type { Db } from '../common/db'
import { createKeyStore } from '../common/keystore'
import type { CallerCache } from '../common/members/callers'
import { createMemberClaims } from '../common/members/registration'
import { createMemberRepository } from '../common/members/repository'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'
import type { CampaignDeps, CampaignOpenApi } from './actions'

export interface CampaignWiring {
  db: Db
  /** The key environment's database, opened on first use (claims only). */
  keyDb: () => Db
  vault: Vault
  clock: Clock
  auditSigner: AuditSigner
  /** Kept by the function instance across calls: its audit chain. */
  auditChain?: AuditChain
  stores: StoreDirectory
  /** Kept by the function instance across calls: the member ids of the callers it has seen. */
  callers: CallerCache
  openapi: CampaignOpenApi
}

export function wireCampaign(input: CampaignWiring) {
  const { db, vault, clock, stores, openapi } = input
  const audit = createAuditLog({ db, signer: input.auditSigner, clock, chain: input.auditChain })
  let keyStore: ReturnType<typeof createKeyStore> | undefined
  const keys: CampaignDeps['keys'] = {
    create: (owner) => store().create(owner),
    fetch: (owner) => store().fetch(owner),
    open: (owner, fetched, legacy) => store().open(owner, fetched, legacy),
    cipher: (owner, legacy) => store().cipher(owner, legacy),
    destroy: (owner) => store().destroy(owner),
  }
  function store() {
    keyStore ??= createKeyStore({ db: input.keyDb(), vault, clock })
    return keyStore
  }
  const deps: CampaignDeps = { db, openapi, vault, clock, audit, keys, stores }
  const claims = createMemberClaims({ db, vault, clock })
  return { deps, members: createMemberRepository({ db, claims, callers: input.callers }) }
}
