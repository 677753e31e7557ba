/**
 * The points ledger (6.4, DESIGN 5): append-only entries, lots, and the member's balance, written
 * together in one transaction per entry.
 *
 * - An entry's `_id` is its idempotency key, derived from its source and kind
 *   (`earn:pos:<store>:<receipt>`, `spend:redemption:<id>` …): a repeated POS push, a retried
 *   call or a 商圈 notice delivered twelve times finds the entry and answers it, unchanged.
 * - Each earn makes a lot (held for the return window, then available until it expires). Spends
 *   drain available lots earliest expiry first and record the lots they drew from; expiry writes
 *   off what a lot still holds; a refund takes back its purchase's points from their lot, then
 *   from the member's other points, and what is still missing is owed (a negative balance the
 *   member sees) or absorbed by the mall, as the manager's policy says.
 * - The member document holds `points` (every live point, held ones included, less what is
 *   owed), `pointsHeld` (the held lots: when each becomes available) and `spendMonths` (fen per
 *   China month, for the 12-month qualifying spend): what the member centre and the till read,
 *   without reading the ledger.
 * - Daily aggregates per store (`points_days`, sharded so the tills of one store do not all
 *   write one document) are written in the same transaction: the managers' reports never scan
 *   the ledger.
 *
 * Invariant (checked by `reconcile`): points = Σ entries' deltas = Σ lots' remaining − owed,
 * where owed = max(0, −points) and no lot holds points while something is owed.
 */
import { randomInt } from 'node:crypto'

import { chinaDate } from '../../../src/domain/dates'
import { drain, lotDates, type Allocation, type Lot, type LotPolicy } from '../../../src/domain/points/lots'
import type { EarningLine } from '../../../src/domain/points/earning'
import { tierPolicyOf, upgradeOnly, type TierPolicy } from '../../../src/domain/points/tiers'
import type { Tier } from '../../../src/domain/member/model'
import type { Clock } from '../clock'
import {
  COLLECTIONS,
  inTransaction,
  isDuplicateKeyError,
  isTransactionConflict,
  transactionConflict as conflict,
  type Db,
  type DbTransaction,
  type Doc,
} from '../db'
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

export interface LedgerEntry extends Doc {
  _id: string
  memberId: string
  kind: EntryKind
  delta: number
  /** A reason code (`purchase`, `redemption`, `refund`, `expiry`, an adjustment's code …). */
  reason: string
  source: EntrySource
  /** `staff:<id>`, `wx:<hash>`, `device:<id>` or `system:<job>` (audit.ts actors). */
  actor: string
  storeId: string
  at: Date
  /** Earns: the lot it made (its own id) and what the shopper reads. */
  lines?: EarningLine[]
  amountFen?: number
  /** Spends, expiries, reversals, negative adjustments: the lots drawn from. */
  allocations?: Allocation[]
  /** Counter earns: what the purchase was, to refund it under the same rules. */
  purchase?: PurchaseFacts
  /** Reversals: the earn they take back, and the refund's amount. */
  reverses?: string
  refundFen?: number
  /** Reversals: points the member could not give back (owed) or the mall absorbed. */
  owed?: number
  absorbed?: number
}

/** What scored a purchase besides its amount: the rules version, the tier, where it was bought. */
export interface PurchaseFacts {
  rulesVersion: number
  tier: string
  /** ISO time of the purchase as scored (a till's time may be earlier than the entry's). */
  at?: string
  brandId?: string
  counterId?: string
}

export interface LotDoc extends Doc {
  _id: string
  memberId: string
  earned: number
  remaining: number
  availableFrom: Date
  expiresAt: Date
}

const asLot = (doc: LotDoc): Lot => ({
  id: doc._id,
  earned: doc.earned,
  remaining: doc.remaining,
  availableFrom: new Date(doc.availableFrom).toISOString(),
  expiresAt: new Date(doc.expiresAt).toISOString(),
})

interface HeldTranche {
  lotId: string
  until: string
  points: number
}

/** What the ledger keeps on the member document. */
export interface BalanceFields {
  points: number
  pointsHeld?: HeldTranche[]
  spendMonths?: Record<string, number>
}

