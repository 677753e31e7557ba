/**
 * The mall's finance (财务): the points figures of every store, from the daily aggregates, and
 * nothing else — no member, no rules, no counter work.
 */
import { createLedger } from '../../cloudfunctions/common/points/ledger'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { PointsReport } from '../../src/domain/contracts/points'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { addMallWideStaff, staffCallOf } from './staffSupport'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
let finance: string
beforeEach(async () => {
  env = await createTestEnv()
  finance = await addMallWideStaff(env, 'finance')
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)
const RANGE = { from: '2024-06-15', to: '2024-06-15' }

async function earnIn(storeId: string, points: number, phone: string) {
  const memberId = await env.member(shopper(), { ...VALID_FORM, phone })
  const ledger = createLedger({ db: env.db, clock: env.clock, policy: DEFAULT_LOT_POLICY })
  await ledger.earn({
    memberId,
    source: { kind: 'pos', ref: `${storeId}:1` },
    points,
    storeId,
    actor: 'staff:s',
  })
}

describe('the finance role', () => {
  test('[5.3] should read the points report of every store, where a manager reads their own', async () => {
    await earnIn(DEMO_STORES.xuhui, 100, '13900000201')
    await earnIn(DEMO_STORES.pudong, 40, '13900000202')
    const all = dataOf<PointsReport>(await staffCall(finance, 'pointsReport', RANGE))
    expect(all.storeIds).toEqual(expect.arrayContaining([DEMO_STORES.xuhui, DEMO_STORES.pudong]))
    expect(all.rows).toEqual([expect.objectContaining({ day: '2024-06-15', issued: 140, liability: 140 })])
    const pudong = dataOf<PointsReport>(
      await staffCall(finance, 'pointsReport', { ...RANGE, storeId: DEMO_STORES.pudong }),
    )
    expect(pudong.rows[0]).toMatchObject({ issued: 40, liability: 40 })
    const own = dataOf<PointsReport>(await staffCall(DEMO_PERSONAS.manager, 'pointsReport', RANGE))
    expect(own.rows[0]).toMatchObject({ issued: 100 })
  })

  test.each([
    ['awardPoints', { ref: 'x', receiptNo: 'R1', amountFen: 100 }],
    ['adjustPoints', { ref: 'x', delta: 1, reasonCode: 'eventReward', key: 'k' }],
    ['pointsRules', {}],
    ['lookupMember', { query: '1234' }],
  ])('[5.3] should refuse %s to finance', async (action, data) => {
    expect(await staffCall(finance, action, data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
