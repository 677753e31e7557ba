/**
 * The audit log's integrity (5.5, L-14): hash chains per function instance, MACs under a signing
 * key of their own, and a redaction form that erasure can apply without opening a way to alter
 * entries. audit.ts writes through it; the scheduler's verification (scheduler/integrity.ts)
 * checks it.
 *
 * - Signing key: `AUDIT_SIGNING_KEY` (base64, 32 bytes), apart from the blind-index key and the
 *   master keys, so whoever holds the index key (every lookup) cannot forge or re-seal entries.
 * - Chains: CloudBase has single-document transactions only and many instances write at once,
 *   so there is no single log head. Each function instance opens a chain of its own on its first
 *   entry: the next free number in `audit_chains` (an add with a fixed `_id`, so two instances
 *   never share one and the numbers have no gaps). Its entries are `audit_log/<chain>:<seq>` with
 *   `seq` 0, 1, 2 …, `prev` = the MAC of the entry before and `prevAt` = its time. Within the
 *   instance, concurrent appends each take a chain of their own (an idle one, or a new one), so
 *   no chain forks and no call waits for another.
 * - Head: after each append (one entry, or a whole batch in one request) the chain's document in
 *   `audit_chains` is set to the last seq, its MAC and time, signed: a tail cut off the chain is
 *   a head beyond the last entry. The entry is written before its head, so a crash in between
 *   leaves an entry past the head (accepted), never a head past its entries. A failed append
 *   retires the chain; the next one opens a new chain.
 * - MAC: HMAC-SHA256 over the entry's place (chain, seq, prev, prevAt), time, action, purpose,
 *   fields, success, the reason where there is one, and two commitments: `HMAC(salt, memberId)` and `HMAC(salt, actor)` with a
 *   random salt stored in the entry. Without the redaction, the verifier recomputes both.
 * - Redaction (7.2): erasure replaces the member id by the anonymous id, a WeChat actor by
 *   `wx:erased`, and removes the salt: the commitments can no longer be opened, so nothing links
 *   the entry to the person or to a later sign-up by the same WeChat user. What the MAC needs is
 *   kept in `audit_redactions/<anonymous id>:<n>`: per entry its id, both commitments and the
 *   actor it shows now, signed as a whole. The verifier accepts a redacted entry only when such a
 *   signed record names it, with the anonymous id and actor it shows, and its MAC still holds
 *   over the recorded commitments; everything else (time, purpose, fields, success, place in
 *   the chain) stays under the original MAC. A redaction is written only by holders of the
 *   signing key, so it cannot be used to rewrite entries.
 * - Retention: the 3-year sweep removes the oldest entries. A gap before an entry is accepted
 *   when that entry's `prevAt` is past the retention (everything in the gap was older still), and
 *   a head beyond the last entry when the head's time is.
 */
import { createHmac, randomBytes } from 'node:crypto'

import type { Clock } from './clock'
import { addUnique, COLLECTIONS, type Db, type Doc } from './db'
import { decodeKey, VaultConfigError } from './vault'

export interface AuditSigner {
  /** HMAC-SHA256 under the audit signing key of a labelled list of values, base64url. */
  mac(label: string, parts: unknown[]): string
}

export function createAuditSigner(key: Buffer): AuditSigner {
  if (key.length !== 32) throw new VaultConfigError('the audit signing key must be 32 bytes')
  return {
    mac: (label, parts) =>
      createHmac('sha256', key)
        .update(JSON.stringify([`mm/audit/${label}/v1`, ...parts]), 'utf8')
        .digest('base64url'),
  }
}

/**
 * The signer from the function's environment: `AUDIT_SIGNING_KEY`, which must differ from
 * `PI_INDEX_KEY` and `PI_MASTER_KEY`.
 */
export function auditSignerFromEnv(env: Record<string, string | undefined> = process.env): AuditSigner {
  const key = decodeKey('AUDIT_SIGNING_KEY', env.AUDIT_SIGNING_KEY)
  for (const other of ['PI_INDEX_KEY', 'PI_MASTER_KEY']) {
    if (env[other]?.trim() === env.AUDIT_SIGNING_KEY?.trim())
      throw new VaultConfigError(`AUDIT_SIGNING_KEY must differ from ${other}`)
  }
  return createAuditSigner(key)
}

/** What a WeChat actor shows once its entry is redacted. */
export const ERASED_ACTOR = 'wx:erased'

/** The chained part of an entry, as stored in `audit_log`. */
export interface ChainFields {
  chain: string
  seq: number
  /** MAC of the entry before in the chain; '' for the first. */
  prev: string
  /** Time of the entry before; null for the first. */
  prevAt: Date | null
  /** Random, base64url; removed by a redaction. */
  salt?: string
  mac: string
}

/** The event part of an entry (audit.ts AuditEvent + time), loosely typed as stored. */
export interface EntryContent {
  at: Date
  actor: string
  action: string
  purpose: string
  memberId: string
  fields: string[]
  success: boolean
  /** Why the access was made, where the action asks for a reason (a staff member's full reveal). */
  reason?: string
}

