/**
 * The one input layer: field parsers and `schema(...)`, used by every action of every function
 * before anything else runs, and by the pages for their field checks and input lengths, so a
 * page and its function can never disagree on a limit.
 *
 * - A request is a plain object; a field it does not declare is refused with `INVALID_ARGUMENT`
 *   and the field's name (3.3, 4.1.1: nothing the inventory does not declare is collected, not
 *   even silently dropped). A field sent as `undefined` counts as absent.
 * - Fields are checked in their declared order and the first failure is answered, with `field`.
 * - Text is trimmed; blank text counts as absent; control characters, bidi overrides,
 *   zero-width characters and lone surrogates are refused (`TEXT_INVALID`).
 */
import { isValidCardNo, normaliseCardNo } from './card/model'
import { NOTICE_VERSION } from './consent/purposes'
import { fail, ok, type ErrorCode, type Result } from './errors'
import { inventoryField } from './identity/inventory'
import { checkPhone, checkSmsCode, SMS_CODE_LENGTH, type Check } from './identity/rules'
import { isValidPlate, normalisePlateInput } from './plate/model'

/** What some rules need besides the value: the date in China, `YYYY-MM-DD`. */
export interface ParseContext {
  today: string
}

export interface Field<T> {
  /** Parses the raw value; `raw` is undefined when the field is absent. */
  parse(raw: unknown, field: string, context: ParseContext): Result<T>
  /** The longest text a form should let the user type. */
  readonly maxLength?: number
  /**
   * The code for an empty value in a form that asks for the field. A request may still leave
   * the field out where its schema's whole-request rule allows it (a phone with its SMS code,
   * or WeChat's phone code instead).
   */
  readonly requiredCode?: ErrorCode
}

/** A text field: a form knows how much to let the user type. */
export interface TextField<T> extends Field<T> {
  readonly maxLength: number
}

export type Shape = Record<string, Field<unknown>>

/** A parser's value type: `T`, or `T | undefined` when the field was declared optional. */
type Opt<T, O> = O extends true ? T | undefined : T

type ValueOf<F> = F extends Field<infer T> ? T : never
type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** The parsed request: a field whose parser may answer undefined is optional. */
export type Parsed<S extends Shape> = Simplify<
  { [K in keyof S as undefined extends ValueOf<S[K]> ? never : K]: ValueOf<S[K]> } & {
    [K in keyof S as undefined extends ValueOf<S[K]> ? K : never]?: Exclude<ValueOf<S[K]>, undefined>
  }
>

export interface Schema<T, S extends Shape = Shape> {
  readonly fields: S
  parse(data: unknown, context: ParseContext): Result<T>
}

/** What a schema answers for a valid request. */
export type Infer<S> = S extends Schema<infer T> ? T : never

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key)

/**
 * A request schema. `refine` sees the parsed fields and may reshape them or answer a failure
 * that involves several fields (e.g. "a phone with its SMS code, or WeChat's phone code").
 */
export function schema<S extends Shape>(fields: S): Schema<Parsed<S>, S>
export function schema<S extends Shape, T>(fields: S, refine: (value: Parsed<S>) => Result<T>): Schema<T, S>
export function schema<S extends Shape, T>(
  fields: S,
  refine?: (value: Parsed<S>) => Result<T>,
): Schema<T | Parsed<S>, S> {
  return {
    fields,
    parse(data, context) {
      if (!isPlainObject(data)) return fail('INVALID_ARGUMENT')
      for (const key of Object.keys(data)) {
        if (data[key] !== undefined && !has(fields, key)) return fail('INVALID_ARGUMENT', key)
      }
      const value: Record<string, unknown> = {}
      for (const [key, field] of Object.entries(fields)) {
        const parsed = field.parse(data[key], key, context)
        if (!parsed.ok) return parsed
        if (parsed.data !== undefined) value[key] = parsed.data
      }
      return refine ? refine(value as Parsed<S>) : ok(value as Parsed<S>)
    },
  }
}

/** A request without data. */
export const empty = schema({})

/**
 * The first problem with one field of a form, as the schema's own parser reports it; a form
 * checks each field with this, so a page and its function can never disagree on a rule. An
 * empty field is fine unless the schema requires it or the field has a `requiredCode` (a phone
 * or SMS code the request may replace by WeChat's phone code, but the form asks for).
 */
export function fieldProblem<S extends Shape>(
  schema: Schema<unknown, S>,
  key: keyof S & string,
  raw: string,
  today: string,
): ErrorCode | undefined {
  const field = schema.fields[key]
  const parsed = field.parse(raw, key, { today })
  if (!parsed.ok) return parsed.code
  return parsed.data === undefined ? field.requiredCode : undefined
}

// ---- nesting ---------------------------------------------------------------------------------

/**
 * How deep objects and arrays may nest in a request (`{ action, data: { … } }` is 2 levels):
 * no action needs more than a few; a deeper one is refused before anything reads it, and the
 * check itself walks iteratively, so a 100,000-level body cannot overflow the stack.
 */
