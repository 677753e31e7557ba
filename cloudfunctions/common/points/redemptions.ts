/**
 * Redemptions of rewards (6.4.2): a voucher is the ledger's spend entry that paid for it.
 *
 * - The spend's entry carries the voucher (`voucher`: code, reward, stores, last day, state) and
 *   is named by its code (`spend:voucher:<code>`): the code is unique because `_id` is, with no
 *   index of its own, and a voucher exists exactly when its points are spent — one document, so a
 *   redemption writes the item's stock, that entry, the member and the day's report shard.
 * - The code follows from the redemption's id (a hash of the member id and the caller's
 *   idempotency key): a retried redeem derives the same code and the ledger answers the entry it
 *   wrote. When another redemption's voucher holds that code (two hashes agreeing on 40 bits),
 *   the next code of the sequence is tried (`codeOf(id, probe)`), the same sequence on a retry.
 * - One item of the stock is taken first, by one conditional update (stock > 0: never below
 *   zero). Then one transaction on the member — the ledger's spend — checks the member's limits
 *   (`rewardsHeld`: vouchers held per reward, `rewardsToday`: per reward on one China day, on the
 *   member document) and writes the entry with its voucher. A refused or repeated spend gives the
 *   item back. A stop between the two loses that item (the catalogue shows one fewer), never
 *   oversells.
 * - The voucher's state is the one part of a ledger entry that changes (the chain's MAC leaves it
 *   out; the points never move with it): verifying and reversing are single conditional updates
 *   on `voucher.status`.
 * - A voucher still unused after its last day expires (the scheduler's points job): in one
 *   transaction it becomes `expired` (its place under the limit goes back), its item goes back to
 *   the stock and its points to the member (`ledger.giveBack`, to the lots they came from): once,
 *   and never for a voucher verified meanwhile (the verification's conditional update and the
 *   transaction exclude each other on the entry).
 */
import { createHash } from 'node:crypto'

import { chinaDate } from '../../../src/domain/dates'
import {
  DEFAULT_VOUCHER_DAYS,
  voucherExpired,
  voucherValidUntil,
  type Reward,
  type RewardKind,
} from '../../../src/domain/points/rewards'
import type { Clock } from '../clock'
import { counterCodeOf } from '../codes'
import { COLLECTIONS, getDoc, type Db } from '../db'
import type { Ledger, LedgerEntry } from './ledger'

const LEDGER = COLLECTIONS.pointsLedger

export interface VoucherUse {
  storeId: string
  staffId: string
  at: Date
}

export type VoucherStatus = 'issued' | 'verified' | 'expired'

/** What a spend entry that is a voucher carries (`entry.voucher`). */
export interface EntryVoucher {
  code: string
  rewardId: string
  rewardName: string
  kind: RewardKind
  /** Stores where the voucher is used; empty: every store. */
  storeIds: string[]
  validDays: number
  /** China date, the voucher's last day. */
  validUntil: string
  status: VoucherStatus
  verification?: VoucherUse
  reversals: (VoucherUse & { reversedBy: string; reversedAt: Date; reason: string })[]
  expiredAt?: Date
}

/** A voucher as the counter, the wallet and the jobs read it: its entry's voucher and points. */
export interface VoucherDoc extends EntryVoucher {
  /** The entry's id (`spend:voucher:<code>`). */
  _id: string
  memberId: string
  points: number
  issuedAt: Date
}

/** The member document's count of a reward's vouchers held (issued or used). */
export const heldField = (rewardId: string) => `rewardsHeld.${rewardId}`

const VOUCHER_PREFIX = 'spend:voucher:'

/** The ledger entry that is the voucher with `code`. */
export const voucherEntryId = (code: string) => `${VOUCHER_PREFIX}${code}`

/** Codes tried for one redemption before giving up (each a 40-bit hash: a second is rare). */
export const CODE_PROBES = 8

/** The `probe`-th code of a redemption: a counter code from a hash of its id. */
export const codeOf = (redemptionId: string, probe: number): string =>
  counterCodeOf(createHash('sha256').update(`${redemptionId}:${probe}`).digest())

/** More vouchers than one member holds; the member's list is one read. */
const MEMBER_MAX = 200

const asVoucher = (entry: LedgerEntry | null): VoucherDoc | null =>
  entry?.voucher
    ? {
        ...entry.voucher,
        _id: entry._id,
        memberId: entry.memberId,
        points: -entry.delta,
        issuedAt: new Date(entry.at),
      }
    : null

export interface RedemptionDeps {
  db: Db
  clock: Clock
}