export type LedgerError = 'POINTS_INSUFFICIENT' | 'POINTS_SOURCE_UNKNOWN' | 'NOT_A_MEMBER'

export type Written = { entry: LedgerEntry; repeated: boolean } | { error: LedgerError }

/** Shards of a store's day in `points_days`: concurrent tills rarely touch the same one. */
export const DAY_SHARDS = 16

/** Transactions (each with the SDK's own reruns) an entry may take when the member is busy. */
const CONFLICT_RUNS = 8

/** Lots a spend reads at most: more than a member holds unspent. */
const MAX_LOTS = 500

/** The refund policy for points already spent (the manager's choice). */
export type RefundPolicy = 'negative' | 'absorb'

export interface LedgerDeps {
  db: Db
  clock: Clock
  policy: LotPolicy
  /** The earning rules' versions, for the tier thresholds in force (a book of its own when absent). */
  rules?: RulesBook
}

/**
 * The lot an earn of `points` makes for a member whose balance is `balance`: what is owed is paid
 * first out of the new points (the lot holds the rest).
 */
export function newLot(input: {
  id: string
  memberId: string
  points: number
  balance: number
  at: Date
  policy: LotPolicy
  immediate?: boolean
}): LotDoc {
  const dates = lotDates(
    input.at.toISOString(),
    input.immediate ? { ...input.policy, holdDays: 0 } : input.policy,
  )
  const owed = Math.max(0, -input.balance)
  return {
    _id: input.id,
    memberId: input.memberId,
    earned: input.points,
    remaining: input.points - Math.min(owed, input.points),
    availableFrom: new Date(dates.availableFrom),
    expiresAt: new Date(dates.expiresAt),
  }
}

export const entryId = (kind: EntryKind, source: EntrySource) => `${kind}:${source.kind}:${source.ref}`

