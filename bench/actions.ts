/**
 * The registry of benchmarked function actions. Each case prepares its calls before the clock
 * starts (members to look at, SMS codes to join with); only the calls themselves are timed and
 * their database operations counted. A new action is one line: `asMember('member', 'profile')`,
 * `asShopper('member', 'joinForm')`, or a case with its own `prepare`.
 */
import { DEMO_CHANNELS, DEMO_PERSONAS, DEMO_STORES } from '../database/seed'
import { encodeScene } from '../src/domain/channel/scene'
import { NOTICE_VERSION } from '../src/domain/consent/purposes'
import type { BenchEnv } from './lib/env'

export interface BenchCall {
  openid: string
  data?: Record<string, unknown>
}

export interface ActionCase {
  fn: string
  action: string
  /** Tells apart two cases of one action (`member.home:firstView`). */
  label?: string
  /** Fewer calls: each needs a sign-up to prepare, or is a sign-up. */
  heavy?: boolean
  /** Builds `n` calls, in order; runs before timing. */
  prepare(env: BenchEnv, n: number): Promise<BenchCall[]>
}

/** Members prepared once per environment and reused by every `asMember` case. */
const MEMBER_POOL = 32
const pools = new WeakMap<BenchEnv, Promise<string[]>>()

function memberPool(env: BenchEnv): Promise<string[]> {
  let pool = pools.get(env)
  if (!pool) {
    pool = env.newMembers(MEMBER_POOL)
    pools.set(env, pool)
  }
  return pool
}

/**
 * An action called by existing members (round robin over a small pool), with fixed data.
 * `before`: calls each pool member makes once while preparing (a consent the action needs …).
 */
export function asMember(
  fn: string,
  action: string,
  data?: Record<string, unknown>,
  before: Array<{ action: string; data?: Record<string, unknown> }> = [],
): ActionCase {
  return {
    fn,
    action,
    async prepare(env, n) {
      const members = await memberPool(env)
      for (const openid of members) {
        for (const step of before) {
          const answer = await env.call(fn, step.action, openid, step.data)
          if (!answer.ok) throw new Error(`${fn}.${step.action} before ${action} failed: ${answer.code}`)
        }
      }
      return Array.from({ length: n }, (_v, i) => ({ openid: members[i % members.length], data }))
    },
  }
}

/** An action called by shoppers who are not members yet, one new shopper per call. */
export function asShopper(fn: string, action: string, data?: Record<string, unknown>): ActionCase {
  return {
    fn,
    action,
    prepare: async (env, n) => Array.from({ length: n }, () => ({ openid: env.newOpenid(), data })),
  }
}

/** An action called by the demo store's manager (a seeded staff account), with fixed data. */
function asManager(action: string, data?: Record<string, unknown>): ActionCase {
  return {
    fn: 'staff',
    action,
    prepare: async (_env, n) => Array.from({ length: n }, () => ({ openid: DEMO_PERSONAS.manager, data })),
  }
}

/** Joining, one new shopper per call with a code sent beforehand. */
function joinCase(label?: string, extra: Record<string, unknown> = {}): ActionCase {
  return {
    fn: 'member',
    action: 'join',
    label,
    async prepare(env, n) {
      const calls: BenchCall[] = []
      for (let i = 0; i < n; i++) {
        const openid = env.newOpenid()
        const phone = env.newPhone()
        const smsCode = await env.sendCode(openid, phone)
        calls.push({ openid, data: { ...env.joinForm(phone), ...extra, smsCode } })
      }
      return calls
    },
  }
}

export const ACTION_CASES: ActionCase[] = [
  // Views after the member's first of the China day (made while preparing): the common case of
  // a member coming back to the member centre. The first view of a day is the next case.
  asMember('member', 'home', undefined, [{ action: 'home' }]),
  {
    fn: 'member',
    action: 'home',
    label: 'firstView',
    heavy: true,
    // Each call is a member's first view of the day: one new member per call, made beforehand.
    prepare: async (env, n) => (await env.newMembers(n)).map((openid) => ({ openid })),
  },
  asShopper('member', 'joinForm'),
  {
    fn: 'member',
    action: 'sendJoinCode',
    prepare: async (env, n) =>
      Array.from({ length: n }, () => ({ openid: env.newOpenid(), data: { phone: env.newPhone() } })),
  },
  joinCase(),
  // Through a counter's code: the channel read and the day's count on top of a join.
  joinCase('scene', { scene: encodeScene({ kind: 'counter', code: DEMO_CHANNELS.lancome }) }),
  // Self-service (account subpackage).
  asMember('member', 'profile'),
  asMember('member', 'updateProfile', { address: '上海市徐汇区漕溪北路1号' }),
  asMember('member', 'plates', undefined, [
    { action: 'setConsent', data: { purpose: 'parking', granted: true, noticeVersion: NOTICE_VERSION } },
  ]),
  asMember('member', 'consents'),
  asMember('member', 'setConsent', { purpose: 'marketing', granted: false }),
  asMember('member', 'exportData'),
  // Staff (the staff function): every call reads the caller's staff account first.
  asManager('me'),
  asManager('listStaff'),
  asManager('createInvite', { role: 'counter', storeIds: [DEMO_STORES.xuhui] }),
  asManager('listChannels', { storeId: DEMO_STORES.xuhui }),
  asManager('channelCode', { code: DEMO_CHANNELS.lancome }),
  asManager('listCounters', { storeId: DEMO_STORES.xuhui }),
  {
    fn: 'member',
    action: 'deleteAccount',
    // A deletion cannot be repeated: one member per call, all made before the clock starts.
    // Each with the code sent to the phone on file.
    prepare: async (env, n) => {
      const calls: BenchCall[] = []
      for (const openid of await env.newMembers(n))
        calls.push({ openid, data: { confirm: true, smsCode: await env.codeVia(openid, 'sendDeleteCode') } })
      return calls
    },
  },
]

export const caseName = (c: ActionCase): string => `${c.fn}.${c.action}${c.label ? `:${c.label}` : ''}`
