import { nextSequence } from '../../cloudfunctions/common/sequence'
import { createTestEnv, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

describe('sequences', () => {
  it('[4.2.1.1] hands out 1, 2, 3 … in order', async () => {
    expect([await nextSequence(env.db, 'memberNo'), await nextSequence(env.db, 'memberNo')]).toEqual([1, 2])
  })

  it('[4.2.1.1] never hands out one number twice under concurrency', async () => {
    const numbers = await Promise.all(Array.from({ length: 25 }, () => nextSequence(env.db, 'memberNo')))
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
  })

  it('keeps separate sequences apart', async () => {
    await nextSequence(env.db, 'memberNo')
    expect(await nextSequence(env.db, 'other')).toBe(1)
  })
})
