/**
 * The counter's member lookup and the managers' channel report (staff function; see
 * docs/architecture.md, "Member lookup and the channel report"). Spread into `staffContract`.
 *
 * Who may call what (5.3, role-based permission per category of data): looking members up and
 * revealing one field is counter work, done by the counter staff and the store manager of the
 * member's store. The privacy officer and the admin serve no shopper at a counter and get no
 * lookup: the fewest people who need it read members' data (minimum necessary). The channel
 * report holds counts only and measures acquisition (6.5.2, marketing): the manager for their
 * stores, the admin for every store; not the privacy officer, whose role has no marketing.
 */
import type { ChannelKind } from '../channel/model'
import type { Check } from '../identity/rules'
import { enumOf, isoDate, required, schema, text } from '../input'
import type { Tier } from '../member/model'
import { parseIsoDate } from '../dates'
import { fail, ok } from '../errors'
import {
  daysBetween,
  isMemberNoTail,
  REASSIGN_REASON_IDS,
  REPORT_MAX_DAYS,
  REVEAL_FIELDS,
  REVEAL_REASON_IDS,
  type RevealField,
} from '../staff/lookup'
import { action } from './contract'

/** Member refs are the pseudonymous member ids; channel codes are at most 8 characters. */
const REF_MAX = 64
const CHANNEL_MAX = 8

/** A member as the counter sees them: every identifier masked (L-7). */
export interface LookedUpMember {
  /** The pseudonymous member id: what a reveal or a reassignment names. */
  ref: string
  /** 张* */
  name: string
  /** 138****1234 */
  phone: string
  /** ********1234 */
  memberNo: string
  tier: Tier
  tierLabel: string
  points: number
  store: { id: string; name: string }
  /** The channel the member is attributed to, for the manager's reassignment. */
  source?: { channelId: string; name: string }
}

export interface LookupAnswer {
  members: LookedUpMember[]
  /** More members of the staff member's stores end with these digits than the list shows. */
  truncated: boolean
  /** Full reveals the caller has left today. */
  revealsLeft: number
}

export interface RevealAnswer {
  field: RevealField
  value: string
  revealsLeft: number
}

export interface ReportChannel {
  channelId: string
  name: string
  kind: ChannelKind
  /** Closed channels keep their counts; a member cannot be moved to one. */
  open: boolean
  storeId: string
  storeName: string
  counterId?: string
  counterName?: string
}

/** One channel's day: sign-ups attributed to it now, and those moved in or out by reassignment. */
export interface ReportRow {
  day: string
  channelId: string
  count: number
  movedIn: number
  movedOut: number
}

export interface ChannelReport {
  from: string
  to: string
  channels: ReportChannel[]
  rows: ReportRow[]
  total: number
}

const day = (): ReturnType<typeof isoDate> =>
  isoDate({ check: (value): Check => (parseIsoDate(value) ? undefined : 'REPORT_RANGE_INVALID') })

const range = schema({ from: day(), to: day(), storeId: text(REF_MAX) }, (value) => {
  const { from, to } = value
  if (!from || !to) return fail('REPORT_RANGE_INVALID', from ? 'to' : 'from')
  const span = daysBetween(from, to)
  if (span < 1 || span > REPORT_MAX_DAYS) return fail('REPORT_RANGE_INVALID', 'to')
  return ok({ from, to, ...(value.storeId ? { storeId: value.storeId } : {}) })
})

export const lookupContract = {
  lookupMember: action<LookupAnswer>()({
    input: schema({
      tail: required(8, 'LOOKUP_TAIL_INVALID', {
        check: (v): Check => (isMemberNoTail(v) ? undefined : 'LOOKUP_TAIL_INVALID'),
      }),
    }),
    access: ['counter', 'manager'],
    errors: ['LOOKUP_TAIL_INVALID'],
  }),
  revealField: action<RevealAnswer>()({
    input: schema({
      ref: required(REF_MAX, 'LOOKUP_MEMBER_UNKNOWN'),
      field: enumOf(REVEAL_FIELDS, 'INVALID_ARGUMENT'),
      reason: enumOf(REVEAL_REASON_IDS, 'REVEAL_REASON_REQUIRED'),
    }),
    access: ['counter', 'manager'],
    errors: [
      'LOOKUP_MEMBER_UNKNOWN',
      'REVEAL_REASON_REQUIRED',
      'REVEAL_DAILY_LIMIT',
      'PURPOSE_CONSENT_REQUIRED',
    ],
  }),
  channelReport: action<ChannelReport>()({
    input: range,
    access: ['manager', 'admin'],
    errors: ['REPORT_RANGE_INVALID'],
  }),
  reassignSource: action<{ source: { channelId: string; name: string } }>()({
    input: schema({
      ref: required(REF_MAX, 'LOOKUP_MEMBER_UNKNOWN'),
      channelId: required(CHANNEL_MAX, 'REASSIGN_CHANNEL_INVALID'),
      reason: enumOf(REASSIGN_REASON_IDS, 'REASSIGN_REASON_REQUIRED'),
    }),
    access: ['manager', 'admin'],
    errors: ['LOOKUP_MEMBER_UNKNOWN', 'REASSIGN_CHANNEL_INVALID', 'REASSIGN_REASON_REQUIRED'],
  }),
}
