/**
 * The points ledger (6.4, DESIGN 5): append-only entries and the member's balance and lots,
 * written together in one transaction per entry.
 *
 * - An entry's `_id` is its idempotency key, derived from its source and kind
 *   (`earn:receipt:<store>:<receipt>`, `spend:redemption:<id>` …): a repeated POS push, a retried
 *   call or a 商圈 notice delivered twelve times finds the entry and answers it, unchanged. The
 *   transaction adds the entry under that id, so a repeat is a refused add, not a read.
 * - Each earn is a lot (`lot`: the points it put in, available from the end of the return
 *   window, expiring by the policy). The member document holds what the lots still hold
 *   (`lots`: tranches by expiry, each held earn apart until its hold ends — domain/points/lots.ts),
 *   `points` (every live point, held ones included, less what is owed), `lotsExpireAt` (the first
 *   expiry: the expiry job's and the reminder's index) and `spendMonths` (fen per China month, for
 *   the 12-month qualifying spend): what the member centre and the till read without reading the
 *   ledger. Spends drain available tranches earliest expiry first and record what they drew
 *   (`allocations`); a refund takes back its purchase's points from its own lot first, then from
 *   the member's other points, and what is still missing is owed (a negative balance the member
 *   sees) or absorbed by the mall, as the manager's policy says.
 * - Entries are never changed (but for a voucher's state: a redemption's spend carries the
 *   voucher it paid for, redemptions.ts). Each is the record of the write it made (L-14: when, who, what,
 *   which event, under which purpose — a refused write changes nothing and is recorded in the
 *   audit log by its caller): entries carry `seq` and a MAC under the audit signing key chained
 *   to the member's previous entry, and the member document holds the chain's head
 *   (`ledgerHead`), written in the same transaction — an edited, removed or inserted entry breaks
 *   the chain (the reconciliation verifies it). The MAC leaves out what erasure rewrites (the
 *   member id, a WeChat actor's hash, the `_id` of an entry that names a card) and the voucher.
 * - Refunds of a purchase are serialised on running totals, `points_refunds/<earn id>`
 *   (`refundedFen`, `reversedPoints`), read and written in the reversal's transaction: what is
 *   left of the purchase and the points to take back are decided from values read there, so two
 *   refunds of one purchase under different references (two returned lines pushed at once, two
 *   refund notices) conflict and the later one re-runs on the first one's totals. A document per
 *   purchase rather than a map on the member document: the member document would grow with
 *   every purchase ever refunded, and nothing tells when a purchase can no longer be refunded
 *   (WeChat Pay refunds for a year); a purchase's totals live as long as its earn entry, one read
 *   and one write more per refund. A purchase refunded before the totals existed has them
 *   derived once from its reversal entries (before the transaction; the transaction then adds
 *   the document, and a racing first refund's add or member write makes one of them re-run).
 * - Daily aggregates per store (`points_days`, sharded so the tills of one store rarely write the
 *   same document) are incremented in the same transaction, without reading them: the day's
 *   shards are created once (by the first entry of the day, or ahead by the daily points job).
 *
 * Invariant (checked by the reconciliation): points = Σ entries' deltas = Σ lots' points − owed,
 * where owed = max(0, −points) and no lot holds points while something is owed; the lots are what
 * the entries put in and drew, expiry by expiry.
 */
import { randomInt } from 'node:crypto'

import { chinaDate } from '../../../src/domain/dates'
import type { EarningLine } from '../../../src/domain/points/earning'
import {
  addLot,
  drain,
  expireDue,
  firstExpiry,
  lotDates,
  putBack,
  settle,
  takeBack,
  type Allocation,
  type LotPolicy,
  type Tranche,
} from '../../../src/domain/points/lots'
import { tierPolicyOf, upgradeOnly, type TierPolicy } from '../../../src/domain/points/tiers'
import type { BirthdayFact, Tier } from '../../../src/domain/member/model'
import { auditSignerFromEnv, type AuditSigner } from '../chain'
import type { Clock } from '../clock'
import {
  addUnique,
  COLLECTIONS,
  getDoc,
  inTransaction,
  isDuplicateKeyError,
  rerunOnConflict,
  type Db,
  type DbTransaction,
  type Doc,
} from '../db'
import type { EntryVoucher } from './redemptions'
import { createRulesBook, type RulesBook } from './rules'
import { tierChange } from './tierChanges'