export type StoredEntry = EntryContent & ChainFields & { _id: string; redaction?: string }

/** One entry of a redaction record: entry id, member and actor commitments, actor shown now. */
export type RedactionRow = [id: string, member: string, actor: string, shownActor: string]

export interface RedactionDoc {
  _id: string
  anonId: string
  at: Date
  rows: RedactionRow[]
  sig: string
}

/** A chain's document in `audit_chains`: its last entry (seq -1 before the first). */
export interface ChainHead {
  _id: string
  seq: number
  mac: string
  at: Date | null
  openedAt: Date
  sig: string
}

const commit = (salt: string, label: string, value: string) =>
  createHmac('sha256', Buffer.from(salt, 'base64url')).update(`${label}|${value}`, 'utf8').digest('base64url')

export const commitments = (salt: string, memberId: string, actor: string): [string, string] => [
  commit(salt, 'member', memberId),
  commit(salt, 'actor', actor),
]

/** The MAC of an entry given its two commitments. */
export function entryMac(
  signer: AuditSigner,
  entry: Omit<StoredEntry, 'mac' | '_id'>,
  [member, actor]: [string, string],
): string {
  return signer.mac('entry', [
    entry.chain,
    entry.seq,
    entry.prev,
    entry.prevAt === null ? null : entry.prevAt.getTime(),
    entry.at.getTime(),
    entry.action,
    entry.purpose,
    [...entry.fields],
    entry.success,
    member,
    actor,
    // Entries without a reason keep the MAC they were written with.
    ...(typeof entry.reason === 'string' ? [entry.reason] : []),
  ])
}

export const headSig = (signer: AuditSigner, head: Omit<ChainHead, 'sig' | 'openedAt'>): string =>
  signer.mac('head', [head._id, head.seq, head.mac, head.at === null ? null : head.at.getTime()])

export const redactionSig = (signer: AuditSigner, doc: Omit<RedactionDoc, 'sig'>): string =>
  signer.mac('redaction', [doc._id, doc.anonId, doc.at.getTime(), doc.rows])

const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime())

/** True when a stored document has the shape of a chained entry. */
export function isChained(doc: Record<string, unknown>): doc is Record<string, unknown> & StoredEntry {
  return (
    typeof doc.chain === 'string' &&
    Number.isInteger(doc.seq) &&
    typeof doc.prev === 'string' &&
    (doc.prevAt === null || isDate(doc.prevAt)) &&
    isDate(doc.at) &&
    typeof doc.mac === 'string' &&
    typeof doc.memberId === 'string' &&
    typeof doc.actor === 'string' &&
    Array.isArray(doc.fields)
  )
}

/**
 * Whether an entry is exactly as written (or as a genuine redaction left it). A redacted entry
 * needs its redaction record (`redactions(id)`), checked for its own signature here.
 */
export function entryIntact(
  signer: AuditSigner,
  doc: Record<string, unknown>,
  redaction?: RedactionDoc | null,
): boolean {
  if (!isChained(doc)) return false
  if (doc.redaction === undefined) {
    if (typeof doc.salt !== 'string') return false
    return entryMac(signer, doc, commitments(doc.salt, doc.memberId, doc.actor)) === doc.mac
  }
  if (
    !redaction ||
    redaction._id !== doc.redaction ||
    !isDate(redaction.at) ||
    !Array.isArray(redaction.rows)
  )
    return false
  if (redactionSig(signer, redaction) !== redaction.sig || redaction.anonId !== doc.memberId) return false
  const row = redaction.rows.find((r) => r[0] === doc._id)
  if (!row || row[3] !== doc.actor || doc.salt !== undefined) return false
  return entryMac(signer, doc, [row[1], row[2]]) === doc.mac
}

export const CHAIN_PREFIX = 'c'
const CHAIN_DIGITS = 10
const SEQ_DIGITS = 10
export const chainId = (n: number) => `${CHAIN_PREFIX}${String(n).padStart(CHAIN_DIGITS, '0')}`
export const chainNumber = (id: string) => Number(id.slice(CHAIN_PREFIX.length))
export const entryId = (chain: string, seq: number) => `${chain}:${String(seq).padStart(SEQ_DIGITS, '0')}`

/** An entry to chain: its content, already timed. */
export type Unchained = EntryContent

/** Where a chain stands: its id and its last entry (seq -1, mac '', at null before the first). */
export interface ChainState {
  id: string
  seq: number
  mac: string
  at: Date | null
}

/** The entries after `state`, sealed in order, and where the chain stands after them. */
export function sealEntries(
  signer: AuditSigner,
  state: ChainState,
  entries: Unchained[],
): { docs: StoredEntry[]; next: ChainState } {
  const { id } = state
  let { seq, mac, at } = state
  const docs: StoredEntry[] = []
  for (const content of entries) {
    seq++
    const salt = randomBytes(16).toString('base64url')
    const entry = { ...content, fields: [...content.fields], chain: id, seq, prev: mac, prevAt: at, salt }
    const sealed = {
      _id: entryId(id, seq),
      ...entry,
      mac: entryMac(signer, entry, commitments(salt, content.memberId, content.actor)),
    }
    docs.push(sealed)
    mac = sealed.mac
    at = sealed.at
  }
  return { docs, next: { id, seq, mac, at } }
}

