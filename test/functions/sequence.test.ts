import { createBlockSequence, nextSequence } from '../../cloudfunctions/common/sequence'
import { createTestEnv, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

describe('sequences', () => {
  it('hands out 1, 2, 3 … in order', async () => {
    expect([await nextSequence(env.db, 'memberNo'), await nextSequence(env.db, 'memberNo')]).toEqual([1, 2])
  })

  it('never hands out one number twice under concurrency', async () => {
    const numbers = await Promise.all(Array.from({ length: 25 }, () => nextSequence(env.db, 'memberNo')))
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
  })

  it('keeps separate sequences apart', async () => {
    await nextSequence(env.db, 'memberNo')
    expect(await nextSequence(env.db, 'other')).toBe(1)
  })
})

describe('block sequences (one per function instance)', () => {
  const counterWrites = () => {
    let writes = 0
    env.cloud.onWire((action, params) => {
      if (action === 'database.modifyDocument' && params.collectionName === 'counters') writes++
    })
    return () => writes
  }

  it('hands out 1, 2, 3 … from one block, moving the counter once per block', async () => {
    const writes = counterWrites()
    const numbers = createBlockSequence('memberNo', 5)
    const got: number[] = []
    for (let i = 0; i < 12; i++) got.push(await numbers.next(env.db))
    expect(got).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    expect(writes()).toBe(3)
    expect((await env.all('counters')).find((c) => c._id === 'memberNo')?.value).toBe(15)
  })

  it('takes one block for concurrent callers that find it used up', async () => {
    const writes = counterWrites()
    const numbers = createBlockSequence('memberNo', 20)
    const got = await Promise.all(Array.from({ length: 20 }, () => numbers.next(env.db)))
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(writes()).toBe(1)
  })

  it('never hands out one number twice across instances under concurrency', async () => {
    const instances = Array.from({ length: 4 }, () => createBlockSequence('memberNo', 7))
    const single = Array.from({ length: 10 }, () => nextSequence(env.db, 'memberNo'))
    const fromBlocks = instances.flatMap((numbers) => Array.from({ length: 30 }, () => numbers.next(env.db)))
    const numbers = await Promise.all([...single, ...fromBlocks])
    expect(new Set(numbers).size).toBe(numbers.length)
    // Gaps: what is left of each instance's last block is never used.
    const counter = (await env.all('counters')).find((c) => c._id === 'memberNo')?.value as number
    expect(Math.max(...numbers)).toBeLessThanOrEqual(counter)
    expect(counter - numbers.length).toBeLessThan(4 * 7)
  })

  it('keeps separate sequences apart and refuses an empty block', async () => {
    await createBlockSequence('memberNo', 3).next(env.db)
    expect(await createBlockSequence('other', 3).next(env.db)).toBe(1)
    expect(() => createBlockSequence('memberNo', 0)).toThrow()
  })
})