export type EntryKind = 'earn' | 'spend' | 'expire' | 'reverse' | 'adjust'

/** Where an entry came from: its kind and the reference that makes it unique there. */
export interface EntrySource {
  kind:
    | 'pos'
    | 'wxpay'
    | 'receipt'
    | 'campaign'
    | 'redemption'
    | 'parking'
    | 'signup'
    | 'card'
    | 'adjustment'
    | 'expiry'
  ref: string
}

/** The lot an earn (or a positive adjustment) made. */
export interface EntryLot {
  /** The points it put in: the entry's less what paid off a debt. */
  points: number
  availableFrom: string
  expiresAt: string
}

/** An entry as its write makes it, before the chain seals it. */
export interface EntryFields {
  _id: string
  memberId: string
  kind: EntryKind
  delta: number
  /** A reason code (`purchase`, `redemption`, `refund`, `expiry`, an adjustment's code …). */
  reason: string
  source: EntrySource
  /** `staff:<id>`, `wx:<hash>`, `device:<id>` or `system:<job>` (audit.ts actors). */
  actor: string
  /** What the write was for (L-14): the basic service. */
  purpose: 'membership'
  storeId: string
  at: Date
  /** Earns: the lot and what the shopper reads. */
  lot?: EntryLot
  lines?: EarningLine[]
  amountFen?: number
  /** Spends, expiries, reversals, negative adjustments: what they drew from the lots. */
  allocations?: Allocation[]
  /** A spend given back: what went back into the lots. */
  returned?: Allocation[]
  /** Counter earns: what the purchase was, to refund it under the same rules. */
  purchase?: PurchaseFacts
  /** Reversals: the earn they take back, and the refund's amount. */
  reverses?: string
  refundFen?: number
  /** Reversals: points the member could not give back (owed) or the mall absorbed. */
  owed?: number
  absorbed?: number
  /**
   * A redemption's spend: the voucher it paid for (redemptions.ts). Its state is the one part of
   * an entry that changes after the write (the MAC leaves the voucher out).
   */
  voucher?: EntryVoucher
}

/** An entry as stored: sealed into the member's chain (its number and MAC). */
export type LedgerEntry = Doc & EntryFields & { seq: number; mac: string }

/** What scored a purchase besides its amount: the rules version, the tier, where it was bought. */
export interface PurchaseFacts {
  rulesVersion: number
  tier: string
  /** ISO time of the purchase as scored (a till's time may be earlier than the entry's). */
  at?: string
  brandId?: string
  counterId?: string
  /** Set when the purchase's day was the member's birthday or in the birth month (6.4.1). */
  birthday?: BirthdayFact
}

export interface LedgerHead {
  seq: number
  mac: string
}

/** What the ledger keeps on the member document. */
export interface BalanceFields {
  points: number
  lots?: Tranche[]
  spendMonths?: Record<string, number>
  ledgerHead?: LedgerHead
}

export type LedgerError =
  | 'POINTS_INSUFFICIENT'
  | 'POINTS_SOURCE_UNKNOWN'
  | 'NOT_A_MEMBER'
  | 'NOTHING_DUE'
  /** Refusals of the caller's own check of the member, made inside the transaction. */
  | 'LOOKUP_MEMBER_UNKNOWN'
  | 'PURPOSE_CONSENT_REQUIRED'
  | 'REDEEM_LIMIT'
  | 'REDEEM_DAY_LIMIT'
  /** A refund beyond what is left of its purchase. */
  | 'REFUND_EXCEEDS_PURCHASE'

/** What the refunds of one purchase have taken back so far (`points_refunds/<earn id>`). */
export interface RefundTotals {
  refundedFen: number
  /** Points taken back, the mall's absorbed part included. */
  reversedPoints: number
}

/**
 * The points a refund takes back, decided inside the reversal's transaction from the purchase's
 * earn and what its earlier refunds did; or a refusal.
 */
export type RefundScore = (earned: LedgerEntry, before: RefundTotals) => number | LedgerError

export type Written =
  | {
      entry: LedgerEntry
      repeated: boolean
      balance?: BalanceFields
      /** Reversals: the purchase's refund totals with this refund. */
      refunds?: RefundTotals
    }
  | { error: LedgerError }

/** Shards of a store's day in `points_days`: concurrent tills rarely touch the same one. */
export const DAY_SHARDS = 64