export const MAX_NESTING = 32

/** Whether objects and arrays in `value` nest deeper than `max` levels. */
export function nestedDeeperThan(value: unknown, max: number = MAX_NESTING): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]]
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next
    if (typeof item !== 'object' || item === null) continue
    if (depth > max) return true
    for (const child of Object.values(item)) pending.push([child, depth + 1])
  }
  return false
}

// ---- text ----------------------------------------------------------------------------------

// C0 and C1 controls, zero-width characters and joiners, bidi marks, embeddings, overrides and
// isolates, invisible operators, the BOM; and a surrogate that is not half of a pair.
const UNSAFE_TEXT =
  // eslint-disable-next-line no-control-regex -- control characters are what this pattern finds
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Whether text holds a character no form field may carry (see UNSAFE_TEXT). */
export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE_TEXT.test(value)
}

export interface TextOptions {
  /** The code for an absent or blank value; absent text is allowed without it. */
  required?: ErrorCode
  /** The rule the trimmed value must pass. */
  check?: (value: string, context: ParseContext) => Check
  /** Rewrites the trimmed value before the check (e.g. a card number without spaces). */
  normalise?: (value: string) => string
  /** The code for text that is not a string (default INVALID_ARGUMENT). */
  notText?: ErrorCode
}

/** Text of at most `max` characters once trimmed. */
export function text(max: number, options: TextOptions = {}): TextField<string | undefined> {
  return {
    maxLength: max,
    requiredCode: options.required,
    parse(raw, field, context) {
      if (raw === undefined || raw === null) return absent(options.required, field)
      if (typeof raw !== 'string') return fail(options.notText ?? 'INVALID_ARGUMENT', field)
      const trimmed = raw.trim()
      if (trimmed === '') return absent(options.required, field)
      if (trimmed.length > max) return fail('FIELD_TOO_LONG', field)
      if (hasUnsafeCharacters(trimmed)) return fail('TEXT_INVALID', field)
      const value = options.normalise ? options.normalise(trimmed) : trimmed
      const problem = options.check?.(value, context)
      return problem ? fail(problem, field) : ok(value)
    },
  }
}

function absent(required: ErrorCode | undefined, field: string): Result<undefined> {
  return required ? fail(required, field) : ok(undefined)
}

/** A text field that must be present: its value is a string. */
export function required(
  max: number,
  code: ErrorCode,
  options: Omit<TextOptions, 'required'> = {},
): TextField<string> {
  return text(max, { ...options, required: code }) as TextField<string>
}

/**
 * A value the request may set, clear or leave alone: a string sets it, null or blank text
 * clears it (null), absent keeps it (undefined).
 */
export function clearable(inner: TextField<string | undefined>): TextField<string | null | undefined> {
  return {
    maxLength: inner.maxLength,
    parse(raw, field, context) {
      if (raw === null) return ok(null)
      if (raw === undefined) return ok(undefined)
      const parsed = inner.parse(raw, field, context)
      if (!parsed.ok) return parsed
      return ok(parsed.data === undefined ? null : parsed.data)
    },
  }
}

/**
 * A required value the request may correct or leave alone: a string corrects it, absent keeps
 * it, null or blank text is `code` — a required item is never removed.
 */
export function correctable(
  inner: TextField<string | undefined>,
  code: ErrorCode,
): TextField<string | undefined> {
  return {
    maxLength: inner.maxLength,
    parse(raw, field, context) {
      if (raw === undefined) return ok(undefined)
      if (raw === null) return fail(code, field)
      const parsed = inner.parse(raw, field, context)
      if (!parsed.ok) return parsed
      return parsed.data === undefined ? fail(code, field) : parsed
    },
  }
}

// ---- identifiers and codes -----------------------------------------------------------------

const PHONE_MAX = inventoryField('phone').maxLength

/** A mainland mobile number: the one phone rule of every action (11 digits, no more). */
export const phone = <O extends boolean = false>(
  options: { optional?: O } = {},
): TextField<Opt<string, O>> => ({
  ...(text(PHONE_MAX, {
    required: options.optional ? undefined : 'PHONE_REQUIRED',
    check: checkPhone,
  }) as TextField<Opt<string, O>>),
  requiredCode: 'PHONE_REQUIRED',
})

/**
 * The 6-digit SMS code. A form lets the shopper type its 6 digits; the parser allows a few
 * characters of slack so a pasted or mistyped code reads as invalid, not as too long.
 */
export const smsCode = <O extends boolean = false>(
  options: { optional?: O } = {},
): TextField<Opt<string, O>> => ({
  ...(text(16, {
    required: options.optional ? undefined : 'SMS_CODE_REQUIRED',
    check: checkSmsCode,
  }) as TextField<Opt<string, O>>),
  maxLength: SMS_CODE_LENGTH,
  requiredCode: 'SMS_CODE_REQUIRED',
})

