/** What the staff actions run with, wired from the database; shared with `npm run staff:invite`. */
import { createAuditLog, systemActor } from '../common/audit'
import type { AuditChain, AuditSigner } from '../common/chain'
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db } from '../common/db'
import type { FileStore } from '../common/files'
import type { RulesBook } from '../common/points/rules'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'
import type { StaffDeps, StaffOpenApi } from './actions'
import { createInvites } from './invites'

/** The audit actor of an invite made by the bootstrap event or `npm run staff:invite`. */
export const BOOTSTRAP_ACTOR = systemActor('staff-bootstrap')

interface InviteWiring {
  db: Db
  vault: Vault
  clock: Clock
  auditSigner: AuditSigner
  /** Kept by the function instance across calls: its audit chain. */
  auditChain?: AuditChain
}

/** The audit log and the invites over `db` (all `npm run staff:invite` needs). */
export function wireInvites(input: InviteWiring) {
  const { db, vault, clock } = input
  const audit = createAuditLog({ db, signer: input.auditSigner, clock, chain: input.auditChain })
  return { audit, invites: createInvites({ db, vault, audit, clock }) }
}

export function wireStaff(
  input: InviteWiring & {
    keyDb: () => Db
    stores: StoreDirectory
    rules: RulesBook
    openapi: StaffOpenApi
    files: FileStore
  },
): StaffDeps {
  const { db, keyDb, vault, clock, stores, rules, openapi, files } = input
  return { db, keyDb, openapi, vault, clock, stores, rules, files, ...wireInvites(input) }
}

/** Whether the mall has an active admin (the `role_status` index). */
export async function hasActiveAdmin(db: Db): Promise<boolean> {
  const { data } = await db
    .collection(COLLECTIONS.staff)
    .where({ role: 'admin', status: 'active' })
    .limit(1)
    .get()
  return data.length > 0
}
