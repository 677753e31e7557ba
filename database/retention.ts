/**
 * Retention rules as data (7.1, L-6): the shape of each collection's `retention` in the manifest.
 * Product code reads them (the scheduler's sweeps), so they live here rather than in local-cloud.
 */

/**
 * A period the retention sweep enforces: once `anchor` is more than `after` in the past, the
 * document goes. The sweep queries `where` + `anchor` (an index must lead with those fields),
 * a bounded page at a time, and removes by `_id`.
 */
export interface TimedRetention {
  /** The scheduler job that enforces it (and its progress cursor, when it keeps one). */
  sweep: string
  /** ISO 8601 duration in years, days and time (`P3Y`, `P7D`, `PT1H`); a year is 365 days. */
  after: string
  /** The date field the period runs from. */
  anchor: string
  /** `chinaDay`: the anchor is a China date `YYYY-MM-DD` rather than a date. */
  anchorKind?: 'date' | 'chinaDay'
  /** Only documents also matching these values. */
  where?: Record<string, string | number | boolean>
  /**
   * - `delete`: the documents;
   * - `shred`: the owner's data key in the key environment first (crypto-shredding), then the document;
   * - `erase`: the member, through the erasure path (key, identity, claims, record; what is kept is anonymised).
   */
  action: 'delete' | 'shred' | 'erase'
  /** Only documents whose `field` names no document of `collection` (what a write that died left). */
  unlessOwner?: { field: string; collection: string }
}

/** Events that end (part of) a collection's data, handled where they happen. */
export const RETENTION_EVENTS = [
  /** The member cancels (or WeChat's cancellation event): erasure.ts. */
  'cancellation',
  /** The member removes one item, or withdraws the consent it needs (plates, phone, ID number). */
  'unbinding',
  /** A service-desk card is bound: its own copy of identifiers and its key go. */
  'binding',
  /** A write that died half-way: the scheduler's orphan sweep. */
  'abandoned',
  /** A staff account is closed. */
  'accountClosed',
  /** A campaign's declared retention ends. */
  'campaignEnd',
] as const
export type RetentionEvent = (typeof RETENTION_EVENTS)[number]

export interface EventRetention {
  on: RetentionEvent
  action: 'delete' | 'anonymise' | 'shred'
}

export interface PermanentRetention {
  /** Why keeping it for good is fine (no personal information). */
  permanent: string
}

export type RetentionRule = TimedRetention | EventRetention | PermanentRetention

export interface ManifestRetention {
  /** For people: the console, the CLI, the compliance report. */
  text: string
  rules: RetentionRule[]
}

export const isTimed = (rule: RetentionRule): rule is TimedRetention => 'sweep' in rule
