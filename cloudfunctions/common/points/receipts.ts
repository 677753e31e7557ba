/**
 * A store receipt's points, whichever way it arrives (issue #11): the counter (staff function),
 * the store's POS (ingest function) and the receipt photo all score it here, under the rules
 * version in force at the purchase and the member's tier, and write it to the ledger under one
 * source, `{ kind: 'receipt', ref: '<storeId>:<receiptNo>' }`: one receipt earns once. Refunds
 * take back the refunded part under the version that scored it, each refund once (refunds.ts).
 *
 * Whom points are written for: active members whose basic consent (`membership`) holds now; a
 * child waiting for a guardian is not active. Every write is recorded by its ledger entry — the
 * actor (a staff member, a device), the purpose `membership`, the source — chained under the audit
 * signing key (ledger.ts); the audit log does not repeat it.
 */
import { allows } from '../../../src/domain/consent/rules'
import type { AwardAnswer, RefundAnswer } from '../../../src/domain/contracts/points'
import { fail, failScored, ok, type Failure, type Result } from '../../../src/domain/errors'
import { earn, type EarningMember, type Purchase } from '../../../src/domain/points/earning'
import { DEFAULT_LOT_POLICY } from '../../../src/domain/points/lots'
import type { Clock } from '../clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../db'
import { birthdayAt } from '../members/birthday'
import type { MemberDoc } from '../members/model'
import type { Vault } from '../vault'
import {
  createLedger,
  entryId,
  reversedOf,
  type EntrySource,
  type LedgerEntry,
  type PurchaseFacts,
  type Written,
} from './ledger'
import { refundScore } from './refunds'
import type { RulesBook, RulesVersionDoc } from './rules'

export interface ReceiptDeps {
  db: Db
  clock: Clock
  rules: RulesBook
  /** The birthday marks' key (members/birthday.ts). */
  vault: Vault
}

const PURPOSE = 'membership' as const

interface CounterDoc extends Doc {
  storeId: string
  brand?: string
  status: 'open' | 'closed'
}

export const isFailure = (value: object): value is Failure => (value as Failure).ok === false

/** The ledger source of a store receipt: the same for the counter, the POS and the photo. */
export const receiptSource = (storeId: string, receiptNo: string): EntrySource => ({
  kind: 'receipt',
  ref: `${storeId}:${receiptNo}`,
})

/**
 * What scoring needs of a member record for a purchase at `at`: the tier, and whether the day is
 * the birthday, from the record's birthday marks (the birth date stays encrypted).
 */
export function earningMemberOf(vault: Vault, member: MemberDoc, at: string): EarningMember {
  const birthday = birthdayAt(vault, member, at)
  return { tier: member.tier, ...(birthday ? { birthday } : {}) }
}

/**
 * What scored a purchase, kept with its earn: a refund scores it again the same way. The birthday
 * is kept only when the rules have a birthday multiplier and the day was the birthday or in the
 * birth month: nothing about it is recorded that did not count.
 */
export function purchaseFacts(
  version: Pick<RulesVersionDoc, 'version' | 'rules'>,
  who: EarningMember,
  purchase: Purchase,
): PurchaseFacts {
  const { birthday } = who
  const counted =
    birthday !== undefined &&
    (birthday.day || birthday.month) &&
    version.rules.multipliers.some((rule) => rule.kind === 'birthday')
  return {
    rulesVersion: version.version,
    tier: who.tier,
    at: purchase.at,
    ...(purchase.brandId ? { brandId: purchase.brandId } : {}),
    ...(purchase.counterId ? { counterId: purchase.counterId } : {}),
    ...(counted ? { birthday } : {}),
  }
}

/** A purchase ready to score: the member's tier is the one the ledger's transaction reads. */
export interface Scoring {
  memberId: string
  purchase: Purchase
  version: RulesVersionDoc
  storeId: string
}

export interface PurchaseInput {
  amountFen: number
  storeId: string
  /** ISO time of the purchase: the rules in force then score it. */
  at: string
  brandId?: string
  counterId?: string
}

