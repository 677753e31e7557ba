/**
 * Parking for staff (issue #12; src/domain/contracts/parking.ts): a car park's tariff versions
 * (read and published by its store's manager or the admin, audited), and the parking desk —
 * a plate's sessions at the staff member's stores and the last hour's exits, plates masked,
 * each listing audited as a read of whereabouts (3.2) under the purpose `parking`.
 */
import { actingStaff } from '../common/staff'
import type { DeskSession, parkingContract } from '../../src/domain/contracts/parking'
import { fail, ok } from '../../src/domain/errors'
import { maskPlate } from '../../src/domain/identity/mask'
import { tariffFen } from '../../src/domain/parking/fee'
import { SESSION_STATE_LABELS } from '../../src/domain/parking/sessions'
import { tariffAt, tariffVersionId, type ParkingTariffVersion } from '../../src/domain/parking/tariffs'
import { inStoreScope, type StaffIdentity } from '../../src/domain/staff/model'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { createDayKeys } from '../common/parking/dayKeys'
import { plateField, type SessionDoc } from '../common/parking/sessions'
import { createTariffBook, TARIFF_CACHE_MS, type TariffDoc } from '../common/parking/tariffs'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

export interface ParkingDeps {
  db: Db
  keyDb: () => Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  stores: StoreDirectory
}

/** Sessions of one plate the desk sees: the latest few. */
const DESK_SESSIONS_MAX = 5
/** Exits the desk's list holds at most. */
const EXITS_MAX = 100
const RECENT_EXITS_MS = 3600_000
const HISTORY_MAX = 50
/** Car parks a mall has: a handful. */
const CAR_PARKS_MAX = 50
const PUBLISH_TRIES = 3

const view = (doc: TariffDoc): ParkingTariffVersion => {
  const { _id: _ignored, ...rest } = doc
  return rest
}

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString())

