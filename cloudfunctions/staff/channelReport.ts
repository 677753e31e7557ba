/**
 * The managers' report of sign-ups per channel, counter and day (6.5.2, 4.2.1.2, 4.2.1.6):
 * counts from `channel_days` (the `store_day` index), never a member or a list of members.
 * A manager sees their stores, an admin every store (or the one asked for).
 */
import { actingStaff } from '../common/staff'
import type { lookupContract, ReportChannel, ReportRow } from '../../src/domain/contracts/lookup'
import type { Channel } from '../../src/domain/channel/model'
import { fail, ok } from '../../src/domain/errors'
import { inStoreScope } from '../../src/domain/staff/model'
import { between, COLLECTIONS, type Db, type DbQuery, type Doc } from '../common/db'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'

/** One page of a query, CloudBase's largest. */
const PAGE = 1000
/** 31 days of a mall's channels: more rows than this is a sign of something else. */
const MAX_ROWS = 20_000

type ReportHandlers = Pick<Handlers<typeof lookupContract, { status: 'active' }>, 'channelReport'>

async function everyPage(query: () => DbQuery): Promise<Doc[]> {
  const docs: Doc[] = []
  for (;;) {
    const { data } = await query().skip(docs.length).limit(PAGE).get()
    docs.push(...data)
    if (data.length < PAGE || docs.length >= MAX_ROWS) return docs
  }
}

export function createChannelReportActions(deps: { db: Db; stores: StoreDirectory }): ReportHandlers {
  const { db, stores } = deps
  const _ = db.command

  return {
    async channelReport({ from, to, storeId }, { caller }) {
      const staff = actingStaff(caller)
      const all = await stores.all(db)
      if (storeId !== undefined && !inStoreScope(staff, storeId)) return fail('FORBIDDEN', 'storeId')
      const storeIds = storeId ? [storeId] : all.map((s) => s._id).filter((id) => inStoreScope(staff, id))
      if (storeIds.length === 0) return ok({ from, to, channels: [], rows: [], total: 0 })
      const [days, channelDocs, counterDocs] = await Promise.all([
        everyPage(() =>
          db
            .collection(COLLECTIONS.channelDays)
            .where({ storeId: _.in(storeIds), day: between(_.gte(from), _.lte(to)) })
            .orderBy('day', 'asc')
            .orderBy('_id', 'asc'),
        ),
        everyPage(() =>
          db
            .collection(COLLECTIONS.channels)
            .where({ storeId: _.in(storeIds) })
            .orderBy('_id', 'asc'),
        ),
        everyPage(() =>
          db
            .collection(COLLECTIONS.storeCounters)
            .where({ storeId: _.in(storeIds) })
            .orderBy('_id', 'asc'),
        ),
      ])
      const storeName = new Map(all.map((s) => [s._id, s.name]))
      const counterName = new Map(counterDocs.map((c) => [c._id, String(c.name)]))
      const channels: ReportChannel[] = (channelDocs as unknown as Channel[]).map((c) => ({
        channelId: c._id,
        name: c.name,
        kind: c.kind,
        open: c.status === 'open',
        storeId: c.storeId,
        storeName: storeName.get(c.storeId) ?? c.storeId,
        ...(c.counterId
          ? { counterId: c.counterId, counterName: counterName.get(c.counterId) ?? c.counterId }
          : {}),
      }))
      const rows: ReportRow[] = days.map((d) => ({
        day: String(d.day),
        channelId: String(d.channelId),
        count: Number(d.count) || 0,
        movedIn: Number(d.movedIn) || 0,
        movedOut: Number(d.movedOut) || 0,
      }))
      return ok({ from, to, channels, rows, total: rows.reduce((sum, r) => sum + r.count, 0) })
    },
  }
}
