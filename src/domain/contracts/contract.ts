/**
 * Typed action contracts: for each action of a cloud function, its input schema, the type of
 * its answer, the error codes it may answer besides the common ones, and who may call it. The
 * function's router type-checks its handlers against the contract and the client's
 * `callAction(name, action, input)` takes its types from it, so an action added on one side and
 * forgotten on the other is a type error.
 */
import type { Access } from '../access'
import type { CommonError, ErrorCode } from '../errors'
import type { Schema } from '../input'

export interface ActionSpec<In = unknown, Out = unknown, A extends Access = Access> {
  input: Schema<In>
  access: A
  /** The codes this action answers besides the common ones (CommonError). */
  errors: readonly Exclude<ErrorCode, CommonError>[]
  /** Staff actions on one store: the input field that names it, checked against the staff member's scope. */
  storeField?: string
  /** Type only: what `data` of a successful answer holds. */
  readonly output?: Out
}

export type Contract = Record<string, ActionSpec<unknown, unknown>>

/** Declares an action; `Out` is given explicitly: `action<Out>()({ input, access, errors })`. */
export function action<Out>() {
  return <In, const A extends Access>(spec: {
    input: Schema<In>
    access: A
    errors: readonly Exclude<ErrorCode, CommonError>[]
    storeField?: string
  }): ActionSpec<In, Out, A> => spec
}

export type InputOf<S> = S extends ActionSpec<infer In, unknown, Access> ? In : never
export type OutputOf<S> = S extends ActionSpec<unknown, infer Out, Access> ? Out : never
export type AccessOf<S> = S extends ActionSpec<unknown, unknown, infer A> ? A : never
