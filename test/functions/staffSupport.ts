/** Calling the staff function and adding staff accounts, for function tests of staff actions. */
import { staffDocId } from '../../cloudfunctions/common/staff'
import { shopper, type Answer, type TestEnv } from './support'

/** A caller of the staff function's actions as `openid`. */
export const staffCaller =
  (env: () => TestEnv) =>
  async (openid: string, action: string, data?: unknown): Promise<Answer> =>
    (await env().cloud.invoke('staff', data === undefined ? { action } : { action, data }, {
      OPENID: openid,
    })) as Answer

/** Adds an active mall-wide admin and answers its OPENID. */
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
