/** What the staff actions run with, wired from the database; shared with `npm run staff:invite`. */
import { createAuditLog, systemActor } from '../common/audit'
import type { AuditChain, AuditSigner } from '../common/chain'
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db } from '../common/db'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'
import type { StaffDeps } from './actions'
import { createInvites } from './invites'

/** The audit actor of an invite made by the bootstrap event or `npm run staff:invite`. */
export const BOOTSTRAP_ACTOR = systemActor('staff-bootstrap')

export function wireStaff(input: {
  db: Db
  vault: Vault
  clock: Clock
  auditSigner: AuditSigner
  /** Kept by the function instance across calls: its audit chain. */
  auditChain?: AuditChain
  stores: StoreDirectory
}): StaffDeps {
  const { db, vault, clock, stores } = input
  const audit = createAuditLog({ db, signer: input.auditSigner, clock, chain: input.auditChain })
  return { db, vault, clock, audit, stores, invites: createInvites({ db, vault, audit, clock }) }
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