export function createReceipts(deps: ReceiptDeps) {
  const { db, clock, rules, vault } = deps
  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY, rules })

  /** A member points may be written for: active, basic consent holding now. */
  async function servable(ref: string, field = 'ref'): Promise<MemberDoc | Failure> {
    const record = (await getDoc(db, COLLECTIONS.members, ref)) as MemberDoc | null
    if (!record || record.status !== 'active') return fail('LOOKUP_MEMBER_UNKNOWN', field)
    if (!allows(record, PURPOSE)) return fail('PURPOSE_CONSENT_REQUIRED', PURPOSE)
    return record
  }

  /** The purchase as scored: the counter's brand when it names one. */
  async function purchaseOf(input: PurchaseInput): Promise<Purchase | Failure> {
    const purchase: Purchase = { amountFen: input.amountFen, at: input.at, storeId: input.storeId }
    if (input.counterId) {
      const counter = (await getDoc(db, COLLECTIONS.storeCounters, input.counterId)) as CounterDoc | null
      if (!counter || counter.storeId !== input.storeId || counter.status !== 'open')
        return fail('COUNTER_UNKNOWN', 'counterId')
      purchase.counterId = input.counterId
      if (counter.brand) purchase.brandId = counter.brand
    }
    if (input.brandId && !purchase.brandId) purchase.brandId = input.brandId
    return purchase
  }

  /** How a member's purchase scores: the purchase and the rules version in force at it. */
  async function score(memberId: string, input: PurchaseInput): Promise<Scoring | Failure> {
    const purchase = await purchaseOf(input)
    if (isFailure(purchase)) return purchase
    const version = await rules.at(db, purchase.at)
    if (!version) return fail('POINTS_RULES_MISSING')
    return { memberId, purchase, version, storeId: input.storeId }
  }

  /** The ledger's refusal as an answer; `memberField` names the input that named the member. */
  const ledgerFailure = (written: Written, field?: string, memberField = 'ref'): Failure | null => {
    if (!('error' in written)) return null
    if (written.error === 'POINTS_INSUFFICIENT') return fail('POINTS_INSUFFICIENT', field)
    if (written.error === 'NOT_A_MEMBER' || written.error === 'LOOKUP_MEMBER_UNKNOWN')
      return fail('LOOKUP_MEMBER_UNKNOWN', memberField)
    if (written.error === 'PURPOSE_CONSENT_REQUIRED') return fail('PURPOSE_CONSENT_REQUIRED', PURPOSE)
    return fail('POINTS_SOURCE_UNKNOWN', field)
  }

  async function versionOf(entry: LedgerEntry): Promise<RulesVersionDoc | undefined> {
    const versions = await rules.versions(db)
    return (
      versions.find((v) => v.version === entry.purchase?.rulesVersion) ??
      (await rules.at(db, new Date(entry.at).toISOString()))
    )
  }

  /** The earn entry of a receipt, if it was awarded. */
  const awarded = async (storeId: string, receiptNo: string) =>
    (await getDoc(
      db,
      COLLECTIONS.pointsLedger,
      entryId('earn', receiptSource(storeId, receiptNo)),
    )) as LedgerEntry | null

  /** What an award answers, for the first award or a repeat of it. */
  function awardAnswer(
    entry: LedgerEntry,
    receiptNo: string,
    repeated: boolean,
    fallback: { amountFen: number; version: number },
  ): AwardAnswer {
    return {
      receiptNo,
      points: entry.delta,
      lines: entry.lines ?? [],
      amountFen: entry.amountFen ?? fallback.amountFen,
      version: entry.purchase?.rulesVersion ?? fallback.version,
      repeated,
      availableFrom: entry.lot?.availableFrom ?? new Date(entry.at).toISOString(),
    }
  }

  return {
    servable,
    score,
    ledgerFailure,
    awarded,

    /** The points a scored purchase earns for `member`, without writing them (the counter's preview). */
    preview(member: MemberDoc, { purchase, version }: Scoring) {
      const earned = earn(purchase, earningMemberOf(vault, member, purchase.at), version.rules)
      return { ...earned, amountFen: purchase.amountFen, version: version.version }
    },

    /**
     * A receipt already awarded, answered as a repeat when `amountFen` (and the member, when
     * known) are the first award's; another amount or member is RECEIPT_ALREADY_SCORED.
     */
    async repeatOf(
      entry: LedgerEntry,
      receiptNo: string,
      amountFen: number,
      memberId?: string,
    ): Promise<Result<AwardAnswer>> {
      if ((memberId !== undefined && entry.memberId !== memberId) || entry.amountFen !== amountFen)
        return failScored(entry.amountFen ?? 0, 'receiptNo')
      return ok(awardAnswer(entry, receiptNo, true, { amountFen, version: 0 }))
    },

    /**
     * Awards a scored receipt once: a repeat answers the first award. Whom and how much are
     * decided inside the ledger's transaction, on the member document it reads: an active member
     * whose basic consent holds, scored at their tier. The entry is the record of the write.
     */
    async award(
      scoring: Scoring,
      receiptNo: string,
      actor: string,
      memberField = 'ref',
    ): Promise<Result<AwardAnswer>> {
      const { memberId, purchase, version, storeId } = scoring
      const written = await ledger.earn({
        memberId,
        source: receiptSource(storeId, receiptNo),
        points: 0,
        storeId,
        actor,
        reason: 'purchase',
        amountFen: purchase.amountFen,
        holdDays: version.holdDays,
        score: (doc) => {
          const member = doc as unknown as MemberDoc
          if (member.status !== 'active') return 'LOOKUP_MEMBER_UNKNOWN'
          if (!allows(member, PURPOSE)) return 'PURPOSE_CONSENT_REQUIRED'
          const who = earningMemberOf(vault, member, purchase.at)
          const earned = earn(purchase, who, version.rules)
          return {
            points: earned.points,
            lines: earned.lines,
            purchase: purchaseFacts(version, who, purchase),
          }
        },
      })
      const refused = ledgerFailure(written, undefined, memberField)
      if (refused || 'error' in written) return refused ?? fail('INTERNAL')
      const { entry, repeated } = written
      if (repeated && (entry.memberId !== memberId || entry.amountFen !== purchase.amountFen))
        return failScored(entry.amountFen ?? 0, 'receiptNo')
      return ok(
        awardAnswer(entry, receiptNo, repeated, { amountFen: purchase.amountFen, version: version.version }),
      )
    },

    /** Takes back the points of a refunded part of a receipt, once per refund reference. */
    async refund(input: {
      storeId: string
      receiptNo: string
      refundRef: string
      refundFen: number
      actor: string
    }): Promise<Result<RefundAnswer>> {
      const earnSource = receiptSource(input.storeId, input.receiptNo)
      const earnId = entryId('earn', earnSource)
      const earned = (await getDoc(db, COLLECTIONS.pointsLedger, earnId)) as LedgerEntry | null
      if (!earned || earned.amountFen === undefined) return fail('POINTS_SOURCE_UNKNOWN', 'receiptNo')
      const version = await versionOf(earned)
      if (!version) return fail('POINTS_SOURCE_UNKNOWN', 'receiptNo')
      const written = await ledger.reverse({
        memberId: earned.memberId,
        earnSource,
        refundRef: input.refundRef,
        points: refundScore({ refundFen: input.refundFen, rules: version.rules }),
        refundFen: input.refundFen,
        actor: input.actor,
        refundPolicy: version.refundPolicy,
      })
      if ('error' in written && written.error === 'REFUND_EXCEEDS_PURCHASE')
        return fail('REFUND_EXCEEDS_PURCHASE', 'refundFen')
      const refused = ledgerFailure(written, 'receiptNo')
      if (refused || 'error' in written) return refused ?? fail('INTERNAL')
      const { entry, repeated, refunds } = written
      return ok({
        receiptNo: input.receiptNo,
        refundFen: entry.refundFen ?? 0,
        points: reversedOf(entry),
        owed: entry.owed ?? 0,
        absorbed: entry.absorbed ?? 0,
        refundableFen: (earned.amountFen ?? 0) - (refunds?.refundedFen ?? 0),
        repeated,
      })
    },
  }
}

export type Receipts = ReturnType<typeof createReceipts>
