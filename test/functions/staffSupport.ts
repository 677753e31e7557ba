/** Calling the staff function in function tests, and staff accounts made for a test. */
import { staffDocId } from '../../cloudfunctions/common/staff'
import type { MultiplierRule } from '../../src/domain/points/earning'
import { DEMO_EARNING_RULES } from '../../src/domain/points/versions'
import { STAFF_ROLE_TITLES } from '../../src/domain/staff/model'
import { shopper, type Answer, type TestEnv } from './support'

/** Calls the staff function's `action` as `openid`. */
export const staffCallOf =
  (env: () => TestEnv) =>
  async (openid: string, action: string, data?: unknown): Promise<Answer> =>
    (await env().cloud.invoke('staff', data === undefined ? { action } : { action, data }, {
      OPENID: openid,
    })) as Answer

/** Adds an active staff account for a new WeChat user and answers its OPENID. */
export async function addStaffAccount(
  env: TestEnv,
  account: { staffId: string; role: string; storeIds: string[]; displayName: string },
): Promise<string> {
  const openid = shopper()
  await env.db.collection('staff').add({
    data: {
      _id: staffDocId(env.vault, openid),
      ...account,
      status: 'active',
      createdAt: new Date(env.clock.now()),
    },
  })
  return openid
}

/** Adds an active mall-wide account of `role` for a new WeChat user and answers its OPENID. */
export const addMallWideStaff = (env: TestEnv, role: 'admin' | 'finance'): Promise<string> =>
  addStaffAccount(env, {
    staffId: `staff-test-${role}`,
    role,
    storeIds: [],
    displayName: STAFF_ROLE_TITLES[role],
  })

/** Adds an active admin account for a new WeChat user and answers its OPENID. */
export const addAdmin = (env: TestEnv): Promise<string> => addMallWideStaff(env, 'admin')

/** A birthday multiplier of the day (生日 × 2) or of the month (生日月 × 1.5). */
export const BIRTHDAY_RULES = {
  day: { kind: 'birthday', scope: 'day', label: '生日', factor: 2 },
  month: { kind: 'birthday', scope: 'month', label: '生日月', factor: 1.5 },
} satisfies Record<string, MultiplierRule>

/**
 * Publishes the demo rules with `multipliers` instead of theirs (no member day), as an admin, and
 * moves the clock past the moment they take effect (two minutes).
 */
export async function publishMultipliers(env: TestEnv, multipliers: MultiplierRule[]): Promise<void> {
  const answer = await staffCallOf(() => env)(await addAdmin(env), 'publishPointsRules', {
    rules: { ...DEMO_EARNING_RULES, multipliers },
    refundPolicy: 'negative',
    holdDays: 7,
  })
  if (!answer.ok) throw new Error(`publishPointsRules failed: ${answer.code}`)
  env.clock.advance(120_000)
}
