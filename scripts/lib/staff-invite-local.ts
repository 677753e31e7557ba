/**
 * `npm run staff:invite` against local-cloud's data directory: a one-time staff invite written
 * by the staff function's own code (cloudfunctions/staff/invites.ts) into the SQLite database
 * `npm start` uses, audited as `system:staff-bootstrap`. Bundled and run by
 * scripts/staff-invite.mjs.
 */
import { auditSignerFromEnv } from '../../cloudfunctions/common/chain'
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { createStoreDirectory } from '../../cloudfunctions/common/stores'
import { vaultFromEnv } from '../../cloudfunctions/common/vault'
import { BOOTSTRAP_ACTOR, wireInvites } from '../../cloudfunctions/staff/wiring'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'
import type { CreatedInvite } from '../../src/domain/contracts/staff'
import { STAFF_ROLES, type StaffRole } from '../../src/domain/staff/model'
import { storesForRole } from '../../src/domain/staff/rules'

export async function inviteLocal(options: {
  dataDir: string
  env: Record<string, string | undefined>
  role: string
  storeIds: string[]
  displayName?: string
}): Promise<CreatedInvite> {
  if (!(STAFF_ROLES as readonly string[]).includes(options.role))
    throw new Error(`--role must be one of ${STAFF_ROLES.join(', ')}`)
  const role = options.role as StaffRole
  const storeIds = storesForRole(role, options.storeIds)
  if (!storeIds)
    throw new Error('--store: one for counter, at least one for manager, none for the other roles')
  const cloud = createLocalCloud({ dataDir: options.dataDir, manifest })
  try {
    const db = asDb(cloud.database(DB_OPTIONS))
    const stores = createStoreDirectory(systemClock)
    for (const id of storeIds) if (!(await stores.byId(db, id))) throw new Error(`no store ${id}`)
    const { invites } = wireInvites({
      db,
      vault: vaultFromEnv(options.env),
      clock: systemClock,
      auditSigner: auditSignerFromEnv(options.env),
    })
    return await invites.create(BOOTSTRAP_ACTOR, {
      role,
      storeIds,
      ...(options.displayName ? { displayName: options.displayName } : {}),
    })
  } finally {
    cloud.close()
  }
}
