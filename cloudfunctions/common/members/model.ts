/**
 * The pseudonymous member record, `members/<random id>` (5.1): number, tier, points, store,
 * gender, province, channel, status, consent summary, join time. No direct identifier: those
 * are in the identity store, encrypted.
 */
import type { Tranche } from '../../../src/domain/points/lots'
import type { Attribution } from '../../../src/domain/channel/model'
import type { ConsentSummary } from '../../../src/domain/consent/model'
import type { SubscribeTopicId } from '../../../src/domain/consent/purposes'
import type { MemberStatus, Tier } from '../../../src/domain/member/model'
import type { Doc } from '../db'
import type { BirthdayMarks } from './birthday'

/** What the scope guard reads of a member record. */
export interface MemberRecord extends Doc {
  status: MemberStatus
  consents?: ConsentSummary
  /**
   * One-time subscribe-message allowances per topic (L-12): the caller-chosen id of each
   * "allow" in WeChat's dialog; sending a message of the topic spends one.
   */
  subscriptions?: Partial<Record<SubscribeTopicId, string[]>>
  /** China dates on which the member viewed the member centre (`audit.ownView`, L-14). */
  viewDays?: string[]
}

export interface MemberDoc extends MemberRecord {
  memberNo: string
  /** The last four digits of `memberNo`, indexed with the store: the counter's lookup. */
  memberNoTail?: string
  tier: Tier
  /** The China day the tier's free parking time was last used by a paid parking payment (once a day). */
  parkingTierFreeDay?: string | null
  points: number
  /** The points' lots and the ledger's chain head (points/ledger.ts `BalanceFields`). */
  lots?: Tranche[]
  /** The first of the lots' expiries: the expiry job's and the reminder's index. */
  lotsExpireAt?: Date
  /** Redemptions held per reward, and per reward on one China day (written with each redemption). */
  rewardsHeld?: Record<string, number>
  rewardsToday?: { day: string; counts: Record<string, number> }
  storeId: string
  /** Where the member joined: the mini-program or the H5 build. */
  channel: string
  joinedAt: Date
  gender?: string
  province?: string
  cardId?: string
  /**
   * The channel the member joined through (4.2.2.2): the first touch, kept; only a manager
   * reassigns it, with a reason.
   */
  source?: Attribution
  /** Keyed hashes of the birth date for the birthday multiplier (birthday.ts); none without one. */
  birthdayMarks?: BirthdayMarks
}
