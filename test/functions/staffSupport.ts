/** Calling the staff function in function tests, and staff accounts made for a test. */
import { staffDocId } from '../../cloudfunctions/common/staff'
import { shopper, type Answer, type TestEnv } from './support'

/** Calls the staff function's `action` as `openid`. */
export const staffCallOf =
  (env: () => TestEnv) =>
  async (openid: string, action: string, data?: unknown): Promise<Answer> =>
    (await env().cloud.invoke('staff', data === undefined ? { action } : { action, data }, {
      OPENID: openid,
    })) as Answer

/** Adds an active admin account for a new WeChat user and answers its OPENID. */
export async function addAdmin(env: TestEnv): Promise<string> {
  const openid = shopper()
  await env.db.collection('staff').add({
    data: {
      _id: staffDocId(env.vault, openid),
      staffId: 'staff-test-admin',
      role: 'admin',
      storeIds: [],
      displayName: '商场管理员',
      status: 'active',
      createdAt: new Date(env.clock.now()),
    },
  })
  return openid
}
