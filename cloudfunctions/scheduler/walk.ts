/**
 * A resumable forward walk over a collection in the order of a date field, for sweeps that must
 * look at every document once it is old enough. The cursor is the pair (date, _id) of the last
 * document handled, kept in `jobs`, so documents sharing one instant are neither skipped nor
 * looked at twice, whatever the page size. Each page is one indexed query on the date field:
 * first the rest of the cursor's instant (`field == at`, `_id > id`), then what comes after it.
 */
import type { Clock } from '../common/clock'
import { getDoc, type Db, type Doc } from '../common/db'
import { JOBS_COLLECTION } from './jobs'

export interface WalkOptions {
  /** The database holding `collection` (the cursor always lives in the main one). */
  store: Db
  collection: string
  /** The date field walked in order (indexed). */
  field: string
  /** Id of the cursor document in `jobs`. */
  cursor: string
  /** Documents later than this are left for a later walk. */
  until: Date
  pageSize: number
  /** The walk stops starting new pages after this instant (clock time). */
  deadline: number
}

interface Cursor {
  at: Date
  /** Null: every document at `at` is done. */
  id: string | null
}

/**
 * Hands each page of due documents to `handle`, in (field, _id) order, and saves the cursor after
 * each page. Answers how many were handed over and whether the walk reached `until`.
 */
export async function walkForward(
  db: Db,
  clock: Clock,
  options: WalkOptions,
  handle: (docs: Doc[]) => Promise<void>,
): Promise<{ examined: number; complete: boolean }> {
  const { store, collection, field, until, pageSize, deadline } = options
  const _ = db.command
  const saved = await getDoc(db, JOBS_COLLECTION, options.cursor)
  let cursor: Cursor = {
    at: saved?.at instanceof Date ? saved.at : new Date(0),
    id: typeof saved?.id === 'string' ? saved.id : null,
  }
  let examined = 0
  const save = () =>
    db
      .collection(JOBS_COLLECTION)
      .doc(options.cursor)
      .set({ data: { job: options.cursor, at: cursor.at, id: cursor.id, updatedAt: new Date(clock.now()) } })

  while (clock.now() < deadline) {
    if (cursor.id !== null) {
      // The rest of the cursor's instant: all due, as the instant itself was.
      const { data } = await store
        .collection(collection)
        .where({ [field]: cursor.at, _id: _.gt(cursor.id) })
        .orderBy('_id', 'asc')
        .limit(pageSize)
        .get()
      await handle(data)
      examined += data.length
      const last = data[data.length - 1]
      cursor = data.length < pageSize ? { at: cursor.at, id: null } : { at: cursor.at, id: last?._id ?? null }
      await save()
      continue
    }
    const { data } = await store
      .collection(collection)
      .where({ [field]: _.gt(cursor.at) })
      .orderBy(field, 'asc')
      .orderBy('_id', 'asc')
      .limit(pageSize)
      .get()
    const due = data.filter((doc) => new Date(doc[field] as Date) <= until)
    await handle(due)
    examined += due.length
    const last = due[due.length - 1]
    if (last) cursor = { at: new Date(last[field] as Date), id: last._id }
    await save()
    // Everything due was handed over: what is left is later than `until`, or nothing is left.
    if (due.length < data.length || data.length < pageSize) return { examined, complete: true }
  }
  return { examined, complete: false }
}

/** The next page of `collection` in `_id` order after `last` ('' for the first): a walk over every document. */
export async function pageAfterId(
  db: Db,
  collection: string,
  last: string,
  pageSize: number,
): Promise<Doc[]> {
  const { data } = await db
    .collection(collection)
    .where({ _id: db.command.gt(last) })
    .orderBy('_id', 'asc')
    .limit(pageSize)
    .get()
  return data
}
