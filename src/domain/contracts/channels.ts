/**
 * Channels' mini-program codes for the staff (4.2.1.2): the channels of a store the caller acts
 * for, a channel's code to show or print, and the counters of a store (the invite's counter
 * picker). The `staff` function checks the store against the caller's scope.
 */
import { CHANNEL_KINDS, type ChannelKind } from '../channel/model'
import { enumOf, required, schema, text } from '../input'
import { action } from './contract'

const ID_MAX = 64
/** Long enough for 「兰蔻专柜·三楼海报」, short enough for the printed card's line. */
export const CHANNEL_NAME_MAX = 20

export interface StaffChannel {
  code: string
  kind: ChannelKind
  name: string
  storeId: string
  counterId?: string
  /** The counter's name, for a channel at a counter or service desk. */
  counterName?: string
  status: 'open' | 'closed'
}

export interface StoreCounter {
  counterId: string
  name: string
  floor?: string
}

export interface ChannelCard {
  /** The mini-program code, base64 PNG (shown as `data:image/png;base64,<png>`). */
  png: string
  scene: string
  channel: StaffChannel
  storeName: string
  /** How points are earned (the active points rule), for the printed card. */
  earning: string[]
}

const storeId = () => required(ID_MAX, 'STORE_UNKNOWN')

export const channelsContract = {
  listChannels: action<{ channels: StaffChannel[] }>()({
    input: schema({ storeId: storeId() }),
    access: ['counter', 'manager', 'admin'],
    errors: ['STORE_UNKNOWN'],
  }),
  channelCode: action<ChannelCard>()({
    input: schema({ code: required(ID_MAX, 'CHANNEL_UNKNOWN') }),
    access: ['counter', 'manager', 'admin'],
    errors: ['CHANNEL_UNKNOWN'],
  }),
  /** The open counters of a store the caller may invite counter staff to. */
  listCounters: action<{ counters: StoreCounter[] }>()({
    input: schema({ storeId: storeId() }),
    access: ['manager', 'admin'],
    errors: ['STORE_UNKNOWN'],
  }),
  /**
   * A new channel of a store the caller runs, with a new short code. One open channel per name
   * and store: a retried create answers the channel it made.
   */
  createChannel: action<{ channel: StaffChannel }>()({
    input: schema({
      storeId: storeId(),
      kind: enumOf(CHANNEL_KINDS, 'INVALID_ARGUMENT'),
      name: required(CHANNEL_NAME_MAX, 'CHANNEL_NAME_REQUIRED'),
      counterId: text(ID_MAX),
    }),
    access: ['manager', 'admin'],
    errors: ['STORE_UNKNOWN', 'COUNTER_UNKNOWN', 'CHANNEL_NAME_REQUIRED', 'CHANNEL_EXISTS'],
  }),
  /** Closes a channel: its code no longer attributes sign-ups (the scan still opens the join page). */
  closeChannel: action<{ channel: StaffChannel }>()({
    input: schema({ code: required(ID_MAX, 'CHANNEL_UNKNOWN') }),
    access: ['manager', 'admin'],
    errors: ['CHANNEL_UNKNOWN'],
  }),
}

export type ChannelsContract = typeof channelsContract
