/**
 * Parking for staff (issue #12; staff function). Spread into `staffContract`.
 *
 * Who may call what (5.3): a car park's tariff belongs to its store, so its manager (and the
 * admin, for every store) reads and publishes versions. The parking desk is counter work at the
 * car park's store: its counter staff and manager look a plate up and see the last hour's exits,
 * plates masked, every look-up audited as a read of whereabouts (3.2) under the purpose
 * `parking`. The privacy officer has no part in parking.
 */
import type { DeductionRules, FeeLine, Tariff } from '../parking/fee'
import type { SessionState } from '../parking/sessions'
import { parseDeductionRules, parseTariff, type ParkingTariffVersion } from '../parking/tariffs'
import { plate, required, schema, text, type Field } from '../input'
import { fail, ok } from '../errors'
import { action } from './contract'
import { instant } from './points'

const ID_MAX = 64
const NOTE_MAX = 60

export interface ParkingTariffsAnswer {
  /** The car parks of the staff member's stores; the versions are those of `carParkId`. */
  carParks: { id: string; name: string }[]
  carParkId: string
  current: ParkingTariffVersion | null
  next: ParkingTariffVersion | null
  /** Newest first. */
  history: ParkingTariffVersion[]
}

/** A session as the desk sees it: the plate masked, times, state and the tariff's fee. */
export interface DeskSession {
  sessionId: string
  /** 粤B·***45 */
  plate: string
  state: SessionState
  stateLabel: string
  enteredAt: string | null
  exitedAt: string | null
  /** The tariff's fee up to the exit or now (no member deduction: the desk sees no member). */
  feeFen: number
  paidFen: number
  /** Waived at the desk, and whether the desk waived it at all (a session with nothing priced too). */
  waivedFen: number
  waived: boolean
}

/** What a stay costs a payer now: the fee's lines and the amount. */
export interface ParkingQuote {
  sessionId: string
  /** 粤B·***45 */
  plate: string
  enteredAt: string
  /** Until when it is priced (now, for an open session). */
  until: string
  minutes: number
  tariffVersion: number
  grossFen: number
  lines: FeeLine[]
  amountFen: number
  /** Points the amount assumes are spent. */
  points: number
  paidFen: number
  /** amountFen less what was paid and what the desk waived. */
  dueFen: number
  /**
   * `unpaid`: the stay's fee; `window`: paid, to leave by `paidUntil`; `overstay`: paid but
   * still parked after `paidUntil`, the fee is for the extra time only (src/domain/parking/payment.ts).
   */
  phase: 'unpaid' | 'window' | 'overstay'
  /** The end of the exit window of the last payment. */
  paidUntil: string | null
}

const carParkId = () => required(ID_MAX, 'CAR_PARK_UNKNOWN')

const tariffField: Field<Tariff> = {
  parse(raw, field) {
    const tariff = parseTariff(raw)
    return tariff ? ok(tariff) : fail('PARKING_TARIFF_INVALID', field)
  },
}

const rulesField: Field<DeductionRules> = {
  parse(raw, field) {
    const rules = parseDeductionRules(raw)
    return rules ? ok(rules) : fail('PARKING_TARIFF_INVALID', field)
  },
}

export const parkingContract = {
  /** Without `carParkId`: the first car park of the staff member's stores. */
  parkingTariffs: action<ParkingTariffsAnswer>()({
    input: schema({ carParkId: text(ID_MAX) }),
    access: ['manager', 'admin'],
    errors: ['CAR_PARK_UNKNOWN'],
  }),
  publishParkingTariff: action<{ version: ParkingTariffVersion }>()({
    input: schema({
      carParkId: carParkId(),
      tariff: tariffField,
      rules: rulesField,
      effectiveFrom: instant,
      note: text(NOTE_MAX),
    }),
    access: ['manager', 'admin'],
    errors: ['CAR_PARK_UNKNOWN', 'PARKING_TARIFF_INVALID', 'RULES_EFFECTIVE_INVALID'],
  }),
  parkingDeskLookup: action<{ sessions: DeskSession[] }>()({
    input: schema({ plate: plate() }),
    access: ['counter', 'manager'],
    errors: ['PLATE_INVALID'],
  }),
  parkingRecentExits: action<{ sessions: DeskSession[] }>()({
    input: schema({ storeId: text(ID_MAX) }),
    access: ['counter', 'manager'],
    errors: ['STORE_UNKNOWN'],
  }),
}

/** Parking for shoppers (member function). Spread into `memberContract`. */
export const parkingMemberContract = {
  /** The member's bound plates' open sessions with their quote (needs the parking consent). */
  parkingSession: action<{ sessions: ParkingQuote[] }>()({
    input: schema({}),
    access: ['member'],
    errors: ['PURPOSE_CONSENT_REQUIRED', 'NOT_A_MEMBER'],
  }),
  /**
   * Anyone with a plate: its open session's quote without any member's data, the plate masked;
   * a few look-ups a day per WeChat user, so it cannot follow a plate around.
   */
  parkingByPlate: action<{ session: ParkingQuote }>()({
    input: schema({ plate: plate() }),
    access: ['shopper'],
    errors: ['PLATE_INVALID', 'PARKING_SESSION_NONE', 'PARKING_LOOKUP_LIMIT', 'PARKING_TARIFF_MISSING'],
  }),
}