/** The head document of a chain standing at `state`. */
export function chainHead(signer: AuditSigner, state: ChainState, openedAt: Date): ChainHead {
  const head = { _id: state.id, seq: state.seq, mac: state.mac, at: state.at }
  return { ...head, openedAt, sig: headSig(signer, head) }
}

/**
 * A function instance's chain: kept across the instance's calls (like its block of member
 * numbers), opened on the first entry, written through whichever call's database.
 */
export interface AuditChain {
  /** Chains `entries` in order, writes them in one request, then the head. */
  append(db: Db, signer: AuditSigner, clock: Clock, entries: Unchained[]): Promise<void>
}

/** Numbers probed after the last chain before its number is read again. */
const OPEN_PROBES = 32

async function openChain(db: Db, signer: AuditSigner, clock: Clock): Promise<ChainState> {
  for (let round = 0; round < 8; round++) {
    const { data } = await db.collection(COLLECTIONS.auditChains).orderBy('_id', 'desc').limit(1).get()
    const last = data[0] ? chainNumber(data[0]._id) : 0
    // Probing upward from the last number never leaves a gap: each number tried is taken.
    for (let n = last + 1; n <= last + OPEN_PROBES; n++) {
      const state: ChainState = { id: chainId(n), seq: -1, mac: '', at: null }
      const head = chainHead(signer, state, new Date(clock.now()))
      if (await addUnique(db, COLLECTIONS.auditChains, head as unknown as Doc)) return state
    }
  }
  throw new Error('no audit chain could be opened')
}

export function createAuditChain(): AuditChain {
  // Chains of this instance not being appended to right now. A call takes one (or opens one) for
  // its append and gives it back once the head is written, so concurrent calls in one instance
  // write to chains of their own instead of waiting for each other, and no chain ever forks.
  const idle: ChainState[] = []

  return {
    async append(db, signer, clock, entries) {
      if (entries.length === 0) return
      const from = idle.pop() ?? (await openChain(db, signer, clock))
      const { docs, next } = sealEntries(signer, from, entries)
      const log = db.collection(COLLECTIONS.auditLog)
      // Written or not, nothing more goes on a chain whose append failed: it is not given back.
      if (docs.length === 1) await log.add({ data: docs[0] as unknown as Doc })
      else await log.add({ data: docs as unknown as Doc[] })
      const head = { _id: next.id, seq: next.seq, mac: next.mac, at: next.at }
      try {
        await db
          .collection(COLLECTIONS.auditChains)
          .doc(next.id)
          .update({ data: { seq: next.seq, mac: next.mac, at: next.at, sig: headSig(signer, head) } })
      } finally {
        // A head left behind its entries is accepted (an entry past the head), so the chain goes on.
        idle.push(next)
      }
    },
  }
}

/** Entries of one member re-keyed per round: one get() page, one redaction record. */
export const REDACTION_PAGE = 1000

/**
 * Re-keys every entry of `memberId` to `anonymousId` (see the header): per page of entries, one
 * signed redaction record, then one update for the entries of WeChat actors and one for the
 * others (staff and system actors stay named). Entries written before chaining carry no
 * commitments: they are re-keyed the same way and stay unverifiable, as they were.
 */
export async function redactMember(
  db: Db,
  signer: AuditSigner,
  clock: Clock,
  memberId: string,
  anonymousId: string,
): Promise<number> {
  const _ = db.command
  const log = () => db.collection(COLLECTIONS.auditLog)
  const at = new Date(clock.now())
  let redacted = 0
  for (let n = 0; ; n++) {
    const { data } = await log().where({ memberId }).limit(REDACTION_PAGE).get()
    if (data.length === 0) break
    const redactionId = `${anonymousId}:${n}`
    const rows: RedactionRow[] = []
    const erased: string[] = []
    const kept: string[] = []
    for (const doc of data) {
      const wechat = String(doc.actor).startsWith('wx:')
      ;(wechat ? erased : kept).push(doc._id)
      if (typeof doc.salt === 'string' && isChained(doc))
        rows.push([doc._id, ...commitments(doc.salt, memberId, doc.actor), wechat ? ERASED_ACTOR : doc.actor])
    }
    rows.sort((a, b) => (a[0] < b[0] ? -1 : 1))
    const record = { _id: redactionId, anonId: anonymousId, at, rows }
    await db
      .collection(COLLECTIONS.auditRedactions)
      .add({ data: { ...record, sig: redactionSig(signer, record) } })
    const common = { memberId: anonymousId, salt: _.remove(), redaction: redactionId }
    for (const [ids, data] of [
      [erased, { ...common, actor: ERASED_ACTOR }],
      [kept, common],
    ] as const) {
      if (ids.length > 0)
        await log()
          .where({ _id: _.in(ids), memberId })
          .update({ data })
    }
    redacted += data.length
    if (data.length < REDACTION_PAGE) break
  }
  return redacted
}