/** Reversals of one purchase read at most when its refund totals are derived from them. */
const MAX_REFUNDS = 100

/** Points a reversal took back, the mall's absorbed part included. */
export const reversedOf = (entry: LedgerEntry) => -entry.delta + (entry.absorbed ?? 0)

const totalsOf = (doc: RefundTotals): RefundTotals => ({
  refundedFen: doc.refundedFen,
  reversedPoints: doc.reversedPoints,
})

/** Transactions (each with the SDK's own reruns) an entry may take when the member is busy. */
const CONFLICT_RUNS = 8

/** The refund policy for points already spent (the manager's choice). */
export type RefundPolicy = 'negative' | 'absorb'

export const PURPOSE = 'membership' as const

export interface LedgerDeps {
  db: Db
  clock: Clock
  policy: LotPolicy
  /** The earning rules' versions, for the tier thresholds in force (a book of its own when absent). */
  rules?: RulesBook
  /** The entries' MACs (the audit signing key from the environment when absent). */
  signer?: AuditSigner
}

export const entryId = (kind: EntryKind, source: EntrySource) => `${kind}:${source.kind}:${source.ref}`

const iso = (value: Date) => value.toISOString()

/**
 * The available and held points of a member document at `now`. Points past their expiry are
 * neither, from their last millisecond on, whether or not the expiry job has written them off.
 */
export function balanceOf(member: BalanceFields, now: string): { available: number; pending: number } {
  let pending = 0
  let expired = 0
  for (const t of member.lots ?? []) {
    if (t.expiresAt < now) expired += t.points
    else if (t.heldUntil !== undefined && t.heldUntil > now) pending += t.points
  }
  return { available: member.points - pending - expired, pending }
}

/** Fen spent in the 12 China months up to `now`'s (refunds deducted). */
export function qualifyingSpend(member: BalanceFields, now: string): number {
  const months = new Set(recentMonths(now))
  return Object.entries(member.spendMonths ?? {})
    .filter(([month]) => months.has(month))
    .reduce((sum, [, fen]) => sum + fen, 0)
}

function recentMonths(now: string): string[] {
  const [y, m] = chinaDate(Date.parse(now)).split('-').map(Number)
  return Array.from({ length: 12 }, (_, i) => {
    const index = y * 12 + (m - 1) - i
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
  })
}

/** The actor as the MAC covers it: a WeChat actor's hash is replaced at erasure. */
const macActor = (actor: string) => (actor.startsWith('wx:') ? 'wx' : actor)

/** What an entry's MAC covers, in a fixed order. */
function macParts(entry: EntryFields & { seq: number }): unknown[] {
  const p = entry.purchase
  return [
    entry.seq,
    entry.kind,
    entry.delta,
    entry.reason,
    entry.source.kind,
    entry.source.ref,
    macActor(entry.actor),
    entry.purpose,
    entry.storeId,
    new Date(entry.at).getTime(),
    entry.lot ? [entry.lot.points, entry.lot.availableFrom, entry.lot.expiresAt] : null,
    entry.lines ? entry.lines.map((line) => [line.kind, line.points]) : null,
    entry.amountFen ?? null,
    entry.allocations ? entry.allocations.map((a) => [a.expiresAt, a.points, a.entry ?? null]) : null,
    entry.returned ? entry.returned.map((a) => [a.expiresAt, a.points]) : null,
    p
      ? [
          p.rulesVersion,
          p.tier,
          p.at ?? null,
          p.brandId ?? null,
          p.counterId ?? null,
          // Only when set: the MACs of entries written before birthdays were scored stay as they were.
          ...(p.birthday ? [[p.birthday.day, p.birthday.month]] : []),
        ]
      : null,
    entry.reverses ?? null,
    entry.refundFen ?? null,
    entry.owed ?? null,
    entry.absorbed ?? null,
  ]
}

/** The MAC of `entry` after the entry whose MAC is `prev` ('' for a member's first). */
export const ledgerMac = (signer: AuditSigner, prev: string, entry: EntryFields & { seq: number }): string =>
  signer.mac('ledger', [prev, ...macParts(entry)])

/** `entry` chained after the member's head: its number and MAC, and the new head. */
export function chained(
  signer: AuditSigner,
  head: LedgerHead | undefined,
  entry: EntryFields,
): { entry: LedgerEntry; head: LedgerHead } {
  const seq = (head?.seq ?? 0) + 1
  const mac = ledgerMac(signer, head?.mac ?? '', { ...entry, seq })
  return { entry: { ...entry, seq, mac }, head: { seq, mac } }
}

