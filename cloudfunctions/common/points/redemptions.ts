/**
 * Redemptions of rewards (6.4.2) and the vouchers they issue (`redemptions/<id>`).
 *
 * - The `_id` is a hash of the member id and the caller's idempotency key: a retried redeem
 *   finds its redemption and answers the same voucher (or the same refusal).
 * - One item of the stock is taken first, by one conditional update (stock > 0: never below
 *   zero). Then one transaction on the member — the ledger's spend — checks the member's limits
 *   (`rewardsHeld`: redemptions held per reward, `rewardsToday`: per reward on one China day, on
 *   the member document), adds the voucher, issued, and writes the spend: the voucher exists
 *   exactly when its points are spent. A refused or repeated spend gives the item back. A stop
 *   between the two loses that item (the catalogue shows one fewer), never oversells.
 * - Redemptions made before (`reserved` first, then `issued`, places under the limit as unique
 *   `slot`s) are settled by the scheduler after REDEMPTION_SETTLE_MS: points spent → issued;
 *   otherwise released (stock and place back).
 * - The voucher's code (8 Crockford characters) is unique (index `code`); verifying and reversing
 *   are single conditional updates on `status`.
 * - A voucher still unused after its last day expires (the scheduler's points job): in one
 *   transaction it becomes `expired` (its place under the limit goes back), its item goes back
 *   to the stock and its points to the member (`ledger.giveBack`, to the lots they came from):
 *   once, and never for a voucher verified meanwhile (the verification's conditional update and
 *   the transaction exclude each other on the voucher's document).
 */
import { createHash } from 'node:crypto'

import { chinaDate } from '../../../src/domain/dates'
import type { ErrorCode } from '../../../src/domain/errors'
import {
  DEFAULT_VOUCHER_DAYS,
  REDEMPTION_SETTLE_MS,
  voucherExpired,
  voucherValidUntil,
  type Reward,
  type RewardKind,
} from '../../../src/domain/points/rewards'
import type { Clock } from '../clock'
import { newCounterCode } from '../codes'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../db'
import { entryId, type Ledger } from './ledger'

const REDEMPTIONS = COLLECTIONS.redemptions

export interface VoucherUse {
  storeId: string
  staffId: string
  at: Date
}

export interface RedemptionDoc extends Doc {
  _id: string
  memberId: string
  rewardId: string
  rewardName: string
  kind: RewardKind
  points: number
  /** Stores where the voucher is used; empty: every store. */
  storeIds: string[]
  /** `<reward>:<member>:<n>` while the redemption holds a place under the limit; its own id once released. */
  slot: string
  code: string
  status: 'reserved' | 'issued' | 'verified' | 'released' | 'expired'
  stockTaken: boolean
  createdAt: Date
  validDays: number
  issuedAt?: Date
  /** China date, the voucher's last day. */
  validUntil?: string
  /**
   * Counted in the member's `rewardsHeld` (redemptions made in one transaction with their spend):
   * its expiry takes it off the count.
   */
  counted?: boolean
  /** Why a released redemption was refused (answered again to a retry). */
  failure?: ErrorCode
  verification?: VoucherUse
  reversals: (VoucherUse & { reversedBy: string; reversedAt: Date; reason: string })[]
}

/** The member document's count of a reward's redemptions held (issued or used). */
export const heldField = (rewardId: string) => `rewardsHeld.${rewardId}`

/** Redemptions that hold a place under their reward's limit. */
export const HOLDING: RedemptionDoc['status'][] = ['reserved', 'issued', 'verified']

/** More redemptions than one member holds; the member's list is one read. */
const MEMBER_MAX = 200

export interface RedemptionDeps {
  db: Db
  clock: Clock
}

