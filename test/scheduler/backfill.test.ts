/** Backfills: members who joined before the counter's lookup existed become findable. */
import { createMemberTailBackfill } from '../../cloudfunctions/scheduler/backfill'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
  registerScheduler(env)
})
afterEach(() => env.cloud.close())

async function oldMember(phone: string): Promise<string> {
  const memberId = await env.member(shopper(), { ...VALID_FORM, phone })
  await env.db
    .collection('members')
    .doc(memberId)
    .update({ data: { memberNoTail: env.db.command.remove() } })
  return memberId
}
const tailOf = async (memberId: string) =>
  (await env.db.collection('members').doc(memberId).get()).data?.memberNoTail

describe('the member number tail backfill', () => {
  it('gives every member without one the last four digits of their number, across runs, then stops', async () => {
    const ids = [
      await oldMember('13800000011'),
      await oldMember('13800000012'),
      await oldMember('13800000013'),
    ]
    const backfill = createMemberTailBackfill({ db: env.db, clock: env.clock })
    const first = await backfill.run({ pageSize: 2, budgetMs: 0 })
    expect(first).toEqual({ updated: 0, examined: 0, done: false })
    const answer = await tick(env, 'sweep')
    expect(answer.data.jobs.backfillMemberTail).toMatchObject({ updated: 3, done: true })
    for (const id of ids) {
      const { data } = await env.db.collection('members').doc(id).get()
      expect(await tailOf(id)).toBe(String(data?.memberNo).slice(-4))
    }
    expect(await backfill.run()).toEqual({ updated: 0, examined: 0, done: true })
  })
})