/**
 * The lot of an earn of `points` for a member: what is owed is paid first out of the new points,
 * the lot holds the rest. The member's new tranches and the entry's `lot`.
 */
export function earnLot(input: {
  id: string
  member: BalanceFields
  points: number
  at: Date
  policy: LotPolicy
  immediate?: boolean
}): { lots: Tranche[]; lot: EntryLot } {
  const now = iso(input.at)
  const dates = lotDates(now, input.immediate ? { ...input.policy, holdDays: 0 } : input.policy)
  const owed = Math.max(0, -input.member.points)
  const points = input.points - Math.min(owed, input.points)
  const lot = { points, ...dates }
  return {
    lot,
    lots:
      points > 0
        ? addLot(input.member.lots ?? [], { entry: input.id, ...lot }, now)
        : settle(input.member.lots ?? [], now),
  }
}

/** The member fields that hold the lots (`lotsExpireAt` removed when none is left). */
export function lotsFields(db: Db, lots: Tranche[]): Record<string, unknown> {
  const first = firstExpiry(lots)
  return { lots: db.command.set(lots), lotsExpireAt: first ? new Date(first) : db.command.remove() }
}

/**
 * An earn written inside a caller's own transaction (a card's points moving to its member): the
 * entry sealed into the member's chain, and the member fields to write with it. No day counts:
 * the points were issued when the card was.
 */
export function earnWithin(
  db: Db,
  member: Doc & BalanceFields,
  input: Omit<EntryFields, 'kind' | 'purpose' | 'memberId' | 'lot'> & { policy: LotPolicy },
  signer: AuditSigner = auditSignerFromEnv(),
): { entry: LedgerEntry; member: Record<string, unknown> } {
  const { policy, ...fields } = input
  const { lots, lot } = earnLot({
    id: fields._id,
    member,
    points: fields.delta,
    at: fields.at,
    policy,
    immediate: true,
  })
  const sealed = chained(signer, member.ledgerHead, {
    ...fields,
    memberId: member._id,
    kind: 'earn',
    purpose: PURPOSE,
    lot,
  })
  return {
    entry: sealed.entry,
    member: {
      points: member.points + fields.delta,
      ...lotsFields(db, lots),
      ledgerHead: db.command.set(sealed.head),
    },
  }
}

/**
 * A shard picked afresh by each attempt: two tills that collide on one shard go different ways on
 * their retries (a shard fixed per member would make the same two members collide every time).
 */
const anyShard = () => randomInt(DAY_SHARDS)

const COUNTS = ['issued', 'spent', 'expired', 'reversed', 'adjusted', 'absorbed'] as const

type DayCounts = Partial<Record<(typeof COUNTS)[number], number>>

export const dayShardId = (storeId: string, day: string, shard: number) => `${storeId}:${day}:${shard}`

/** A day's shards of a store were not created yet: the transaction creates none, its caller does. */
class DayMissing extends Error {
  constructor(
    readonly storeId: string,
    readonly day: string,
  ) {
    super(`points_days ${storeId}:${day} not created`)
  }
}

/** Creates every shard of a store's China day that does not exist yet (idempotent). */
export async function openPointsDay(db: Db, storeId: string, day: string): Promise<void> {
  for (let shard = 0; shard < DAY_SHARDS; shard += 1) {
    const zero = Object.fromEntries(COUNTS.map((key) => [key, 0]))
    await addUnique(db, COLLECTIONS.pointsDays, {
      _id: dayShardId(storeId, day, shard),
      storeId,
      day,
      ...zero,
    })
  }
}