/** The available and held points of a member document at `now`, and the 12-month spend. */
export function balanceOf(member: BalanceFields, now: string): { available: number; pending: number } {
  const pending = (member.pointsHeld ?? [])
    .filter((held) => held.until > now)
    .reduce((sum, held) => sum + held.points, 0)
  return { available: member.points - pending, pending }
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

/**
 * A shard picked afresh by each attempt: two tills that collide on one shard go different ways on
 * their retries (a shard fixed per member would make the same two members collide every time).
 */
function anyShard(): number {
  return randomInt(DAY_SHARDS)
}

type DayCounts = Partial<
  Record<'issued' | 'spent' | 'expired' | 'reversed' | 'adjusted' | 'absorbed', number>
>

export function createLedger(deps: LedgerDeps) {
  const { db, clock, policy } = deps
  const rules = deps.rules ?? createRulesBook(clock)

  /** Live lots of a member, earliest expiry first (read outside the snapshot; rechecked inside). */
  async function liveLots(memberId: string): Promise<Lot[]> {
    const _ = db.command
    const { data } = await db
      .collection(COLLECTIONS.pointsLots)
      .where({ memberId, remaining: _.gt(0) })
      .orderBy('expiresAt', 'asc')
      .limit(MAX_LOTS)
      .get()
    return (data as LotDoc[]).map(asLot)
  }

  async function countDay(tx: DbTransaction, storeId: string, at: Date, counts: DayCounts) {
    const day = chinaDate(at.getTime())
    const id = `${storeId}:${day}:${anyShard()}`
    const ref = tx.collection(COLLECTIONS.pointsDays).doc(id)
    const current = ((await ref.get()).data ?? { storeId, day }) as Doc & DayCounts
    const next: Record<string, unknown> = { storeId, day }
    for (const key of ['issued', 'spent', 'expired', 'reversed', 'adjusted', 'absorbed'] as const)
      next[key] = (current[key] ?? 0) + (counts[key] ?? 0)
    await ref.set({ data: next })
  }

  /**
   * One entry, once: the entry's id is looked up inside the transaction; a concurrent twin loses
   * on the id and answers the winner's entry.
   */
  async function write(
    id: string,
    memberId: string,
    body: (tx: DbTransaction, member: Doc & BalanceFields, at: Date) => Promise<LedgerEntry | LedgerError>,
  ): Promise<Written> {
    const repeat = async (): Promise<Written | undefined> => {
      const { data } = await db.collection(COLLECTIONS.pointsLedger).doc(id).get()
      return data ? { entry: data as LedgerEntry, repeated: true } : undefined
    }
    const attempt = () =>
      inTransaction(db, async (tx): Promise<Written> => {
        const existing = (await tx.collection(COLLECTIONS.pointsLedger).doc(id).get()).data
        if (existing) return { entry: existing as LedgerEntry, repeated: true }
        const member = (await tx.collection(COLLECTIONS.members).doc(memberId).get()).data
        if (!member) return { error: 'NOT_A_MEMBER' }
        const outcome = await body(tx, member as Doc & BalanceFields, new Date(clock.now()))
        if (typeof outcome === 'string') return { error: outcome }
        await tx.collection(COLLECTIONS.pointsLedger).add({ data: outcome })
        return { entry: outcome, repeated: false }
      })
    for (let run = 1; ; run += 1) {
      try {
        return await attempt()
      } catch (error) {
        if (isDuplicateKeyError(error)) {
          const found = await repeat()
          if (found) return found
        }
        // The member's balance is a hot document at the till: a conflict that outlived the SDK's
        // reruns waits a random moment and tries again, a bounded number of times.
        if (!isTransactionConflict(error) || run === CONFLICT_RUNS) throw error
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * run))
      }
    }
  }

  /**
   * Draws `allocations` from their lots inside `tx`. The allocations were planned from lots read
   * outside the transaction's snapshot: when a lot no longer holds its share, nothing is written
   * and the transaction reruns with a fresh plan (a conflict), never committing part of a draw.
   */
  async function drawFrom(tx: DbTransaction, allocations: Allocation[]): Promise<void> {
    const lots = tx.collection(COLLECTIONS.pointsLots)
    const current: LotDoc[] = []
    for (const { lotId, points } of allocations) {
      const lot = (await lots.doc(lotId).get()).data as LotDoc | null
      if (!lot || lot.remaining < points) throw conflict()
      current.push(lot)
    }
    for (const [i, { points }] of allocations.entries())
      await lots.doc(current[i]._id).update({ data: { remaining: current[i].remaining - points } })
  }

  /** The held tranches still held at `now`, less what `allocations` drew from them. */
  function heldAfter(member: BalanceFields, now: string, allocations: Allocation[] = []): HeldTranche[] {
    return (member.pointsHeld ?? [])
      .filter((held) => held.until > now)
      .map((held) => {
        const drawn = allocations.filter((a) => a.lotId === held.lotId).reduce((sum, a) => sum + a.points, 0)
        return { ...held, points: held.points - drawn }
      })
      .filter((held) => held.points > 0)
  }

  /** The member's spend per month within the last 12, with `fen` added to `at`'s month. */
  const spendAfter = (member: BalanceFields, at: Date, fen: number) => {
    const kept = new Set(recentMonths(at.toISOString()))
    const next: Record<string, number> = {}
    for (const [month, value] of Object.entries(member.spendMonths ?? {}))
      if (kept.has(month)) next[month] = value
    const month = chinaDate(at.getTime()).slice(0, 7)
    next[month] = (next[month] ?? 0) + fen
    return next
  }
  const months = (member: BalanceFields, at: Date, fen: number) => db.command.set(spendAfter(member, at, fen))

  /** The tier a member reaches with `spend` (upgrade at once, never lower): undefined when unchanged. */
  function upgradeFor(
    member: Doc & BalanceFields,
    spend: Record<string, number>,
    at: Date,
    tiers: TierPolicy,
  ) {
    const from = member.tier as Tier | undefined
    if (!from) return undefined
    const spendFen = qualifyingSpend({ ...member, spendMonths: spend }, at.toISOString())
    const to = upgradeOnly(from, spendFen, tiers)
    return to === from ? undefined : { from, to, spendFen }
  }

  return {
    /** Points for a purchase (or a bonus): a lot, held for the return window. */
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
    }): Promise<Written> {
      const id = entryId('earn', input.source)
      // Read outside the transaction (cached per instance): the thresholds in force now.
      const tiers = input.amountFen
        ? tierPolicyOf((await rules.at(db, new Date(clock.now()).toISOString()))?.rules)
        : undefined
      return write(id, input.memberId, async (tx, member, at) => {
        const lot = newLot({
          id,
          memberId: input.memberId,
          points: input.points,
          balance: member.points,
          at,
          policy: input.holdDays === undefined ? policy : { ...policy, holdDays: input.holdDays },
          immediate: input.immediate,
        })
        await tx.collection(COLLECTIONS.pointsLots).add({ data: lot })
        const intoLot = lot.remaining
        const dates = { availableFrom: lot.availableFrom.toISOString() }
        const held = heldAfter(member, at.toISOString())
        if (intoLot > 0 && dates.availableFrom > at.toISOString())
          held.push({ lotId: id, until: dates.availableFrom, points: intoLot })
        const spend = input.amountFen ? spendAfter(member, at, input.amountFen) : undefined
        const upgrade = spend && tiers ? upgradeFor(member, spend, at, tiers) : undefined
        await tx
          .collection(COLLECTIONS.members)
          .doc(input.memberId)
          .update({
            data: {
              points: member.points + input.points,
              pointsHeld: held,
              ...(spend ? { spendMonths: db.command.set(spend) } : {}),
              ...(upgrade ? { tier: upgrade.to } : {}),
            },
          })
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
        await countDay(tx, input.storeId, at, { issued: input.points })
        return {
          _id: id,
          memberId: input.memberId,
          kind: 'earn',
          delta: input.points,
          reason: input.reason ?? 'purchase',
          source: input.source,
          actor: input.actor,
          storeId: input.storeId,
          at,
          ...(input.lines ? { lines: input.lines } : {}),
          ...(input.amountFen !== undefined ? { amountFen: input.amountFen } : {}),
          ...(input.purchase ? { purchase: input.purchase } : {}),
        }
      })
    },

    /** Spends available points (a redemption, parking): earliest-expiring lots first. */
    async spend(input: {
      memberId: string
      source: EntrySource
      points: number
      storeId: string
      actor: string
      reason?: string
    }): Promise<Written> {
      const id = entryId('spend', input.source)
      return write(id, input.memberId, async (tx, member, at) => {
        const now = at.toISOString()
        if (balanceOf(member, now).available < input.points) return 'POINTS_INSUFFICIENT'
        const allocations = drain(await liveLots(input.memberId), input.points, now)
        if (!allocations) return 'POINTS_INSUFFICIENT'
        await drawFrom(tx, allocations)
        await tx
          .collection(COLLECTIONS.members)
          .doc(input.memberId)
          .update({ data: { points: member.points - input.points, pointsHeld: heldAfter(member, now) } })
        await countDay(tx, input.storeId, at, { spent: input.points })
        return {
          _id: id,
          memberId: input.memberId,
          kind: 'spend',
          delta: -input.points,
          reason: input.reason ?? 'redemption',
          source: input.source,
          actor: input.actor,
          storeId: input.storeId,
          at,
          allocations,
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
      return write(id, input.memberId, async (tx, member, at) => {
        const now = at.toISOString()
        const entry: LedgerEntry = {
          _id: id,
          memberId: input.memberId,
          kind: 'adjust',
          delta: input.delta,
          reason: input.reason,
          source,
          actor: input.actor,
          storeId: input.storeId,
          at,
        }
        let held = heldAfter(member, now)
        if (input.delta > 0) {
          const lot = newLot({
            id,
            memberId: input.memberId,
            points: input.delta,
            balance: member.points,
            at,
            policy,
            immediate: true,
          })
          await tx.collection(COLLECTIONS.pointsLots).add({ data: lot })
        } else {
          const points = -input.delta
          if (balanceOf(member, now).available < points) return 'POINTS_INSUFFICIENT'
          const allocations = drain(await liveLots(input.memberId), points, now)
          if (!allocations) return 'POINTS_INSUFFICIENT'
          await drawFrom(tx, allocations)
          entry.allocations = allocations
          held = heldAfter(member, now, allocations)
        }
        await tx
          .collection(COLLECTIONS.members)
          .doc(input.memberId)
          .update({ data: { points: member.points + input.delta, pointsHeld: held } })
        await countDay(tx, input.storeId, at, { adjusted: input.delta })
        return entry
      })
    },

    /**
     * Takes back `points` of the earn `earnSource` for the refund `refundRef` (partial refunds
     * too, each once): from the earn's lot, then the member's other live points, then owed or
     * absorbed as `refundPolicy` says.
     */
    async reverse(input: {
      memberId: string
      earnSource: EntrySource
      refundRef: string
      points: number
      refundFen?: number
      actor: string
      refundPolicy: RefundPolicy
    }): Promise<Written> {
      const earnId = entryId('earn', input.earnSource)
      const id = `reverse:${earnId}:${input.refundRef}`
      return write(id, input.memberId, async (tx, member, at) => {
        const earned = (await tx.collection(COLLECTIONS.pointsLedger).doc(earnId).get())
          .data as LedgerEntry | null
        if (!earned || earned.memberId !== input.memberId) return 'POINTS_SOURCE_UNKNOWN'
        const now = at.toISOString()
        const lots = await liveLots(input.memberId)
        // Its own lot first, then the others (held ones too), earliest expiry first.
        const ordered: Lot[] = [
          ...lots.filter((lot) => lot.id === earnId),
          ...lots.filter((lot) => lot.id !== earnId),
        ]
        const allocations: Allocation[] = []
        let left = input.points
        for (const lot of ordered) {
          if (left === 0) break
          const take = Math.min(lot.remaining, left)
          allocations.push({ lotId: lot.id, points: take })
          left -= take
        }
        // The lots were read outside the snapshot: a lot that changed since reruns the transaction.
        await drawFrom(tx, allocations)
        const owed = input.refundPolicy === 'negative' ? left : 0
        const absorbed = left - owed
        const delta = -(input.points - absorbed)
        await tx
          .collection(COLLECTIONS.members)
          .doc(input.memberId)
          .update({
            data: {
              points: member.points + delta,
              pointsHeld: heldAfter(member, now, allocations),
              ...(input.refundFen ? { spendMonths: months(member, at, -input.refundFen) } : {}),
            },
          })
        await countDay(tx, earned.storeId, at, { reversed: -delta, absorbed })
        return {
          _id: id,
          memberId: input.memberId,
          kind: 'reverse',
          delta,
          reason: 'refund',
          source: earned.source,
          actor: input.actor,
          storeId: earned.storeId,
          at,
          allocations,
          reverses: earnId,
          ...(input.refundFen ? { refundFen: input.refundFen } : {}),
          ...(owed ? { owed } : {}),
          ...(absorbed ? { absorbed } : {}),
        }
      })
    },

    /** Writes off what an expired lot still holds (the expiry job; once per lot). */
    async expireLot(lot: LotDoc, actor: string): Promise<Written> {
      const id = `expire:${lot._id}`
      return write(id, lot.memberId, async (tx, member, at) => {
        const current = (await tx.collection(COLLECTIONS.pointsLots).doc(lot._id).get()).data as LotDoc | null
        if (!current || current.remaining === 0 || new Date(current.expiresAt) >= at)
          return 'POINTS_SOURCE_UNKNOWN'
        const points = current.remaining
        await tx
          .collection(COLLECTIONS.pointsLots)
          .doc(lot._id)
          .update({ data: { remaining: 0 } })
        await tx
          .collection(COLLECTIONS.members)
          .doc(lot.memberId)
          .update({
            data: { points: member.points - points, pointsHeld: heldAfter(member, at.toISOString()) },
          })
        const storeId = typeof member.storeId === 'string' ? member.storeId : ''
        await countDay(tx, storeId, at, { expired: points })
        return {
          _id: id,
          memberId: lot.memberId,
          kind: 'expire',
          delta: -points,
          reason: 'expiry',
          source: { kind: 'expiry', ref: lot._id },
          actor,
          storeId,
          at,
          allocations: [{ lotId: lot._id, points }],
        }
      })
    },
  }
}

export type Ledger = ReturnType<typeof createLedger>
