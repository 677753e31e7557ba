/**
 * Channels' mini-program codes for the staff (4.2.1.2): the channels of a store within the
 * caller's scope, one channel's code with what its printed card says, and a store's open
 * counters; managers open and close their stores' channels. Channels and counters hold no
 * personal information: reading them is not audited, opening and closing one is (`channelAdmin`,
 * about `channel:<code>`, without day counts).
 */
import { actingStaff } from '../common/staff'
import { randomInt } from 'node:crypto'

import type { Caller } from '../../src/domain/access'
import { CODE_ALPHABET, type Channel } from '../../src/domain/channel/model'
import type { ChannelsContract, StaffChannel, StoreCounter } from '../../src/domain/contracts/channels'
import { fail, ok } from '../../src/domain/errors'
import { inStoreScope } from '../../src/domain/staff/model'
import { recordAdministration, type AuditLog } from '../common/audit'
import { channelCode, earningAt } from '../common/channels'
import type { WxacodeApi } from '../common/wxacode'
import type { Clock } from '../common/clock'
import type { RulesBook } from '../common/points/rules'
import { encodeScene } from '../../src/domain/channel/scene'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'

/** More counters and channels than one store has; each list is one read. */
const MAX_PER_STORE = 500

/** Printed on an A6 card: large enough to scan from a counter's stand. */
const CARD_QR_WIDTH = 860

/** A new channel's code: 6 characters give 3.4 × 10^10 codes, 12 of the scene's 32 characters. */
const NEW_CODE_LENGTH = 6
/** Tries at a free code before giving up: a collision is already rare. */
const CODE_TRIES = 3

const newChannelCode = (): string =>
  Array.from({ length: NEW_CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('')

interface ChannelDoc extends Channel {
  createdAt?: Date
  createdBy?: string
  closedAt?: Date
  closedBy?: string
}

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
  openapi: WxacodeApi
  audit: AuditLog
  clock: Clock
  rules: RulesBook
}): Handlers<ChannelsContract, { status: 'active' }> {
  const { db, stores, openapi, audit, clock } = deps

  const record = (staffId: string, action: 'create' | 'update', code: string) =>
    recordAdministration(audit, { purpose: 'channelAdmin', staffId, action, subject: `channel:${code}` })

  async function counterName(counterId: string | undefined): Promise<Map<string, CounterDoc>> {
    const counter = counterId
      ? ((await getDoc(db, COLLECTIONS.storeCounters, counterId)) as CounterDoc | null)
      : null
    return new Map(counter ? [[counter._id, counter]] : [])
  }

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
      // Counter staff find their own counter's channels first.
      const own = caller.staff?.counterId
      const rank = (c: StaffChannel) =>
        c.status === 'closed' ? 2 : own !== undefined && c.counterId === own ? 0 : 1
      const list = (channels.data as unknown as Channel[])
        .map((channel) => view(channel, byId))
        .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
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

    async createChannel({ storeId, kind, name, counterId }, { caller }) {
      const actor = actingStaff(caller)
      if (!(await storeInScope(caller, storeId))) return fail('STORE_UNKNOWN', 'storeId')
      const counters = await counterName(counterId)
      const counter = counterId ? counters.get(counterId) : undefined
      if (counterId && (!counter || counter.storeId !== storeId || counter.status !== 'open'))
        return fail('COUNTER_UNKNOWN', 'counterId')
      // One open channel per name and store: a retry finds the channel it made.
      const { data } = await db
        .collection(COLLECTIONS.channels)
        .where({ storeId, name, status: 'open' })
        .limit(1)
        .get()
      const same = data[0] as unknown as ChannelDoc | undefined
      if (same) {
        if (same.kind === kind && (same.counterId ?? '') === (counterId ?? ''))
          return ok({ channel: view(same, counters) })
        return fail('CHANNEL_EXISTS', 'name')
      }
      for (let tries = 0; tries < CODE_TRIES; tries++) {
        const doc: ChannelDoc = {
          _id: newChannelCode(),
          kind,
          storeId,
          ...(counterId ? { counterId } : {}),
          name,
          status: 'open',
          createdAt: new Date(clock.now()),
          createdBy: actor.id,
        }
        if (await addUnique(db, COLLECTIONS.channels, doc as unknown as Doc)) {
          await record(actor.id, 'create', doc._id)
          return ok({ channel: view(doc, counters) })
        }
      }
      throw new Error('no free channel code')
    },

    async closeChannel({ code }, { caller }) {
      const actor = actingStaff(caller)
      const channel = (await getDoc(db, COLLECTIONS.channels, code)) as unknown as ChannelDoc | null
      if (!channel || !(await storeInScope(caller, channel.storeId))) return fail('CHANNEL_UNKNOWN', 'code')
      const counters = await counterName(channel.counterId)
      // Closing again (a retry) answers the closed channel and changes nothing.
      if (channel.status === 'closed') return ok({ channel: view(channel, counters) })
      const { stats } = await db
        .collection(COLLECTIONS.channels)
        .where({ _id: code, status: 'open' })
        .update({ data: { status: 'closed', closedAt: new Date(clock.now()), closedBy: actor.id } })
      if (stats.updated === 1) await record(actor.id, 'update', code)
      return ok({ channel: view({ ...channel, status: 'closed' }, counters) })
    },
  }
}
