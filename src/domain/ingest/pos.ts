/**
 * What a store's POS pushes to the `ingest` function (issue #11): a purchase that names the member
 * by a member-code token or by the phone's blind index (never a plain phone), and a refund of part
 * or all of a receipt. Schema-checked like every action's input: a field not declared is refused.
 */
import { fen, receiptNo } from '../contracts/points'
import { fail, ok, type Failure, type Result } from '../errors'
import type { Check } from '../identity/rules'
import { enumOf, object, schema, text, type Field, type Infer } from '../input'
import { MAX_PURCHASE_FEN } from '../points/earning'

const ID_MAX = 64
/** A scanned member code is 18 characters; a typed one may carry spaces or dashes. */
const CODE_MAX = 32
/** A blind index: HMAC-SHA256, lower-case hex. */
const PHONE_INDEX = /^[0-9a-f]{64}$/
/** How old a till's time may be: a till that was offline pushes what it kept, within a month. */
export const TILL_TIME_MAX_AGE_MS = 30 * 24 * 3600_000
/** How far ahead of the server a till's time may be: the signature's clock skew. */
export const TILL_TIME_MAX_AHEAD_MS = 300_000

/** An ISO instant as the till wrote it, answered in UTC. */
const tillTime: Field<string> = {
  parse(raw, field) {
    return typeof raw === 'string' && raw.length <= 40 && Number.isFinite(Date.parse(raw))
      ? ok(new Date(raw).toISOString())
      : fail('INGEST_TIME_INVALID', field)
  },
}

const memberRef = schema(
  {
    code: text(CODE_MAX),
    phoneIndex: text(ID_MAX, {
      normalise: (value) => value.toLowerCase(),
      check: (value): Check => (PHONE_INDEX.test(value) ? undefined : 'MEMBER_ID_REQUIRED'),
    }),
  },
  (value): Result<{ code: string } | { phoneIndex: string }> => {
    if (value.code !== undefined && value.phoneIndex === undefined) return ok({ code: value.code })
    if (value.phoneIndex !== undefined && value.code === undefined)
      return ok({ phoneIndex: value.phoneIndex })
    return fail('MEMBER_ID_REQUIRED', 'member')
  },
)

export const posPurchase = schema({
  type: enumOf(['purchase'], 'INVALID_ARGUMENT'),
  receiptNo: receiptNo(),
  amountFen: fen(1, MAX_PURCHASE_FEN),
  at: tillTime,
  brand: text(ID_MAX),
  counterId: text(ID_MAX),
  member: object(memberRef),
})

export const posRefund = schema({
  type: enumOf(['refund'], 'INVALID_ARGUMENT'),
  receiptNo: receiptNo(),
  refundNo: receiptNo(),
  refundFen: fen(1, MAX_PURCHASE_FEN),
  at: tillTime,
})

export type PosPurchase = Infer<typeof posPurchase>
export type PosRefund = Infer<typeof posRefund>
export type PosEvent = PosPurchase | PosRefund

/** The push as one of the POS's events; its `type` picks the schema. */
export function parsePosEvent(body: unknown, today: string): Result<PosEvent> {
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined
  if (type === 'refund') return posRefund.parse(body, { today })
  if (type === 'purchase') return posPurchase.parse(body, { today })
  return fail('INVALID_ARGUMENT', 'type')
}

/** A till's time the server accepts: not ahead of it beyond the skew, not older than a month. */
export function tillTimeProblem(at: string, nowMs: number): Failure | null {
  const time = Date.parse(at)
  return time > nowMs + TILL_TIME_MAX_AHEAD_MS || time < nowMs - TILL_TIME_MAX_AGE_MS
    ? fail('INGEST_TIME_INVALID', 'at')
    : null
}
