/**
 * The parking desk's waive (issue #12; staff function). Spread into `staffContract`.
 *
 * Counter work at the car park's store: its counter staff and manager settle a session for its
 * current fee with a reason from a fixed list (a note for 其他), at most WAIVE_DAILY_LIMIT a day
 * each; a retry with the same `key` answers the first waive.
 */
import { fail, ok } from '../errors'
import type { Check } from '../identity/rules'
import { enumOf, required, schema, text } from '../input'
import { WAIVE_NOTE_MAX, WAIVE_NOTE_REASON, WAIVE_REASON_IDS } from '../parking/waive'
import { action } from './contract'

const SESSION_ID_MAX = 160
const KEY_MAX = 64

export interface WaiveAnswer {
  sessionId: string
  /** The fee waived (the quote's amount due at the waive). */
  waivedFen: number
  /** Until when the car may leave without a new fee. */
  paidUntil: string
  repeated: boolean
  waivesLeft: number
}

export const parkingDeskContract = {
  waiveParking: action<WaiveAnswer>()({
    input: schema(
      {
        sessionId: required(SESSION_ID_MAX, 'PARKING_SESSION_UNKNOWN'),
        reasonCode: enumOf(WAIVE_REASON_IDS, 'PARKING_WAIVE_REASON_REQUIRED'),
        note: text(WAIVE_NOTE_MAX),
        key: required(KEY_MAX, 'INVALID_ARGUMENT', {
          check: (value): Check => (/^[A-Za-z0-9_-]+$/.test(value) ? undefined : 'INVALID_ARGUMENT'),
        }),
      },
      (value) =>
        value.reasonCode === WAIVE_NOTE_REASON && !value.note
          ? fail('PARKING_WAIVE_NOTE_REQUIRED', 'note')
          : ok(value),
    ),
    access: ['counter', 'manager'],
    errors: [
      'PARKING_SESSION_UNKNOWN',
      'PARKING_WAIVE_REASON_REQUIRED',
      'PARKING_WAIVE_NOTE_REQUIRED',
      'PARKING_WAIVE_NOTHING',
      'PARKING_WAIVE_LIMIT',
      'PARKING_TARIFF_MISSING',
      'PARKING_BUSY',
    ],
  }),
}
