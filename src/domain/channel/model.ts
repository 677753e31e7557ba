/**
 * Channels (4.2.1.2, 4.2.1.6, 4.2.2.2, 6.5.2): every counter with its guides, service desk,
 * event, poster, website and social account through which shoppers join has a mini-program code
 * whose scene names the channel. Attribution is ours, on the scene: WeChat's own 导购 API is
 * retired. A channel holds no personal information.
 */

/** What a channel is. `counter`: a brand counter and its guides (导购). */
export type ChannelKind = 'counter' | 'serviceDesk' | 'event' | 'poster' | 'website' | 'social'

/** The one-letter code of each kind in a scene. */
export const KIND_CODES = {
  counter: 'g',
  serviceDesk: 'd',
  event: 'e',
  poster: 'p',
  website: 'w',
  social: 's',
} as const satisfies Record<ChannelKind, string>

export const CHANNEL_KINDS = Object.keys(KIND_CODES) as ChannelKind[]

export const CHANNEL_KIND_LABELS = {
  counter: '专柜导购',
  serviceDesk: '服务台',
  event: '活动',
  poster: '海报',
  website: '官网',
  social: '社交媒体',
} satisfies Record<ChannelKind, string>

/**
 * Short ids: 4 to 8 characters without look-alikes (no 0/O, 1/I/l). 55 letters and digits:
 * six characters give 2.8 × 10^10 codes.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
export const CODE_MIN = 4
export const CODE_MAX = 8

/** What a scene carries: the kind of channel and its short id (the `channels` document id). */
export interface ChannelRef {
  kind: ChannelKind
  code: string
}

/** A channel as stored: `channels/<code>`. */
export interface Channel {
  _id: string
  kind: ChannelKind
  storeId: string
  /** The store counter (`store_counters`) of a counter or service-desk channel. */
  counterId?: string
  name: string
  status: 'open' | 'closed'
}

/**
 * The channel a member joined through, first touch: kept for the member's lifetime; only a
 * manager reassigns it, with a reason.
 */
export interface Attribution {
  kind: ChannelKind
  channelId: string
  storeId: string
  counterId?: string
  at: Date
}

/** The attribution as the member's data copy shows it (3.1: the channel is personal information). */
export interface AttributionView {
  kind: ChannelKind
  channelId: string
  storeId: string
  counterId?: string
  at: string
}

/** What the join page shows a shopper who scanned a channel's code (4.2.2.2). */
export interface ChannelLanding {
  kind: ChannelKind
  name: string
  storeId: string
  /** How points are earned, one sentence a line (empty without an active points rule). */
  earning: string[]
}
