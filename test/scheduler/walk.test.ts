/**
 * The sweeps' forward walk: every document old enough is handed over exactly once, also when many
 * share one instant and the page is small, across runs stopped by their budget.
 */
import { COLLECTIONS, type Doc } from '../../cloudfunctions/common/db'
import { walkForward } from '../../cloudfunctions/scheduler/walk'
import { createTestEnv, type TestEnv } from '../functions/support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const T0 = Date.parse('2024-06-15T00:00:00Z')

async function put(id: string, at: number) {
  await env.db
    .collection(COLLECTIONS.identityIndex)
    .add({ data: { _id: id, memberId: 'm', at: new Date(at) } })
}

function walk(pageSize: number, until: number, deadline = Infinity) {
  const seen: string[] = []
  const run = walkForward(
    env.db,
    env.clock,
    {
      store: env.db,
      collection: COLLECTIONS.identityIndex,
      field: 'at',
      cursor: 'test:walk',
      until: new Date(until),
      pageSize,
      deadline,
    },
    async (docs: Doc[]) => {
      seen.push(...docs.map((d) => d._id))
    },
  )
  return run.then((result) => ({ ...result, seen }))
}

describe('walkForward', () => {
  it('hands over every due document once, in order, with five on one instant and pages of two', async () => {
    for (const id of ['c', 'a', 'e', 'b', 'd']) await put(`same-${id}`, T0 + 1000)
    await put('early', T0)
    await put('later', T0 + 2000)
    await put('too-new', T0 + 10_000)

    const first = await walk(2, T0 + 5000)
    expect(first.complete).toBe(true)
    expect(first.seen).toEqual(['early', 'same-a', 'same-b', 'same-c', 'same-d', 'same-e', 'later'])

    // The next walk starts after the last one: only what became due since, also on one instant.
    await put('new-b', T0 + 6000)
    await put('new-a', T0 + 6000)
    const second = await walk(2, T0 + 20_000)
    expect(second.seen).toEqual(['new-a', 'new-b', 'too-new'])
  })

  it('resumes where a walk stopped by its deadline left off', async () => {
    for (let i = 0; i < 7; i++) await put(`d${i}`, T0 + 1000)
    const stopped = await walk(3, T0 + 5000, env.clock.now())
    expect(stopped).toMatchObject({ complete: false, seen: [] })
    const seen: string[] = []
    for (let round = 0; round < 10; round++) {
      const run = await walk(3, T0 + 5000)
      seen.push(...run.seen)
      if (run.complete) break
    }
    expect(seen).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6'])
  })
})
