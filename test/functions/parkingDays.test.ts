import { countParkingDay, parkingDays } from '../../cloudfunctions/common/parking/days'
import { inTransaction } from '../../cloudfunctions/common/db'
import { createTestEnv, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const CAR_PARK = { carParkId: 'cp-1', storeId: 's1' }

describe('parking days', () => {
  test('sums what concurrent payments counted, per China day, across shards', async () => {
    // 23:30 China time on 15 June and 00:30 on 16 June: two days.
    const late = new Date('2024-06-15T15:30:00Z')
    const early = new Date('2024-06-15T16:30:00Z')
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        inTransaction(env.db, (tx) =>
          countParkingDay(tx, CAR_PARK, i % 3 === 0 ? early : late, {
            payments: 1,
            paidFen: 500,
            pointsSpent: 600,
          }),
        ),
      ),
    )
    await inTransaction(env.db, (tx) =>
      countParkingDay(tx, { carParkId: 'cp-2', storeId: 's2' }, late, { payments: 1 }),
    )
    expect(await parkingDays(env.db, ['cp-1'], '2024-06-01', '2024-06-30')).toEqual([
      expect.objectContaining({
        day: '2024-06-15',
        payments: 8,
        paidFen: 4000,
        pointsSpent: 4800,
        waivedFen: 0,
      }),
      expect.objectContaining({ day: '2024-06-16', payments: 4, paidFen: 2000 }),
    ])
    expect(await parkingDays(env.db, ['cp-1'], '2024-06-16', '2024-06-16')).toHaveLength(1)
    expect(await parkingDays(env.db, [], '2024-06-01', '2024-06-30')).toEqual([])
  })
})
