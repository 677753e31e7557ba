/**
 * Gap-tolerant sequences in `counters` (member numbers …). Each step is a compare-and-set
 * (`where({ _id, value: v }).update({ value: v + 1 })`), so two concurrent callers never get the
 * same number, with or without transactions.
 */
import { addUnique, COLLECTIONS, getDoc, type Db } from './db'

const MAX_ROUNDS = 50

export async function nextSequence(db: Db, name: string): Promise<number> {
  const counters = db.collection(COLLECTIONS.counters)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const doc = await getDoc(db, COLLECTIONS.counters, name)
    if (!doc) {
      // The very first number: create the counter (once; a concurrent creator wins) and read again.
      await addUnique(db, COLLECTIONS.counters, { _id: name, value: 0 })
      continue
    }
    const value = typeof doc.value === 'number' ? doc.value : 0
    const { stats } = await counters.where({ _id: name, value }).update({ data: { value: value + 1 } })
    if (stats.updated === 1) return value + 1
    // Someone else moved the counter between our read and write: back off a little and retry.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5 * (round + 1))))
  }
  throw new Error(`sequence ${name}: too much contention`)
}