export function createRedemptions({ db, clock }: RedemptionDeps) {
  const _ = db.command
  const entries = () => db.collection(LEDGER)

  /** The member's pseudonymous id and their random key: a plain hash names nobody. */
  const idOf = (memberId: string, key: string) =>
    `rd-${createHash('sha256').update(`${memberId}:${key}`).digest('hex').slice(0, 32)}`

  async function get(id: string): Promise<VoucherDoc | null> {
    if (!id.startsWith(VOUCHER_PREFIX)) return null
    return asVoucher((await getDoc(db, LEDGER, id)) as LedgerEntry | null)
  }

  return {
    idOf,
    get,
    asVoucher,

    /** The voucher with `code` (the entry named by it). */
    byCode: (code: string) => get(voucherEntryId(code)),

    /** The voucher the redemption `id` made, following its codes (null: none was made). */
    async made(id: string): Promise<VoucherDoc | null> {
      for (let probe = 0; probe < CODE_PROBES; probe++) {
        const entry = (await getDoc(db, LEDGER, voucherEntryId(codeOf(id, probe)))) as LedgerEntry | null
        if (!entry) return null
        if (entry.source.ref === id) return asVoucher(entry)
      }
      return null
    },

    /**
     * The member's vouchers, newest first: among the member's entries (index member_time), so that
     * the earns — most entries — keep one index fewer to write.
     */
    async ofMember(memberId: string): Promise<VoucherDoc[]> {
      const { data } = await entries()
        .where({ memberId, 'voucher.status': _.in(['issued', 'verified', 'expired']) })
        .orderBy('at', 'desc')
        .limit(MEMBER_MAX)
        .get()
      return (data as LedgerEntry[]).map(asVoucher).filter((v): v is VoucherDoc => v !== null)
    },

    /** One item of the reward's stock, by a conditional update (never below zero); false when none is left. */
    async takeOne(rewardId: string): Promise<boolean> {
      const { stats } = await db
        .collection(COLLECTIONS.rewards)
        .where({ _id: rewardId, stock: _.gt(0) })
        .update({ data: { stock: _.inc(-1) } })
      return stats.updated === 1
    },

    /** The item taken for a redemption that did not happen goes back. */
    async putOneBack(rewardId: string): Promise<void> {
      await db
        .collection(COLLECTIONS.rewards)
        .doc(rewardId)
        .update({ data: { stock: _.inc(1) } })
    },

    /** The voucher of `reward` under `code`, issued now (written with its spend). */
    voucherOf(reward: Reward, code: string): EntryVoucher {
      const validDays = reward.validDays ?? DEFAULT_VOUCHER_DAYS
      return {
        code,
        rewardId: reward._id,
        rewardName: reward.name,
        kind: reward.kind,
        storeIds: [...(reward.storeIds ?? [])],
        validDays,
        validUntil: voucherValidUntil(clock.now(), validDays),
        status: 'issued',
        reversals: [],
      }
    },

    /** Issued vouchers whose last day is before today (China date), earliest first (index voucher_due). */
    async pastTheirDay(limit: number): Promise<VoucherDoc[]> {
      const { data } = await entries()
        .where({ 'voucher.status': 'issued', 'voucher.validUntil': _.lt(chinaDate(clock.now())) })
        .orderBy('voucher.validUntil', 'asc')
        .limit(limit)
        .get()
      return (data as LedgerEntry[]).map(asVoucher).filter((v): v is VoucherDoc => v !== null)
    },

    /**
     * Expires an issued voucher past its last day: state, stock and points in one transaction.
     * A member deleted since has no points to take back: the voucher expires and the item
     * returns. Answers whether it expired now (not when it was used or expired meanwhile) and the
     * points given back.
     */
    async expire(
      doc: VoucherDoc,
      ledger: Ledger,
      actor: string,
    ): Promise<{ expired: boolean; points: number }> {
      const changes = { 'voucher.status': 'expired', 'voucher.expiredAt': new Date(clock.now()) }
      const written = await ledger.giveBack({
        memberId: doc.memberId,
        spendId: doc._id,
        reason: 'voucher_expired',
        actor,
        alongside: async (tx, spent) => {
          const current = spent.voucher
          if (current?.status !== 'issued' || !voucherExpired(current.validUntil, clock.now()))
            return 'NOTHING_DUE'
          await tx.collection(LEDGER).doc(doc._id).update({ data: changes })
          await tx
            .collection(COLLECTIONS.rewards)
            .doc(current.rewardId)
            .update({ data: { stock: _.inc(1) } })
          return { member: { [heldField(current.rewardId)]: _.inc(-1) } }
        },
      })
      if (!('error' in written))
        return written.repeated
          ? { expired: false, points: 0 }
          : { expired: true, points: written.entry.delta }
      if (written.error !== 'NOT_A_MEMBER') return { expired: false, points: 0 }
      const { stats } = await entries()
        .where({ _id: doc._id, 'voucher.status': 'issued' })
        .update({ data: changes })
      if (stats.updated !== 1) return { expired: false, points: 0 }
      await db
        .collection(COLLECTIONS.rewards)
        .doc(doc.rewardId)
        .update({ data: { stock: _.inc(1) } })
      return { expired: true, points: 0 }
    },

    /** Issued → verified (of `memberId`'s vouchers when given); false when it was not issued. */
    async verify(id: string, use: VoucherUse, memberId?: string): Promise<boolean> {
      const { stats } = await entries()
        .where({ _id: id, 'voucher.status': 'issued', ...(memberId ? { memberId } : {}) })
        .update({ data: { 'voucher.status': 'verified', 'voucher.verification': use } })
      return stats.updated === 1
    },

    /** Verified by `staffId` → issued again, without a trace (a payment that did not happen). */
    async unuse(id: string, staffId: string): Promise<void> {
      await entries()
        .where({ _id: id, 'voucher.status': 'verified', 'voucher.verification.staffId': staffId })
        .update({ data: { 'voucher.status': 'issued', 'voucher.verification': _.remove() } })
    },

    /** Verified → issued, the reversed verification kept with who reversed it, when and why. */
    async reverse(id: string, use: VoucherUse, by: { staffId: string; at: Date; reason: string }) {
      const reversal = { ...use, reversedBy: by.staffId, reversedAt: by.at, reason: by.reason }
      const { stats } = await entries()
        .where({ _id: id, 'voucher.status': 'verified' })
        .update({
          data: {
            'voucher.status': 'issued',
            'voucher.verification': _.remove(),
            'voucher.reversals': _.addToSet(reversal),
          },
        })
      return stats.updated === 1
    },
  }
}

export type Redemptions = ReturnType<typeof createRedemptions>
