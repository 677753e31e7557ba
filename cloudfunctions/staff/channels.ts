/**
 * Channels' mini-program codes for the staff (4.2.1.2): the channels of a store within the
 * caller's scope, one channel's code with what its printed card says, and a store's open
 * counters. Channels and counters hold no personal information: nothing is audited.
 */
import type { Caller } from '../../src/domain/access'
import type { Channel } from '../../src/domain/channel/model'
import type { ChannelsContract, StaffChannel, StoreCounter } from '../../src/domain/contracts/channels'
import { fail, ok } from '../../src/domain/errors'
import { inStoreScope } from '../../src/domain/staff/model'
import { channelCode, earningAt, type WxacodeOpenApi } from '../common/channels'
import type { Clock } from '../common/clock'
import type { RulesBook } from '../common/points/rules'
import { encodeScene } from '../../src/domain/channel/scene'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'

/** More counters and channels than one store has; each list is one read. */
const MAX_PER_STORE = 500

/** Printed on an A6 card: large enough to scan from a counter's stand. */
const CARD_QR_WIDTH = 860

interface CounterDoc extends Doc {
  storeId: string
  name: string
  floor?: string
  status: 'open' | 'closed'
}

const inScope = (caller: Caller, storeId: string): boolean =>
  caller.staff !== undefined && caller.staff !== null && inStoreScope(caller.staff, storeId)

function view(channel: Channel, counters: Map<string, CounterDoc>): StaffChannel {
  const counter = channel.counterId ? counters.get(channel.counterId) : undefined
  return {
    code: channel._id,
    kind: channel.kind,
    name: channel.name,
    storeId: channel.storeId,
    ...(channel.counterId ? { counterId: channel.counterId } : {}),
    ...(counter ? { counterName: counter.name } : {}),
    status: channel.status,
  }
}

export function createChannelActions(deps: {
  db: Db
  stores: StoreDirectory
  openapi: WxacodeOpenApi
  clock: Clock
  rules: RulesBook
}): Handlers<ChannelsContract, { status: 'active' }> {
  const { db, stores, openapi } = deps

  async function countersOf(storeId: string): Promise<CounterDoc[]> {
    const { data } = await db
      .collection(COLLECTIONS.storeCounters)
      .where({ storeId })
      .limit(MAX_PER_STORE)
      .get()
    return data as CounterDoc[]
  }

  /** The store, when it exists and the caller acts for it. */
  async function storeInScope(caller: Caller, storeId: string) {
    if (!inScope(caller, storeId)) return null
    return stores.byId(db, storeId)
  }

  return {
    async listChannels({ storeId }, { caller }) {
      if (!(await storeInScope(caller, storeId))) return fail('STORE_UNKNOWN', 'storeId')
      const [channels, counters] = await Promise.all([
        db.collection(COLLECTIONS.channels).where({ storeId }).limit(MAX_PER_STORE).get(),
        countersOf(storeId),
      ])
      const byId = new Map(counters.map((counter) => [counter._id, counter]))
      const list = (channels.data as unknown as Channel[])
        .map((channel) => view(channel, byId))
        .sort(
          (a, b) =>
            Number(a.status === 'closed') - Number(b.status === 'closed') || a.name.localeCompare(b.name),
        )
      return ok({ channels: list })
    },

    async channelCode({ code }, { caller }) {
      const channel = (await getDoc(db, COLLECTIONS.channels, code)) as unknown as Channel | null
      if (!channel || channel.status !== 'open') return fail('CHANNEL_UNKNOWN', 'code')
      const store = await storeInScope(caller, channel.storeId)
      if (!store) return fail('CHANNEL_UNKNOWN', 'code')
      const [counter, earning] = await Promise.all([
        channel.counterId
          ? (getDoc(db, COLLECTIONS.storeCounters, channel.counterId) as Promise<CounterDoc | null>)
          : null,
        earningAt(db, deps.rules, deps.clock.now(), channel),
      ])
      const ref = { kind: channel.kind, code: channel._id }
      const png = await channelCode(openapi, ref, { width: CARD_QR_WIDTH })
      const counters = new Map(counter ? [[counter._id, counter]] : [])
      return ok({
        png: Buffer.from(png).toString('base64'),
        scene: encodeScene(ref),
        channel: view(channel, counters),
        storeName: store.name,
        earning,
      })
    },

    async listCounters({ storeId }, { caller }) {
      if (!(await storeInScope(caller, storeId))) return fail('STORE_UNKNOWN', 'storeId')
      const counters: StoreCounter[] = (await countersOf(storeId))
        .filter((counter) => counter.status === 'open')
        .map((counter) => ({
          counterId: counter._id,
          name: counter.name,
          ...(counter.floor ? { floor: counter.floor } : {}),
        }))
        .sort((a, b) => a.name.localeCompare(b.name))
      return ok({ counters })
    },
  }
}
