/**
 * The one entry point shape of every cloud function (docs/architecture.md, "Calling a function"):
 * take the caller from the platform, check who may call the action, parse the input through the
 * action's schema, run the handler, answer a Result. The contract (src/domain/contracts) types
 * the handlers: a handler missing for an action, or one for an action the contract does not
 * declare, is a compile error.
 */
import * as cloud from 'wx-server-sdk'

import { MEMBER_PRINCIPALS, type Caller, type MembersOnly, type Principal } from '../../src/domain/access'
import type { AccessOf, Contract, InputOf, OutputOf } from '../../src/domain/contracts/contract'
import { chinaDate } from '../../src/domain/dates'
import { nestedDeeperThan } from '../../src/domain/input'
import type { MemberStatus } from '../../src/domain/member/model'
import { inStoreScope, STAFF_ROLES, type StaffIdentity, type StaffRole } from '../../src/domain/staff/model'
import type { Clock } from './clock'
import { errorSummary, fail, type ErrorCode, type Result } from './errors'

export type { Caller } from '../../src/domain/access'

/** What the router needs to know who the caller is; built per call, used only when an action needs it. */
export interface Principals<M> {
  member(caller: Caller): Promise<M | null>
  staff(caller: Caller): Promise<StaffIdentity | null>
}

/** What a handler is given besides its parsed input. */
export interface ActionContext<M, Members extends boolean = boolean> {
  caller: Caller
  /** The caller's member record: always there for members-only actions, else when resolved. */
  member: Members extends true ? M : M | null
}

export type Handlers<C extends Contract, M> = {
  [A in keyof C]: (
    input: InputOf<C[A]>,
    context: ActionContext<M, MembersOnly<AccessOf<C[A]>>>,
  ) => Promise<Result<OutputOf<C[A]>>>
}

/** What one call runs with, wired per call so handles follow the call's environment. */
export interface Wiring<C extends Contract, M> {
  handlers: Handlers<C, M>
  principals: Principals<M>
}

export interface RouterOptions {
  /** Function name, for logs. */
  name: string
  clock: Clock
  /** Where the caller comes from; the real (or stand-in) `cloud.getWXContext` by default. */
  getContext?: () => { OPENID?: string; APPID?: string; SOURCE?: string }
  /** Told of an answer with a code the action does not declare (logged by default). */
  onUndeclared?: (action: string, code: ErrorCode) => void
}

export type Main = ((event: unknown, context?: unknown) => Promise<Result<unknown>>) & {
  /** The action names, so tests can walk every action (a new one cannot be forgotten). */
  readonly actions: readonly string[]
  /** The contract the router serves, for tests that walk access and schemas. */
  readonly contract: Contract
}

/** Codes every action may answer without declaring them. */
const COMMON: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_ARGUMENT',
  'TEXT_INVALID',
  'FIELD_TOO_LONG',
  'UNKNOWN_ACTION',
  'INTERNAL',
  'UNAUTHENTICATED',
  'FORBIDDEN',
])

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const ACTION = /^[A-Za-z][A-Za-z0-9]{0,39}$/

const isStaffRole = (p: Principal): p is StaffRole => (STAFF_ROLES as readonly string[]).includes(p)

/**
 * Whether an action admits the caller, or the code of the refusal, in the words the shopper
 * can act on: NOT_A_MEMBER, ALREADY_MEMBER, GUARDIAN_PENDING (a member aged 14 or under where only
 * active members may act), GUARDIAN_NOT_NEEDED; FORBIDDEN for everything else.
 */
