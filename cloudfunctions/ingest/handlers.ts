/**
 * The device kinds the `ingest` function serves, keyed by the path a device posts to
 * (`/ingest/<kind>`): adding a kind (the car park's `/ingest/carpark`) is one line in HANDLERS.
 * A handler gets the schema-free JSON body of a push whose signature, time and nonce were
 * checked, and the device that signed it; it answers a Result like an action.
 */
import type { Result } from '../../src/domain/errors'
import type { AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import type { Db } from '../common/db'
import type { DeviceDoc, DeviceKind } from '../common/devices'
import type { Receipts } from '../common/points/receipts'
import type { RulesBook } from '../common/points/rules'
import type { StoreDirectory } from '../common/stores'
import type { TariffBook } from '../common/parking/tariffs'
import type { Vault } from '../common/vault'
import { carParkHandler } from './carpark'
import { posHandler } from './pos'

export interface IngestDeps {
  db: Db
  keyDb: () => Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  rules: RulesBook
  stores: StoreDirectory
  /** The car parks' tariff versions, kept by the function instance (a session records the one at entry). */
  tariffs: TariffBook
}

export interface DeviceHandler {
  /** The kind of device allowed to post here. */
  kind: DeviceKind
  handle(
    body: unknown,
    context: { device: DeviceDoc; deps: IngestDeps; receipts: Receipts },
  ): Promise<Result<unknown>>
}

export const HANDLERS: Readonly<Record<string, DeviceHandler>> = {
  pos: posHandler,
  carpark: carParkHandler,
}
