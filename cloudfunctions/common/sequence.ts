/**
 * Gap-tolerant sequences in `counters` (member numbers …). Each step is a compare-and-set
 * (`where({ _id, value: v }).update({ value: v + n })`), so two concurrent callers never get the
 * same numbers, with or without transactions.
 */
import { addUnique, COLLECTIONS, getDoc, type Db } from './db'

const MAX_ROUNDS = 50

/** Moves the counter `name` on by `by` in one compare-and-set; answers its new value. */
async function advance(db: Db, name: string, by: number): Promise<number> {
  const counters = db.collection(COLLECTIONS.counters)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const doc = await getDoc(db, COLLECTIONS.counters, name)
    if (!doc) {
      // The very first number: create the counter (once; a concurrent creator wins) and read again.
      await addUnique(db, COLLECTIONS.counters, { _id: name, value: 0 })
      continue
    }
    const value = typeof doc.value === 'number' ? doc.value : 0
    const { stats } = await counters.where({ _id: name, value }).update({ data: { value: value + by } })
    if (stats.updated === 1) return value + by
    // Someone else moved the counter between our read and write: back off a little and retry.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5 * (round + 1))))
  }
  throw new Error(`sequence ${name}: too much contention`)
}

export async function nextSequence(db: Db, name: string): Promise<number> {
  return advance(db, name, 1)
}

/** Numbers handed out from blocks taken from a counter (see `createBlockSequence`). */
export interface BlockSequence {
  next(db: Db): Promise<number>
}

/**
 * A sequence for one function instance: it takes `size` numbers at a time from the counter
 * `name` (one read and one compare-and-set) and hands them out from memory, so concurrent
 * callers meet at the counter once per block instead of once per number. Numbers stay unique
 * across instances, since each block is the counter's own move. They increase per instance,
 * not across instances (two instances interleave their blocks), and whatever is left of a
 * block when the instance is recycled is never used: gaps, which a member number may have.
 *
 * An instance serves one environment; the database handle passed to `next` may change from
 * call to call (it is built per call) but must always reach that environment.
 */
export function createBlockSequence(name: string, size: number): BlockSequence {
  if (!Number.isInteger(size) || size < 1) throw new Error(`block size must be a positive integer`)
  let next = 1
  let last = 0
  // One block request at a time: callers that find the block used up wait for the same one.
  let taking: Promise<void> | null = null

  function take(db: Db): Promise<void> {
    taking ??= advance(db, name, size)
      .then((end) => {
        next = end - size + 1
        last = end
      })
      .finally(() => {
        taking = null
      })
    return taking
  }

  return {
    async next(db) {
      while (next > last) await take(db)
      return next++
    },
  }
}