export function createRedemptions({ db, clock }: RedemptionDeps) {
  const _ = db.command
  const docs = () => db.collection(REDEMPTIONS)

  /** The member's pseudonymous id and their random key: a plain hash names nobody. */
  const idOf = (memberId: string, key: string) =>
    `rd-${createHash('sha256').update(`${memberId}:${key}`).digest('hex').slice(0, 32)}`

  async function get(id: string): Promise<RedemptionDoc | null> {
    return (await getDoc(db, REDEMPTIONS, id)) as RedemptionDoc | null
  }

  /** The member's redemptions, newest first (index member_time). */
  async function ofMember(memberId: string): Promise<RedemptionDoc[]> {
    const { data } = await docs().where({ memberId }).orderBy('createdAt', 'desc').limit(MEMBER_MAX).get()
    return data as RedemptionDoc[]
  }

  /** One item of the reward's stock, by a conditional update (never below zero); false when none is left. */
  async function takeOne(rewardId: string): Promise<boolean> {
    const { stats } = await db
      .collection(COLLECTIONS.rewards)
      .where({ _id: rewardId, stock: _.gt(0) })
      .update({ data: { stock: _.inc(-1) } })
    return stats.updated === 1
  }

  /** The item taken for a redemption that did not happen goes back. */
  async function putOneBack(rewardId: string): Promise<void> {
    await db
      .collection(COLLECTIONS.rewards)
      .doc(rewardId)
      .update({ data: { stock: _.inc(1) } })
  }

  /** A redemption of `reward` for the member's key, issued now (written with its spend). */
  function issuedDoc(input: { memberId: string; key: string; reward: Reward }): RedemptionDoc {
    const { memberId, reward } = input
    const _id = idOf(memberId, input.key)
    const now = clock.now()
    const validDays = reward.validDays ?? DEFAULT_VOUCHER_DAYS
    return {
      _id,
      memberId,
      rewardId: reward._id,
      rewardName: reward.name,
      kind: reward.kind,
      points: reward.points,
      storeIds: [...(reward.storeIds ?? [])],
      slot: _id,
      code: newCounterCode(),
      status: 'issued',
      stockTaken: true,
      counted: true,
      createdAt: new Date(now),
      validDays,
      issuedAt: new Date(now),
      validUntil: voucherValidUntil(now, validDays),
      reversals: [],
    }
  }

  /** Reserved → released with the refusal; the stock (if taken) and the slot go back. */
  async function release(doc: RedemptionDoc, failure: ErrorCode): Promise<void> {
    const { stats } = await docs()
      .where({ _id: doc._id, status: 'reserved' })
      .update({ data: { status: 'released', failure, slot: doc._id } })
    if (stats.updated === 1 && doc.stockTaken)
      await db
        .collection(COLLECTIONS.rewards)
        .doc(doc.rewardId)
        .update({ data: { stock: _.inc(1) } })
  }

  /** Reserved → issued: the voucher can be used from now to its last day. */
  async function issue(doc: RedemptionDoc): Promise<RedemptionDoc> {
    const now = clock.now()
    const data = {
      status: 'issued' as const,
      issuedAt: new Date(now),
      validUntil: voucherValidUntil(now, doc.validDays),
    }
    await docs().where({ _id: doc._id, status: 'reserved' }).update({ data })
    return (await get(doc._id)) ?? { ...doc, ...data }
  }

  /** The spend of a redemption's points, as the ledger wrote it (or null). */
  async function spent(doc: RedemptionDoc) {
    const { data } = await db
      .collection(COLLECTIONS.pointsLedger)
      .doc(entryId('spend', { kind: 'redemption', ref: doc._id }))
      .get()
    return data ?? null
  }

  /**
   * Settles a redemption left reserved for longer than REDEMPTION_SETTLE_MS: the points were spent
   * → the voucher is issued; else it is released (stock and slot back).
   */
  async function settle(doc: RedemptionDoc): Promise<RedemptionDoc> {
    if (doc.status !== 'reserved' || clock.now() - new Date(doc.createdAt).getTime() < REDEMPTION_SETTLE_MS)
      return doc
    if (await spent(doc)) return issue(doc)
    await release(doc, 'INTERNAL')
    return (await get(doc._id)) ?? doc
  }

  return {
    idOf,
    get,
    ofMember,
    takeOne,
    putOneBack,
    issuedDoc,
    release,
    issue,
    settle,

    async byCode(code: string): Promise<RedemptionDoc | null> {
      const { data } = await docs().where({ code }).limit(1).get()
      return (data[0] as RedemptionDoc | undefined) ?? null
    },

    /** Reservations older than REDEMPTION_SETTLE_MS (index status_time), oldest first. */
    async stale(limit: number): Promise<RedemptionDoc[]> {
      const { data } = await docs()
        .where({ status: 'reserved', createdAt: _.lt(new Date(clock.now() - REDEMPTION_SETTLE_MS)) })
        .orderBy('createdAt', 'asc')
        .limit(limit)
        .get()
      return data as RedemptionDoc[]
    },

    /** Issued vouchers whose last day is before today (China date), earliest first (index status_valid). */
    async pastTheirDay(limit: number): Promise<RedemptionDoc[]> {
      const { data } = await docs()
        .where({ status: 'issued', validUntil: _.lt(chinaDate(clock.now())) })
        .orderBy('validUntil', 'asc')
        .limit(limit)
        .get()
      return data as RedemptionDoc[]
    },

    /**
     * Expires an issued voucher past its last day: state, stock and points in one transaction.
     * A member deleted since has no points to take back: the voucher expires and the item
     * returns. Answers whether it expired now (not when it was used or expired meanwhile) and the
     * points given back.
     */
    async expire(
      doc: RedemptionDoc,
      ledger: Ledger,
      actor: string,
    ): Promise<{ expired: boolean; points: number }> {
      const changes = { status: 'expired' as const, slot: doc._id, expiredAt: new Date(clock.now()) }
      const due = (current: RedemptionDoc | null) =>
        current !== null &&
        current.status === 'issued' &&
        current.validUntil !== undefined &&
        voucherExpired(current.validUntil, clock.now())
      const written = await ledger.giveBack({
        memberId: doc.memberId,
        spendSource: { kind: 'redemption', ref: doc._id },
        reason: 'voucher_expired',
        actor,
        alongside: async (tx) => {
          const current = (await tx.collection(REDEMPTIONS).doc(doc._id).get()).data as RedemptionDoc | null
          if (!current || !due(current)) return 'NOTHING_DUE'
          await tx.collection(REDEMPTIONS).doc(doc._id).update({ data: changes })
          if (current.stockTaken)
            await tx
              .collection(COLLECTIONS.rewards)
              .doc(current.rewardId)
              .update({ data: { stock: _.inc(1) } })
          return current.counted ? { member: { [heldField(current.rewardId)]: _.inc(-1) } } : undefined
        },
      })
      if (!('error' in written))
        return written.repeated
          ? { expired: false, points: 0 }
          : { expired: true, points: written.entry.delta }
      if (written.error !== 'NOT_A_MEMBER') return { expired: false, points: 0 }
      const { stats } = await docs().where({ _id: doc._id, status: 'issued' }).update({ data: changes })
      if (stats.updated !== 1) return { expired: false, points: 0 }
      if (doc.stockTaken)
        await db
          .collection(COLLECTIONS.rewards)
          .doc(doc.rewardId)
          .update({ data: { stock: _.inc(1) } })
      return { expired: true, points: 0 }
    },

    /** Issued → verified; false when it was verified meanwhile. */
    async verify(id: string, use: VoucherUse): Promise<boolean> {
      const { stats } = await docs()
        .where({ _id: id, status: 'issued' })
        .update({ data: { status: 'verified', verification: use } })
      return stats.updated === 1
    },

    /** Verified → issued, the reversed verification kept with who reversed it, when and why. */
    async reverse(id: string, use: VoucherUse, by: { staffId: string; at: Date; reason: string }) {
      const reversal = { ...use, reversedBy: by.staffId, reversedAt: by.at, reason: by.reason }
      const { stats } = await docs()
        .where({ _id: id, status: 'verified' })
        .update({ data: { status: 'issued', verification: _.remove(), reversals: _.addToSet(reversal) } })
      return stats.updated === 1
    },
  }
}

export type Redemptions = ReturnType<typeof createRedemptions>
