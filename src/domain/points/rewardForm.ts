/**
 * A catalogue entry as a manager edits it (6.4.2, issue #11): its fields with their bounds, and
 * the rules the whole entry must keep (dates in order, a daily limit within the member's limit,
 * parking rewards with the minutes they pay for). The stock is set once, when the entry is
 * created; after that it only grows by restocking (an increment), never by writing a number read
 * before, so a concurrent redemption's decrement is never lost.
 */
import { parseIsoDate } from '../dates'
import { fail, ok, type Result } from '../errors'
import type { Check } from '../identity/rules'
import { enumOf, int, listOf, required, text, type Parsed } from '../input'
import type { Tier } from '../member/model'
import { REWARD_KIND_LABELS, type Reward, type RewardKind } from './rewards'

export const REWARD_NAME_MAX = 30
/** A price above the points a member earns in years is a typo. */
export const REWARD_POINTS_MAX = 1_000_000
export const REWARD_STOCK_MAX = 1_000_000
/** Per member, and per member and day. */
export const REWARD_LIMIT_MAX = 99
export const REWARD_VALID_DAYS_MAX = 366
export const PARKING_MINUTES_MIN = 15
export const PARKING_MINUTES_MAX = 24 * 60
/** Items one restock adds at most. */
export const RESTOCK_MAX = 100_000
/** More stores than one reward names. */
const STORES_MAX = 50
const STORE_ID_MAX = 64

export const REWARD_KINDS = Object.keys(REWARD_KIND_LABELS) as RewardKind[]
export const REWARD_TIERS: readonly Tier[] = ['normal', 'vip', 'vvip']
export const REWARD_STATUSES = ['active', 'paused'] as const
export type RewardStatus = (typeof REWARD_STATUSES)[number]

export const REWARD_STATUS_LABELS: Record<RewardStatus, string> = {
  active: '兑换中',
  paused: '已暂停',
}

const day = () =>
  text(10, { check: (value): Check => (parseIsoDate(value) ? undefined : 'REWARD_DATES_INVALID') })

/** The fields of a catalogue entry a manager sets (the stock apart). */
export const rewardFields = {
  name: required(REWARD_NAME_MAX, 'REWARD_NAME_REQUIRED'),
  kind: enumOf(REWARD_KINDS, 'REWARD_KIND_INVALID'),
  points: int(1, REWARD_POINTS_MAX, { code: 'REWARD_POINTS_INVALID' }),
  perMemberLimit: int(1, REWARD_LIMIT_MAX, { code: 'REWARD_LIMIT_INVALID' }),
  perDayLimit: int(1, REWARD_LIMIT_MAX, { code: 'REWARD_LIMIT_INVALID', optional: true }),
  validDays: int(1, REWARD_VALID_DAYS_MAX, { code: 'REWARD_VALID_DAYS_INVALID' }),
  parkingMinutes: int(PARKING_MINUTES_MIN, PARKING_MINUTES_MAX, {
    code: 'REWARD_PARKING_MINUTES_INVALID',
    optional: true,
  }),
  tiers: listOf(enumOf(REWARD_TIERS, 'REWARD_TIERS_INVALID'), REWARD_TIERS.length),
  storeIds: listOf(required(STORE_ID_MAX, 'REWARD_STORES_INVALID'), STORES_MAX),
  status: enumOf(REWARD_STATUSES, 'INVALID_ARGUMENT'),
  startsOn: day(),
  endsOn: day(),
}

/** What a save writes: every field of `Reward` but its id and stock; an absent optional is cleared. */
export type RewardSettings = Omit<Reward, '_id' | 'stock' | 'tiers' | 'storeIds'> & {
  tiers: Tier[]
  storeIds: string[]
}

/** The optional fields a save clears when the form leaves them out. */
export const CLEARABLE_SETTINGS = ['perDayLimit', 'parkingMinutes', 'startsOn', 'endsOn'] as const

/**
 * The entry as it is kept, or why it does not hold together: the window's start after its end, a
 * daily limit above the member's limit, a parking reward without minutes (or minutes on another
 * kind). Tiers and stores are kept once each.
 */
export function rewardSettingsOf(value: Parsed<typeof rewardFields>): Result<RewardSettings> {
  const { startsOn, endsOn, perDayLimit, parkingMinutes } = value
  if (startsOn && endsOn && startsOn > endsOn) return fail('REWARD_DATES_INVALID', 'endsOn')
  if (perDayLimit !== undefined && perDayLimit > value.perMemberLimit)
    return fail('REWARD_LIMIT_INVALID', 'perDayLimit')
  if ((value.kind === 'parking') !== (parkingMinutes !== undefined))
    return fail('REWARD_PARKING_MINUTES_INVALID', 'parkingMinutes')
  const settings: RewardSettings = {
    name: value.name,
    kind: value.kind,
    points: value.points,
    perMemberLimit: value.perMemberLimit,
    validDays: value.validDays,
    tiers: REWARD_TIERS.filter((tier) => value.tiers.includes(tier)),
    storeIds: [...new Set(value.storeIds)],
    status: value.status,
    ...(perDayLimit !== undefined ? { perDayLimit } : {}),
    ...(parkingMinutes !== undefined ? { parkingMinutes } : {}),
    ...(startsOn ? { startsOn } : {}),
    ...(endsOn ? { endsOn } : {}),
  }
  return ok(settings)
}

/**
 * Whether a staff member acting for `scope` (their stores, or every store) may save or restock a
 * reward for `storeIds`: an admin any; a manager one limited to some of their own stores (not a
 * mall-wide one, which would reach other stores' shoppers).
 */
export function mayKeepReward(scope: readonly string[] | 'all', storeIds: readonly string[]): boolean {
  if (scope === 'all') return true
  return storeIds.length > 0 && storeIds.every((id) => scope.includes(id))
}

/** Whether a reward for `storeIds` shows in the catalogue of staff acting for `scope`. */
export function seesReward(scope: readonly string[] | 'all', storeIds: readonly string[]): boolean {
  return scope === 'all' || storeIds.length === 0 || storeIds.some((id) => scope.includes(id))
}

/** 「每人限兑 2 次 · 每日 1 次 · 有效期 30 天」: a reward's limits in one line. */
export function rewardLimitsLabel(reward: {
  perMemberLimit: number
  perDayLimit?: number
  validDays?: number
}): string {
  return [
    `每人限兑 ${reward.perMemberLimit} 次`,
    ...(reward.perDayLimit !== undefined ? [`每日 ${reward.perDayLimit} 次`] : []),
    ...(reward.validDays !== undefined ? [`有效期 ${reward.validDays} 天`] : []),
  ].join(' · ')
}
