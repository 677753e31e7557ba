/** Calling the staff function in function tests, and staff accounts made for a test. */
import { staffDocId } from '../../cloudfunctions/common/staff'
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