/** WeChat's one-time code from `button open-type="getPhoneNumber"` (opaque text). */
export const phoneCode = (): TextField<string | undefined> =>
  text(128, { check: (v) => (/^[A-Za-z0-9_-]+$/.test(v) ? undefined : 'INVALID_ARGUMENT') })

/** A service-desk card number as typed (spaces and dashes allowed), answered as digits. */
export const cardNo = (): TextField<string> =>
  text(32, {
    required: 'CARD_NO_INVALID',
    normalise: normaliseCardNo,
    check: (v) => (isValidCardNo(v) ? undefined : 'CARD_NO_INVALID'),
  }) as TextField<string>

/** A licence plate as the plate keyboard produced it, answered normalised (京A12345). */
export const plate = (): TextField<string> =>
  text(16, {
    required: 'PLATE_INVALID',
    normalise: normalisePlateInput,
    check: (v) => (isValidPlate(v) ? undefined : 'PLATE_INVALID'),
  }) as TextField<string>

/**
 * The version of the notice the shopper read and agreed to: absent is no consent
 * (CONSENT_REQUIRED) unless optional; any version but the current one is NOTICE_OUTDATED.
 */
export function noticeVersion<O extends boolean = false>(
  options: { optional?: O } = {},
): Field<Opt<number, O>> {
  return {
    parse(raw, field) {
      if (raw === undefined || raw === null)
        return options.optional ? ok(undefined as Opt<number, O>) : fail('CONSENT_REQUIRED', field)
      if (typeof raw !== 'number' || !Number.isInteger(raw)) return fail('INVALID_ARGUMENT', field)
      return raw === NOTICE_VERSION ? ok(raw as Opt<number, O>) : fail('NOTICE_OUTDATED', field)
    },
  }
}

// ---- general values ------------------------------------------------------------------------

/** One of `values`; anything else (absent too, unless optional) is `code`. */
export function enumOf<const V extends string, O extends boolean = false>(
  values: readonly V[],
  code: ErrorCode,
  options: { optional?: O } = {},
): Field<Opt<V, O>> {
  return {
    maxLength: Math.max(...values.map((v) => v.length)),
    parse(raw, field) {
      if ((raw === undefined || raw === null || raw === '') && options.optional)
        return ok(undefined as Opt<V, O>)
      return typeof raw === 'string' && (values as readonly string[]).includes(raw)
        ? ok(raw as Opt<V, O>)
        : fail(code, field)
    },
  }
}

/** A boolean; absent is INVALID_ARGUMENT unless optional. */
export function bool<O extends boolean = false>(options: { optional?: O } = {}): Field<Opt<boolean, O>> {
  return {
    parse(raw, field) {
      if (raw === undefined && options.optional) return ok(undefined as Opt<boolean, O>)
      return typeof raw === 'boolean' ? ok(raw as Opt<boolean, O>) : fail('INVALID_ARGUMENT', field)
    },
  }
}

/** `true`, and nothing else: a confirmation the shopper must give explicitly. */
export function confirmation(code: ErrorCode): Field<true> {
  return { parse: (raw, field) => (raw === true ? ok(true) : fail(code, field)) }
}

/** An integer in [min, max]; anything else is `code` (default INVALID_ARGUMENT). */
export function int<O extends boolean = false>(
  min: number,
  max: number,
  options: { optional?: O; code?: ErrorCode } = {},
): Field<Opt<number, O>> {
  const code = options.code ?? 'INVALID_ARGUMENT'
  return {
    parse(raw, field) {
      if (raw === undefined && options.optional) return ok(undefined as Opt<number, O>)
      if (typeof raw !== 'number' || !Number.isInteger(raw)) return fail(code, field)
      return raw >= min && raw <= max ? ok(raw as Opt<number, O>) : fail(code, field)
    },
  }
}

/** A calendar date `YYYY-MM-DD`, checked by `check` (e.g. not in the future). */
export function isoDate(options: {
  check: (value: string, context: ParseContext) => Check
}): TextField<string | undefined> {
  return text(10, { check: options.check })
}

/** A nested object; its failures name the outer field. */
export function object<T, O extends boolean = false>(
  inner: Schema<T>,
  options: { optional?: O } = {},
): Field<Opt<T, O>> {
  return {
    parse(raw, field, context) {
      if ((raw === undefined || raw === null) && options.optional) return ok(undefined as Opt<T, O>)
      const parsed = inner.parse(raw, context)
      return parsed.ok ? ok(parsed.data as Opt<T, O>) : fail(parsed.code, field)
    },
  }
}

/** A list of at most `maxItems` values of `item`, absent as an empty list; a failing item names the list. */
export function listOf<T>(item: Field<T>, maxItems: number): Field<T[]> {
  return {
    parse(raw, field, context) {
      if (raw === undefined || raw === null) return ok([])
      if (!Array.isArray(raw) || raw.length > maxItems) return fail('INVALID_ARGUMENT', field)
      const values: T[] = []
      for (const element of raw) {
        const parsed = item.parse(element, field, context)
        if (!parsed.ok) return parsed
        values.push(parsed.data)
      }
      return ok(values)
    },
  }
}
