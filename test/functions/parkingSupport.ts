/** What the parking tests share: the car park's sessions over the test environment. */
import { createParkingSessions } from '../../cloudfunctions/common/parking/sessions'
import { createTariffBook } from '../../cloudfunctions/common/parking/tariffs'
import type { TestEnv } from './support'

/** `applyCarParkEvent` as the `ingest` function wires it, over the test's databases and clock. */
export const parkingOf = (env: TestEnv, overrides: { db?: TestEnv['db'] } = {}) =>
  createParkingSessions({
    db: overrides.db ?? env.db,
    keyDb: () => env.keyDb,
    vault: env.vault,
    clock: env.clock,
    tariffs: createTariffBook(env.clock),
    audit: env.audit(),
  })
