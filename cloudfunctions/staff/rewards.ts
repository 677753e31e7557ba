/**
 * The rewards catalogue kept in the staff tab (6.4.2, issue #11): `rewards/<id>` (see
 * database/manifest.ts) plus who created and last changed it and the keys of its last restocks.
 * A manager keeps the rewards limited to their stores and sees the mall-wide ones; the admin
 * keeps every reward. Every save and restock is audited under `staffAdmin`, about
 * `reward:<id>`, without day counts.
 *
 * The stock is written as a number only when a reward is created; after that it changes by
 * increments alone (redemptions take one, restocks add some), so no change is ever lost.
 */
import type { Caller } from '../../src/domain/access'
import type { CatalogueEntry, RewardsContract } from '../../src/domain/contracts/rewards'
import { fail, ok } from '../../src/domain/errors'
import {
  CLEARABLE_SETTINGS,
  mayKeepReward,
  REWARD_STATUSES,
  seesReward,
  type RewardSettings,
} from '../../src/domain/points/rewardForm'
import { REWARD_KIND_LABELS, type Reward } from '../../src/domain/points/rewards'
import { recordAdministration, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { Handlers } from '../common/router'
import { actingStaff } from '../common/staff'
import type { StoreDirectory } from '../common/stores'

/** The catalogue is small (the member's 积分商城 shows 100 at most); one page holds it. */
const CATALOGUE_MAX = 1000
/** Restock keys kept on a reward: a retry comes within minutes, long before 20 more restocks. */
const RESTOCK_KEYS_KEPT = 20

interface RewardDoc extends Reward {
  createKey?: string
  createdBy?: string
  restockKeys?: string[]
}

const createdRewardId = (key: string): string => `reward-${key}`

export function createRewardActions(deps: {
  db: Db
  clock: Clock
  audit: AuditLog
  stores: StoreDirectory
}): Handlers<RewardsContract, { status: 'active' }> {
  const { db, clock, audit, stores } = deps
  const _ = db.command
  const rewards = () => db.collection(COLLECTIONS.rewards)

  const scopeOf = (caller: Caller) => actingStaff(caller).storeIds

  const record = (caller: Caller, action: 'create' | 'update', id: string) =>
    recordAdministration(audit, {
      purpose: 'staffAdmin',
      staffId: actingStaff(caller).id,
      action,
      subject: `reward:${id}`,
    })

  async function storeNames(): Promise<Map<string, string>> {
    return new Map((await stores.all(db)).map((store) => [store._id, store.name]))
  }

  function entryOf(doc: RewardDoc, names: Map<string, string>, caller: Caller): CatalogueEntry {
    const storeIds = doc.storeIds ?? []
    return {
      id: doc._id,
      name: doc.name,
      kind: doc.kind,
      kindLabel: REWARD_KIND_LABELS[doc.kind],
      points: doc.points,
      stock: doc.stock,
      perMemberLimit: doc.perMemberLimit,
      ...(doc.perDayLimit !== undefined ? { perDayLimit: doc.perDayLimit } : {}),
      ...(doc.validDays !== undefined ? { validDays: doc.validDays } : {}),
      ...(doc.parkingMinutes !== undefined ? { parkingMinutes: doc.parkingMinutes } : {}),
      tiers: [...(doc.tiers ?? [])],
      storeIds: [...storeIds],
      stores: storeIds.length === 0 ? '全部门店' : storeIds.map((id) => names.get(id) ?? id).join('、'),
      status: doc.status,
      ...(doc.startsOn ? { startsOn: doc.startsOn } : {}),
      ...(doc.endsOn ? { endsOn: doc.endsOn } : {}),
      editable: mayKeepReward(scopeOf(caller), storeIds),
    }
  }

  /** The reward `id` if the caller may keep it; REWARD_UNKNOWN when they cannot even see it. */
  async function kept(caller: Caller, id: string) {
    const doc = (await getDoc(db, COLLECTIONS.rewards, id)) as RewardDoc | null
    const scope = scopeOf(caller)
    if (!doc || !seesReward(scope, doc.storeIds ?? [])) return fail('REWARD_UNKNOWN', 'rewardId')
    if (!mayKeepReward(scope, doc.storeIds ?? [])) return fail('REWARD_STORES_INVALID', 'storeIds')
    return ok(doc)
  }

  /** Whether the caller may limit a reward to `settings.storeIds`, each an existing store. */
  async function storesAllowed(caller: Caller, settings: RewardSettings, names: Map<string, string>) {
    if (!mayKeepReward(scopeOf(caller), settings.storeIds)) return fail('REWARD_STORES_INVALID', 'storeIds')
    if (settings.storeIds.some((id) => !names.has(id))) return fail('STORE_UNKNOWN', 'storeIds')
    return ok(undefined)
  }

  return {
    async rewardCatalogue(_input, { caller }) {
      const scope = scopeOf(caller)
      const [{ data }, all] = await Promise.all([
        rewards()
          .where({ status: _.in([...REWARD_STATUSES]) })
          .limit(CATALOGUE_MAX)
          .get(),
        stores.all(db),
      ])
      const names = new Map(all.map((store) => [store._id, store.name]))
      const entries = (data as unknown as RewardDoc[])
        .filter((doc) => seesReward(scope, doc.storeIds ?? []))
        .map((doc) => entryOf(doc, names, caller))
        .sort(
          (a, b) =>
            Number(b.editable) - Number(a.editable) ||
            Number(a.status === 'paused') - Number(b.status === 'paused') ||
            a.points - b.points ||
            a.id.localeCompare(b.id),
        )
      const choosable = all.filter(
        (store) => store.status === 'open' && (scope === 'all' || scope.includes(store._id)),
      )
      return ok({
        rewards: entries,
        stores: choosable.map((store) => ({ id: store._id, name: store.name })),
        mallWide: scope === 'all',
      })
    },

    async saveReward({ rewardId, key, stock, ...settings }, { caller }) {
      const names = await storeNames()
      const allowed = await storesAllowed(caller, settings, names)
      if (!allowed.ok) return allowed
      const staffId = actingStaff(caller).id
      const now = new Date(clock.now())
      if (key !== undefined) {
        const doc: RewardDoc & { createdAt: Date; updatedAt: Date; updatedBy: string } = {
          _id: createdRewardId(key),
          ...settings,
          stock: stock ?? 0,
          createKey: key,
          createdBy: staffId,
          createdAt: now,
          updatedBy: staffId,
          updatedAt: now,
          restockKeys: [],
        }
        if (await addUnique(db, COLLECTIONS.rewards, doc as unknown as Doc)) {
          await record(caller, 'create', doc._id)
          return ok({ reward: entryOf(doc, names, caller), repeated: false })
        }
        // A retry of this creation answers the reward it made; another use of the key is refused.
        const existing = (await getDoc(db, COLLECTIONS.rewards, doc._id)) as RewardDoc | null
        if (existing && existing.createKey === key && existing.createdBy === staffId)
          return ok({ reward: entryOf(existing, names, caller), repeated: true })
        return fail('REWARD_KEY_REUSED', 'key')
      }
      const id = rewardId ?? ''
      const current = await kept(caller, id)
      if (!current.ok) return current
      const cleared = Object.fromEntries(
        CLEARABLE_SETTINGS.filter((field) => !(field in settings)).map((field) => [field, _.remove()]),
      )
      await rewards()
        .doc(id)
        .update({ data: { ...settings, ...cleared, updatedBy: staffId, updatedAt: now } })
      await record(caller, 'update', id)
      const saved: RewardDoc = { ...current.data, ...settings }
      for (const field of Object.keys(cleared)) delete saved[field as keyof RewardSettings]
      return ok({ reward: entryOf(saved, names, caller), repeated: false })
    },

    async restockReward({ rewardId, amount, key }, { caller }) {
      const current = await kept(caller, rewardId)
      if (!current.ok) return current
      const { stats } = await rewards()
        .where({ _id: rewardId, restockKeys: _.neq(key) })
        .update({
          data: {
            stock: _.inc(amount),
            restockKeys: _.push({ each: [key], slice: -RESTOCK_KEYS_KEPT }),
            updatedBy: actingStaff(caller).id,
            updatedAt: new Date(clock.now()),
          },
        })
      if (stats.updated === 1) await record(caller, 'update', rewardId)
      const after = (await getDoc(db, COLLECTIONS.rewards, rewardId)) as RewardDoc | null
      if (!after) return fail('REWARD_UNKNOWN', 'rewardId')
      return ok({ stock: after.stock, repeated: stats.updated !== 1 })
    },
  }
}