export function admit(
  access: readonly Principal[],
  who: { member: { status: MemberStatus } | null; staff: StaffIdentity | null },
): ErrorCode | undefined {
  if (access.includes('shopper')) return undefined
  const { member, staff } = who
  const status = member?.status
  if (!member && access.includes('guest')) return undefined
  if (status === 'active' && access.includes('member')) return undefined
  if (status === 'guardian_pending' && access.includes('pendingMember')) return undefined
  if (staff && access.includes(staff.role)) return undefined
  if (staff && access.some(isStaffRole)) return 'FORBIDDEN'
  if (status === 'guardian_pending' && access.includes('member')) return 'GUARDIAN_PENDING'
  if (status === 'active' && access.includes('pendingMember')) return 'GUARDIAN_NOT_NEEDED'
  if (member && access.includes('guest')) return 'ALREADY_MEMBER'
  if (!member && (access.includes('member') || access.includes('pendingMember'))) return 'NOT_A_MEMBER'
  return 'FORBIDDEN'
}

/**
 * An event nested deeper than MAX_NESTING levels is refused (INVALID_ARGUMENT) before it is
 * read. Only the event's `action` and `data` are read: `userInfo` (which WeChat adds), `openid`,
 * `memberId` and anything else beside them are ignored; inside `data`, the schema refuses
 * any field it does not declare.
 */
export function createRouter<C extends Contract, M extends { status: MemberStatus }>(
  contract: C,
  wire: () => Wiring<C, M>,
  options: RouterOptions,
): Main {
  const getContext = options.getContext ?? (() => cloud.getWXContext())
  const onUndeclared =
    options.onUndeclared ??
    ((action: string, code: ErrorCode) =>
      console.error(`[${options.name}] ${action} answered undeclared ${code}`))
  // A plain object lookup could reach Object.prototype members such as `constructor`.
  const table = new Map(Object.keys(contract).map((name) => [name, contract[name]]))

  async function main(event: unknown): Promise<Result<unknown>> {
    // Before anything reads the event: a deeply nested one costs nothing but this walk.
    if (nestedDeeperThan(event)) return fail('INVALID_ARGUMENT')
    if (!isPlainObject(event) || typeof event.action !== 'string') return fail('INVALID_ARGUMENT')
    const data = event.data ?? {}
    if (!isPlainObject(data)) return fail('INVALID_ARGUMENT', 'data')
    const action = event.action
    const spec = ACTION.test(action) ? table.get(action) : undefined
    if (!spec) return fail('UNKNOWN_ACTION')

    try {
      const context = getContext()
      const openid = typeof context?.OPENID === 'string' ? context.OPENID : ''
      if (openid === '') return fail('UNAUTHENTICATED')
      const caller: Caller = { openid }
      if (typeof context.APPID === 'string') caller.appid = context.APPID
      if (typeof context.SOURCE === 'string') caller.source = context.SOURCE

      const { handlers, principals } = wire()
      const access = spec.access
      const open = access.includes('shopper')
      const member =
        !open && access.some((p) => MEMBER_PRINCIPALS.includes(p)) ? await principals.member(caller) : null
      const staff = !open && access.some(isStaffRole) ? await principals.staff(caller) : null
      const refused = admit(access, { member, staff })
      if (refused) return fail(refused)
      if (staff) caller.staff = staff

      const input = spec.input.parse(data, { today: chinaDate(options.clock.now()) })
      if (!input.ok) return input
      if (spec.storeField && caller.staff && !member) {
        const storeId = (input.data as Record<string, unknown>)[spec.storeField]
        if (typeof storeId !== 'string' || !inStoreScope(caller.staff, storeId))
          return fail('FORBIDDEN', spec.storeField)
      }

      const handler = handlers[action] as (
        input: unknown,
        context: ActionContext<M>,
      ) => Promise<Result<unknown>>
      const answer = await handler(input.data, { caller, member })
      if (!answer.ok && !COMMON.has(answer.code) && !spec.errors.includes(answer.code as never))
        onUndeclared(action, answer.code)
      return answer
    } catch (error) {
      console.error(`[${options.name}] ${action} failed`, errorSummary(error))
      return fail('INTERNAL')
    }
  }
  return Object.assign(main, { actions: Object.freeze([...table.keys()]), contract })
}