export function createLedger(deps: LedgerDeps) {
  const { db, clock, policy } = deps
  const _ = db.command
  const rules = deps.rules ?? createRulesBook(clock)
  let signer = deps.signer
  const sign = () => (signer ??= auditSignerFromEnv())

  /** Adds `counts` to one shard of the store's day, without reading it. */
  async function countDay(tx: DbTransaction, storeId: string, at: Date, counts: DayCounts) {
    const day = chinaDate(at.getTime())
    const data: Record<string, unknown> = {}
    for (const key of COUNTS) if (counts[key]) data[key] = _.inc(counts[key] as number)
    if (Object.keys(data).length === 0) return
    const { stats } = await tx
      .collection(COLLECTIONS.pointsDays)
      .doc(dayShardId(storeId, day, anyShard()))
      .update({ data })
    if (stats.updated !== 1) throw new DayMissing(storeId, day)
  }

  type Body = (
    tx: DbTransaction,
    member: Doc & BalanceFields,
    at: Date,
  ) => Promise<
    | LedgerError
    /** The entry is there already: answered as a repeat, nothing written. */
    | { repeat: LedgerEntry; refunds?: RefundTotals }
    | {
        entry: Omit<EntryFields, 'purpose'>
        member: Record<string, unknown>
        day: DayCounts
        /** The member's points and lots after the write, for an answer that shows them. */
        balance?: BalanceFields
        refunds?: RefundTotals
      }
  >

  /**
   * One entry, once: the transaction reads the member, lets `body` decide, and writes the entry
   * (under its id: a twin's add is refused), the member's balance, lots and chain head, and the
   * day's counts. A repeat reads the entry it lost to.
   */
  async function write(id: string | undefined, memberId: string, body: Body): Promise<Written> {
    const attempt = () =>
      inTransaction(db, async (tx): Promise<Written> => {
        const member = (await tx.collection(COLLECTIONS.members).doc(memberId).get()).data
        if (!member) return { error: 'NOT_A_MEMBER' }
        const current = member as Doc & BalanceFields
        const at = new Date(clock.now())
        const outcome = await body(tx, current, at)
        if (typeof outcome === 'string') return { error: outcome }
        if ('repeat' in outcome)
          return {
            entry: outcome.repeat,
            repeated: true,
            ...(outcome.refunds ? { refunds: outcome.refunds } : {}),
          }
        const sealed = chained(sign(), current.ledgerHead, { ...outcome.entry, purpose: PURPOSE })
        await tx.collection(COLLECTIONS.pointsLedger).add({ data: sealed.entry })
        await tx
          .collection(COLLECTIONS.members)
          .doc(memberId)
          .update({ data: { ...outcome.member, ledgerHead: _.set(sealed.head) } })
        await countDay(tx, outcome.entry.storeId, at, outcome.day)
        return {
          entry: sealed.entry,
          repeated: false,
          ...(outcome.balance ? { balance: outcome.balance } : {}),
          ...(outcome.refunds ? { refunds: outcome.refunds } : {}),
        }
      })
    for (let opened = false; ;) {
      try {
        return await rerunOnConflict(attempt, CONFLICT_RUNS)
      } catch (error) {
        if (id !== undefined && isDuplicateKeyError(error)) {
          const { data } = await db.collection(COLLECTIONS.pointsLedger).doc(id).get()
          if (data) return { entry: data as LedgerEntry, repeated: true }
        }
        if (!(error instanceof DayMissing) || opened) throw error
        await openPointsDay(db, error.storeId, error.day)
        opened = true
      }
    }
  }

  /**
   * The refund totals of the earn `earnId`: its `points_refunds` document, or for a purchase
   * refunded before those existed, what its reversal entries add up to (the transaction reads
   * the document again and uses these only while there is none).
   */
  async function refundTotals(earnId: string, memberId: string): Promise<RefundTotals> {
    const stored = await getDoc(db, COLLECTIONS.pointsRefunds, earnId)
    if (stored) return totalsOf(stored as Doc & RefundTotals)
    const { data } = await db
      .collection(COLLECTIONS.pointsLedger)
      .where({ memberId, reverses: earnId })
      .limit(MAX_REFUNDS)
      .get()
    const reversals = data as LedgerEntry[]
    return {
      refundedFen: reversals.reduce((sum, entry) => sum + (entry.refundFen ?? 0), 0),
      reversedPoints: reversals.reduce((sum, entry) => sum + reversedOf(entry), 0),
    }
  }

  /** The member's spend per month within the last 12, with `fen` added to `at`'s month. */
  const spendAfter = (member: BalanceFields, at: Date, fen: number) => {
    const kept = new Set(recentMonths(iso(at)))
    const next: Record<string, number> = {}
    for (const [month, value] of Object.entries(member.spendMonths ?? {}))
      if (kept.has(month)) next[month] = value
    const month = chinaDate(at.getTime()).slice(0, 7)
    next[month] = (next[month] ?? 0) + fen
    return next
  }

  /** The tier a member reaches with `spend` (upgrade at once, never lower): undefined when unchanged. */
  function upgradeFor(
    member: Doc & BalanceFields,
    spend: Record<string, number>,
    at: Date,
    tiers: TierPolicy,
  ) {
    const from = member.tier as Tier | undefined
    if (!from) return undefined
    const spendFen = qualifyingSpend({ ...member, spendMonths: spend }, iso(at))
    const to = upgradeOnly(from, spendFen, tiers)
    return to === from ? undefined : { from, to, spendFen }
  }

  const base = (
    id: string,
    memberId: string,
    kind: EntryKind,
    delta: number,
    {
      reason,
      source,
      actor,
      storeId,
    }: { reason: string; source: EntrySource; actor: string; storeId: string },
    at: Date,
  ) => ({ _id: id, memberId, kind, delta, reason, source, actor, storeId, at })

  /** An entry that takes back (or gives back) what the entry `of` did, under its source and store. */
  const reversalOf = (
    id: string,
    memberId: string,
    delta: number,
    reason: string,
    of: LedgerEntry,
    actor: string,
    at: Date,
  ) => ({
    ...base(id, memberId, 'reverse', delta, { reason, source: of.source, actor, storeId: of.storeId }, at),
    reverses: of._id,
  })

  return {
    /**
     * Points for a purchase (or a bonus): a lot, held for the return window. `score`, when given,
     * decides inside the transaction from the member document read there (the member's state and
     * tier at the moment of the write): a refusal, or the points and their lines.
     */
    async earn(input: {
      memberId: string
      source: EntrySource
      points: number
      storeId: string
      actor: string
      reason?: string
      lines?: EarningLine[]
      amountFen?: number
      /** No hold (sign-up bonus, a card's opening points). */
      immediate?: boolean
      purchase?: PurchaseFacts
      /** Days the lot is held, when the rules in force say so (the policy's otherwise). */
      holdDays?: number
      score?: (
        member: Doc & BalanceFields,
      ) => LedgerError | { points: number; lines: EarningLine[]; purchase?: PurchaseFacts }
    }): Promise<Written> {
      const id = entryId('earn', input.source)
      // Read outside the transaction (cached per instance): the thresholds in force now.
      const tiers = input.amountFen
        ? tierPolicyOf((await rules.at(db, new Date(clock.now()).toISOString()))?.rules)
        : undefined
      return write(id, input.memberId, async (tx, member, at) => {
        const scored = input.score ? input.score(member) : { points: input.points, lines: input.lines }
        if (typeof scored === 'string') return scored
        const points = scored.points
        const purchase = ('purchase' in scored ? scored.purchase : undefined) ?? input.purchase
        const { lots, lot } = earnLot({
          id,
          member,
          points,
          at,
          policy: input.holdDays === undefined ? policy : { ...policy, holdDays: input.holdDays },
          immediate: input.immediate,
        })
        const spend = input.amountFen ? spendAfter(member, at, input.amountFen) : undefined
        const upgrade = spend && tiers ? upgradeFor(member, spend, at, tiers) : undefined
        if (upgrade)
          await tx.collection(COLLECTIONS.tierChanges).add({
            data: tierChange({
              id: `upgrade:${id}`,
              memberId: input.memberId,
              reason: 'upgrade',
              at,
              ...upgrade,
            }),
          })
        return {
          entry: {
            ...base(id, input.memberId, 'earn', points, { ...input, reason: input.reason ?? 'purchase' }, at),
            lot,
            ...(scored.lines ? { lines: scored.lines } : {}),
            ...(input.amountFen !== undefined ? { amountFen: input.amountFen } : {}),
            ...(purchase ? { purchase } : {}),
          },
          member: {
            points: member.points + points,
            ...lotsFields(db, lots),
            ...(spend ? { spendMonths: _.set(spend) } : {}),
            ...(upgrade ? { tier: upgrade.to } : {}),
          },
          day: { issued: points },
        }
      })
    },

    /**
     * Spends available points (a redemption, parking): earliest-expiring lots first. `alongside`
     * writes in the same transaction (a redemption's voucher) and may refuse (nothing written) or
     * add fields of the member document.
     */
    async spend(input: {
      memberId: string
      source: EntrySource
      points: number
      storeId: string
      actor: string
      reason?: string
      /** A redemption's voucher, and the entry's id that names it (else derived from the source). */
      voucher?: { id: string; voucher: EntryVoucher }
      alongside?: (
        tx: DbTransaction,
        member: Doc & BalanceFields,
      ) => Promise<LedgerError | { member: Record<string, unknown> } | undefined>
    }): Promise<Written> {
      const id = input.voucher?.id ?? entryId('spend', input.source)
      return write(id, input.memberId, async (tx, member, at) => {
        const drawn = drain(member.lots ?? [], input.points, iso(at))
        if (!drawn || member.points < input.points) return 'POINTS_INSUFFICIENT'
        const also = input.alongside ? await input.alongside(tx, member) : undefined
        if (typeof also === 'string') return also
        return {
          entry: {
            ...base(
              id,
              input.memberId,
              'spend',
              -input.points,
              { ...input, reason: input.reason ?? 'redemption' },
              at,
            ),
            allocations: drawn.allocations,
            ...(input.voucher ? { voucher: input.voucher.voucher } : {}),
          },
          member: {
            points: member.points - input.points,
            ...lotsFields(db, drawn.tranches),
            ...also?.member,
          },
          day: { spent: input.points },
          balance: { points: member.points - input.points, lots: drawn.tranches },
        }
      })
    },

    /**
     * A manager's adjustment, once per `key` (`adjust:adjustment:<key>`): a positive one is an
     * immediate lot, a negative one drains available points like a spend and is refused when
     * they are not there. Counted as `adjusted` (signed) in the store's day.
     */
    adjust(input: {
      memberId: string
      key: string
      delta: number
      storeId: string
      actor: string
      reason: string
    }): Promise<Written> {
      const source: EntrySource = { kind: 'adjustment', ref: input.key }
      const id = entryId('adjust', source)
      return write(id, input.memberId, async (_tx, member, at) => {
        const entry = base(id, input.memberId, 'adjust', input.delta, { ...input, source }, at)
        const day = { adjusted: input.delta }
        if (input.delta > 0) {
          const { lots, lot } = earnLot({ id, member, points: input.delta, at, policy, immediate: true })
          return {
            entry: { ...entry, lot },
            member: { points: member.points + input.delta, ...lotsFields(db, lots) },
            day,
          }
        }
        const drawn = drain(member.lots ?? [], -input.delta, iso(at))
        if (!drawn || member.points < -input.delta) return 'POINTS_INSUFFICIENT'
        return {
          entry: { ...entry, allocations: drawn.allocations },
          member: { points: member.points + input.delta, ...lotsFields(db, drawn.tranches) },
          day,
        }
      })
    },

    /**
     * Takes back points of the earn `earnSource` for the refund `refundRef` (partial refunds too,
     * each once): from the earn's lot, then the member's other points, then owed or absorbed as
     * `refundPolicy` says. `points` is a number, or decided in the transaction from the earn and
     * the purchase's refund totals (`RefundScore`); the totals move on with the entry. A repeat is
     * answered with the first entry and the totals as they are.
     */
    async reverse(input: {
      memberId: string
      earnSource: EntrySource
      refundRef: string
      points: number | RefundScore
      refundFen?: number
      actor: string
      refundPolicy: RefundPolicy
    }): Promise<Written> {
      const earnId = entryId('earn', input.earnSource)
      const id = `reverse:${earnId}:${input.refundRef}`
      const refundFen = input.refundFen ?? 0
      const derived = await refundTotals(earnId, input.memberId)
      const written = await write(id, input.memberId, async (tx, member, at) => {
        const earned = (await tx.collection(COLLECTIONS.pointsLedger).doc(earnId).get())
          .data as LedgerEntry | null
        if (!earned || earned.memberId !== input.memberId) return 'POINTS_SOURCE_UNKNOWN'
        const stored = (await tx.collection(COLLECTIONS.pointsRefunds).doc(earnId).get()).data as
          (Doc & RefundTotals) | null
        const before = stored ? totalsOf(stored) : derived
        const previous = (await tx.collection(COLLECTIONS.pointsLedger).doc(id).get())
          .data as LedgerEntry | null
        if (previous) return { repeat: previous, refunds: before }
        const points = typeof input.points === 'number' ? input.points : input.points(earned, before)
        if (typeof points === 'string') return points
        const refunds = {
          refundedFen: before.refundedFen + refundFen,
          reversedPoints: before.reversedPoints + points,
        }
        const totals = tx.collection(COLLECTIONS.pointsRefunds)
        // An add, when there were none: a racing first refund's add conflicts with it.
        if (stored) await totals.doc(earnId).update({ data: { ...refunds, updatedAt: at } })
        else
          await totals.add({
            data: { _id: earnId, ...refunds, earnedAt: new Date(earned.at), updatedAt: at },
          })
        const own = { entry: earnId, expiresAt: earned.lot?.expiresAt ?? '' }
        const taken = takeBack(member.lots ?? [], points, iso(at), own)
        const owed = input.refundPolicy === 'negative' ? taken.short : 0
        const absorbed = taken.short - owed
        const delta = -(points - absorbed)
        return {
          entry: {
            ...reversalOf(id, input.memberId, delta, 'refund', earned, input.actor, at),
            allocations: taken.allocations,
            ...(refundFen ? { refundFen } : {}),
            ...(owed ? { owed } : {}),
            ...(absorbed ? { absorbed } : {}),
          },
          member: {
            points: member.points + delta,
            ...lotsFields(db, taken.tranches),
            ...(refundFen ? { spendMonths: _.set(spendAfter(member, at, -refundFen)) } : {}),
          },
          day: { reversed: -delta, absorbed },
          refunds,
        }
      })
      if ('error' in written || written.refunds) return written
      // A repeat found by its refused add (its twin committed in between): the totals now.
      return { ...written, refunds: await refundTotals(earnId, input.memberId) }
    },

    /**
     * Gives back what the spend `spendId` took (a voucher that expired unused), once: to the
     * expiries it was drawn from (what is owed is paid first). `alongside` sees the spend as the
     * transaction read it, writes in the same transaction (the voucher's state, the stock) and
     * may refuse (nothing written).
     */
    giveBack(input: {
      memberId: string
      spendId: string
      reason: string
      actor: string
      alongside: (
        tx: DbTransaction,
        spent: LedgerEntry,
      ) => Promise<LedgerError | { member: Record<string, unknown> } | undefined>
    }): Promise<Written> {
      const { spendId } = input
      const id = `reverse:${spendId}`
      return write(id, input.memberId, async (tx, member, at) => {
        const spent = (await tx.collection(COLLECTIONS.pointsLedger).doc(spendId).get())
          .data as LedgerEntry | null
        if (!spent || spent.memberId !== input.memberId || spent.kind !== 'spend')
          return 'POINTS_SOURCE_UNKNOWN'
        const also = await input.alongside(tx, spent)
        if (typeof also === 'string') return also
        const points = -spent.delta
        const back = putBack(member.lots ?? [], spent.allocations ?? [], Math.max(0, -member.points), iso(at))
        return {
          entry: {
            ...reversalOf(id, input.memberId, points, input.reason, spent, input.actor, at),
            returned: back.returned,
          },
          member: { points: member.points + points, ...lotsFields(db, back.tranches), ...also?.member },
          // The day's spend is net of what came back.
          day: { spent: -points },
        }
      })
    },

    /**
     * Writes off what the member's lots hold past their expiry (the expiry job): one entry for
     * everything due, whose id follows from the member's chain head — a rerun after a crash
     * writes the same entry, a rerun after the commit finds nothing due.
     */
    async expireDue(memberId: string, actor: string): Promise<Written> {
      return write(undefined, memberId, async (_tx, member, at) => {
        const head = member.ledgerHead
        const id = `expire:${head ? `${head.seq}:${head.mac.slice(0, 22)}` : `0:${randomInt(2 ** 40).toString(36)}`}`
        const due = expireDue(member.lots ?? [], iso(at))
        const points = due.expired.reduce((sum, a) => sum + a.points, 0)
        if (points === 0) return 'NOTHING_DUE'
        const storeId = typeof member.storeId === 'string' ? member.storeId : ''
        return {
          entry: {
            ...base(
              id,
              memberId,
              'expire',
              -points,
              { reason: 'expiry', source: { kind: 'expiry', ref: due.expired[0].expiresAt }, actor, storeId },
              at,
            ),
            allocations: due.expired,
          },
          member: { points: member.points - points, ...lotsFields(db, due.tranches) },
          day: { expired: points },
        }
      })
    },
  }
}

export type Ledger = ReturnType<typeof createLedger>