export function createParkingActions(
  deps: ParkingDeps,
): Handlers<typeof parkingContract, { status: 'active' }> {
  const { db, vault, clock, audit, stores } = deps
  const tariffs = createTariffBook(clock)
  const _ = db.command

  /** The car park, if it is in the staff member's stores. */
  async function carParkInScope(staff: StaffIdentity, carParkId: string): Promise<Doc | null> {
    const carPark = await getDoc(db, COLLECTIONS.carParks, carParkId)
    return carPark && inStoreScope(staff, String(carPark.storeId)) ? carPark : null
  }

  /** One audit entry for a listing of sessions: whereabouts read at the desk. */
  const recordRead = (staff: StaffIdentity, subject: string) =>
    audit.record(
      {
        actor: staffActor(staff.id),
        action: 'read',
        purpose: 'parking',
        memberId: subject,
        fields: ['plates'],
        success: true,
      },
      { counted: false },
    )

  async function deskView(session: SessionDoc, plate: string): Promise<DeskSession> {
    const now = clock.now()
    let feeFen = 0
    if (session.enteredAt) {
      const version = (await tariffs.versions(db, session.carParkId)).find(
        (v) => v.version === session.tariffVersion,
      )
      const end = session.exitedAt ? new Date(session.exitedAt).getTime() : now
      if (version) feeFen = tariffFen(version.tariff, new Date(session.enteredAt).getTime(), end)
    }
    return {
      sessionId: session._id,
      plate: maskPlate(plate),
      state: session.state,
      stateLabel: SESSION_STATE_LABELS[session.state],
      enteredAt: iso(session.enteredAt),
      exitedAt: iso(session.exitedAt),
      feeFen,
      paidFen: session.paidFen,
      waivedFen: session.waivedFen ?? 0,
      waived: (session.waives?.length ?? 0) > 0,
    }
  }

  return {
    async parkingTariffs(input, { caller }) {
      const staff = actingStaff(caller)
      const { data } = await db
        .collection(COLLECTIONS.carParks)
        .where(staff.storeIds === 'all' ? {} : { storeId: _.in([...staff.storeIds]) })
        .limit(CAR_PARKS_MAX)
        .get()
      const carParks = data
        .map((c) => ({ id: String(c._id), name: String(c.name ?? c._id) }))
        .sort((a, b) => a.id.localeCompare(b.id))
      const carParkId = input.carParkId ?? carParks[0]?.id
      if (!carParkId || !carParks.some((c) => c.id === carParkId))
        return fail('CAR_PARK_UNKNOWN', 'carParkId')
      const versions = await tariffs.versions(db, carParkId)
      const now = new Date(clock.now()).toISOString()
      const current = tariffAt(versions, now) ?? null
      const next =
        versions
          .filter((v) => v.effectiveFrom > now)
          .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || b.version - a.version)[0] ?? null
      return ok({
        carParks,
        carParkId,
        current: current && view(current),
        next: next && view(next),
        history: versions.slice(0, HISTORY_MAX).map(view),
      })
    },

    async publishParkingTariff(input, { caller }) {
      const staff = actingStaff(caller)
      if (!(await carParkInScope(staff, input.carParkId))) return fail('CAR_PARK_UNKNOWN', 'carParkId')
      const now = clock.now()
      // Not before every instance's cached tariffs have expired: all pay stations price alike.
      const soonest = now + TARIFF_CACHE_MS
      const asked = input.effectiveFrom === undefined ? soonest : Date.parse(input.effectiveFrom)
      if (asked < now) return fail('RULES_EFFECTIVE_INVALID', 'effectiveFrom')
      const effectiveFrom = new Date(Math.max(asked, soonest)).toISOString()
      for (let attempt = 1; ; attempt += 1) {
        tariffs.forget()
        const [latest] = await tariffs.versions(db, input.carParkId)
        const version = (latest?.version ?? 0) + 1
        const doc: TariffDoc = {
          _id: tariffVersionId(input.carParkId, version),
          carParkId: input.carParkId,
          version,
          effectiveFrom,
          tariff: input.tariff,
          rules: input.rules,
          changedBy: staffActor(staff.id),
          changedAt: new Date(now).toISOString(),
          note: input.note ?? '',
        }
        if (await addUnique(db, COLLECTIONS.parkingTariffs, doc as unknown as Doc)) {
          await audit.record(
            {
              actor: staffActor(staff.id),
              action: 'create',
              purpose: 'staffAdmin',
              memberId: `parking-tariff:${doc._id}`,
              fields: [],
              success: true,
            },
            { counted: false },
          )
          return ok({ version: view(doc) })
        }
        if (attempt === PUBLISH_TRIES) return fail('INTERNAL')
      }
    },

    async parkingDeskLookup({ plate }, { caller }) {
      const staff = actingStaff(caller)
      const plateIndex = vault.blindIndex('plate', plate)
      const where =
        staff.storeIds === 'all' ? { plateIndex } : { plateIndex, storeId: _.in([...staff.storeIds]) }
      const { data } = await db
        .collection(COLLECTIONS.parkingSessions)
        .where(where)
        .orderBy('sortAt', 'desc')
        .limit(DESK_SESSIONS_MAX)
        .get()
      await recordRead(staff, `parking-plate:${plateIndex}`)
      const sessions: DeskSession[] = []
      for (const session of data as SessionDoc[]) sessions.push(await deskView(session, plate))
      return ok({ sessions })
    },

    async parkingRecentExits({ storeId }, { caller }) {
      const staff = actingStaff(caller)
      let storeIds: string[]
      if (storeId) {
        if (!inStoreScope(staff, storeId) || !(await stores.byId(db, storeId)))
          return fail('STORE_UNKNOWN', 'storeId')
        storeIds = [storeId]
      } else
        storeIds = staff.storeIds === 'all' ? (await stores.all(db)).map((s) => s._id) : [...staff.storeIds]
      const since = new Date(clock.now() - RECENT_EXITS_MS)
      const { data } = await db
        .collection(COLLECTIONS.parkingSessions)
        .where({ storeId: _.in(storeIds), exitedAt: _.gte(since) })
        .orderBy('exitedAt', 'desc')
        .limit(EXITS_MAX)
        .get()
      const keys = createDayKeys({ keyDb: deps.keyDb, vault, clock })
      const sessions: DeskSession[] = []
      for (const session of data as SessionDoc[]) {
        const cipher = await keys.open(session.carParkId, session.keyDay)
        // A day key already destroyed: the plate is gone for good, only its shape is shown.
        const plate = cipher ? cipher.decrypt(plateField(session._id), session.plate) : '**'
        sessions.push(await deskView(session, plate))
      }
      await recordRead(staff, `parking-exits:${storeIds.join(',')}`)
      return ok({ sessions })
    },
  }
}
