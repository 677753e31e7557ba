/**
 * The rewards catalogue in the staff tab (6.4.2, issue #11): managers keep the rewards of their
 * stores, the admin every reward (mall-wide ones too). Spread into `staffContract`.
 *
 * A new reward is created under a key the client chooses once per form (a retry finds it again);
 * an existing one is saved by its id. The stock is given when a reward is created and then only
 * grows by `restockReward`, an increment under its own key.
 */
import type { Check } from '../identity/rules'
import { empty, int, required, schema, text } from '../input'
import { fail, ok } from '../errors'
import type { Tier } from '../member/model'
import {
  RESTOCK_MAX,
  REWARD_STOCK_MAX,
  rewardFields,
  rewardSettingsOf,
  type RewardSettings,
  type RewardStatus,
} from '../points/rewardForm'
import { REDEEM_KEY, type RewardKind } from '../points/rewards'
import { action } from './contract'

const REWARD_ID_MAX = 80

/** A reward as the catalogue's keepers see it. */
export interface CatalogueEntry {
  id: string
  name: string
  kind: RewardKind
  kindLabel: string
  points: number
  stock: number
  perMemberLimit: number
  perDayLimit?: number
  validDays?: number
  parkingMinutes?: number
  /** Empty: every tier. */
  tiers: Tier[]
  /** Empty: every store. */
  storeIds: string[]
  /** 「全部门店」 or the stores' names. */
  stores: string
  status: RewardStatus
  startsOn?: string
  endsOn?: string
  /** Whether the caller may save and restock it (a manager: only rewards of their own stores). */
  editable: boolean
}

export interface CatalogueAnswer {
  rewards: CatalogueEntry[]
  /** The stores the caller may limit a reward to. */
  stores: { id: string; name: string }[]
  /** Whether the caller may keep mall-wide rewards (no store named). */
  mallWide: boolean
}

const keyCheck = (value: string): Check => (REDEEM_KEY.test(value) ? undefined : 'INVALID_ARGUMENT')

/**
 * A creation (`key`, with the first `stock`) or an update of `rewardId` (no stock), with the
 * entry's settings.
 */
export type SaveRewardInput = RewardSettings & { key?: string; stock?: number; rewardId?: string }

const ENTRY_ERRORS = [
  'REWARD_NAME_REQUIRED',
  'REWARD_KIND_INVALID',
  'REWARD_POINTS_INVALID',
  'REWARD_STOCK_INVALID',
  'REWARD_LIMIT_INVALID',
  'REWARD_VALID_DAYS_INVALID',
  'REWARD_PARKING_MINUTES_INVALID',
  'REWARD_TIERS_INVALID',
  'REWARD_DATES_INVALID',
  'REWARD_STORES_INVALID',
  'REWARD_STOCK_BY_RESTOCK',
] as const

const KEEPERS = ['manager', 'admin'] as const

export const rewardsContract = {
  rewardCatalogue: action<CatalogueAnswer>()({
    input: empty,
    access: [...KEEPERS],
    errors: [],
  }),
  saveReward: action<{ reward: CatalogueEntry; repeated: boolean }>()({
    input: schema(
      {
        rewardId: text(REWARD_ID_MAX),
        key: text(64, { check: keyCheck }),
        stock: int(0, REWARD_STOCK_MAX, { code: 'REWARD_STOCK_INVALID', optional: true }),
        ...rewardFields,
      },
      ({ rewardId, key: created, stock, ...fields }) => {
        if (Boolean(rewardId) === Boolean(created)) return fail('INVALID_ARGUMENT', 'rewardId')
        if (rewardId && stock !== undefined) return fail('REWARD_STOCK_BY_RESTOCK', 'stock')
        if (created && stock === undefined) return fail('REWARD_STOCK_INVALID', 'stock')
        const settings = rewardSettingsOf(fields)
        if (!settings.ok) return settings
        const input: SaveRewardInput = rewardId
          ? { rewardId, ...settings.data }
          : { key: created, stock, ...settings.data }
        return ok(input)
      },
    ),
    access: [...KEEPERS],
    errors: [...ENTRY_ERRORS, 'REWARD_UNKNOWN', 'REWARD_KEY_REUSED', 'STORE_UNKNOWN'],
  }),
  /** Adds `amount` items by an increment: a concurrent redemption's decrement is never lost. */
  restockReward: action<{ stock: number; repeated: boolean }>()({
    input: schema({
      rewardId: required(REWARD_ID_MAX, 'REWARD_UNKNOWN'),
      amount: int(1, RESTOCK_MAX, { code: 'REWARD_RESTOCK_INVALID' }),
      key: required(64, 'INVALID_ARGUMENT', { check: keyCheck }),
    }),
    access: [...KEEPERS],
    errors: ['REWARD_UNKNOWN', 'REWARD_RESTOCK_INVALID', 'REWARD_STORES_INVALID'],
  }),
}

export type RewardsContract = typeof rewardsContract
