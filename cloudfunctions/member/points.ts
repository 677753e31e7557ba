/**
 * The member's points (6.4, L-8): 积分明细 — the ledger newest first, paged by a cursor, with each
 * earn's lines and store — the balance (available, pending, owed) and the next expiry from the
 * live lots; the catalogue, redeeming a reward for a voucher (6.4.2), and 我的券. Reading one's
 * own points is an own view, counted per China day (L-14); a redemption's spend is recorded by its
 * ledger entry.
 */
import type { MemberContract } from '../../src/domain/contracts/member'
import { chinaDate, chinaTime } from '../../src/domain/dates'
import type { ErrorCode } from '../../src/domain/errors'
import { nextExpiry } from '../../src/domain/points/lots'
import {
  earningLineText,
  entryLabel,
  type HistoryEntry,
  type PointsSummary,
} from '../../src/domain/points/model'
import {
  REWARD_KIND_LABELS,
  VOUCHER_STATUS_LABELS,
  redeemBlock,
  tiersLabel,
  voucherExpired,
  type Reward,
  type RewardView,
  type VoucherView,
} from '../../src/domain/points/rewards'
import { wechatActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { fail, ok, type Failure } from '../common/errors'
import type { MemberDoc } from '../common/members/model'
import type { MemberRepository } from '../common/members/repository'
import {
  balanceOf,
  type BalanceFields,
  type LedgerEntry,
  type Ledger,
  type Written,
} from '../common/points/ledger'
import {
  CODE_PROBES,
  codeOf,
  heldField,
  voucherEntryId,
  type Redemptions,
  type VoucherDoc,
} from '../common/points/redemptions'
import type { Caller, Handlers } from '../common/router'
import type { ScopeGuard } from '../common/scope'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'
import { createOwnView } from './ownView'

/** Entries per page of 积分明细. */
export const HISTORY_PAGE = 20
/** More rewards than a mall's catalogue offers at once. */
const REWARDS_MAX = 100

type PointsActions = Pick<
  Handlers<MemberContract, MemberDoc>,
  'pointsHistory' | 'rewards' | 'redeem' | 'vouchers'
>

const yuan = (fen: number) => (fen / 100).toFixed(2)

/**
 * The member's limits on a reward, from the member document read in the redemption's
 * transaction: a refusal, or the member fields that count this redemption (held, and today's).
 */
function redeemLimits(
  member: Doc,
  reward: Reward,
  today: string,
  whole: (value: unknown) => unknown,
): 'REDEEM_LIMIT' | 'REDEEM_DAY_LIMIT' | Record<string, unknown> {
  const held = (member.rewardsHeld as Record<string, number> | undefined)?.[reward._id] ?? 0
  if (held >= reward.perMemberLimit) return 'REDEEM_LIMIT'
  const fields: Record<string, unknown> = { [heldField(reward._id)]: held + 1 }
  if (reward.perDayLimit === undefined) return fields
  const day = member.rewardsToday as { day: string; counts: Record<string, number> } | undefined
  const counts = day?.day === today ? day.counts : {}
  if ((counts[reward._id] ?? 0) >= reward.perDayLimit) return 'REDEEM_DAY_LIMIT'
  const next = { day: today, counts: { ...counts, [reward._id]: (counts[reward._id] ?? 0) + 1 } }
  return { ...fields, rewardsToday: whole(next) }
}

export function createPointsActions(deps: {
  db: Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  guard: ScopeGuard
  stores: StoreDirectory
  members: MemberRepository
  ledger: Ledger
  redemptions: Redemptions
}): PointsActions {
  const { db, vault, clock, audit, guard, stores, ledger, redemptions } = deps
  const _ = db.command
  const actorOf = (caller: Caller) => wechatActor(vault, caller.openid)
  const ownView = createOwnView({ vault, audit, guard })

  async function storeName(id: string | undefined): Promise<string> {
    if (!id) return ''
    return (await stores.byId(db, id))?.name ?? ''
  }

  async function storesLabel(ids: readonly string[]): Promise<string> {
    if (ids.length === 0) return '全部门店'
    const names = await Promise.all(ids.map(storeName))
    return names.filter((n) => n !== '').join('、')
  }

  /** Balance and the next expiry, from the member document (the ledger keeps them there). */
  function summaryOf(member: MemberDoc): PointsSummary {
    const now = new Date(clock.now()).toISOString()
    const fields = member as unknown as BalanceFields
    return { ...balanceOf(fields, now), expiry: nextExpiry(fields.lots ?? [], now) ?? null }
  }

  async function entryView(doc: Doc): Promise<HistoryEntry> {
    const entry = doc as Partial<LedgerEntry> & Doc
    const at = new Date(entry.at as Date).toISOString()
    return {
      id: String(doc._id),
      kind: String(entry.kind ?? ''),
      label: entryLabel(entry.kind, entry.reason),
      delta: Number(entry.delta),
      at,
      time: chinaTime(at),
      // An earn's lines; a redemption's spend names what it paid for.
      lines: entry.voucher ? [entry.voucher.rewardName] : (entry.lines ?? []).map(earningLineText),
      storeName: await storeName(entry.storeId),
      amount: typeof entry.amountFen === 'number' ? yuan(entry.amountFen) : null,
    }
  }

  /** One page of the ledger, newest first (index member_time), after the cursor's entry. */
  async function page(memberId: string, cursor: string | undefined) {
    let where: Record<string, unknown> = { memberId }
    if (cursor !== undefined) {
      const split = cursor.indexOf('~')
      const at = new Date(Number(cursor.slice(0, split)))
      const id = cursor.slice(split + 1)
      where = _.or([
        { memberId, at: _.lt(at) },
        { memberId, at, _id: _.lt(id) },
      ])
    }
    const { data } = await db
      .collection(COLLECTIONS.pointsLedger)
      .where(where)
      .orderBy('at', 'desc')
      .orderBy('_id', 'desc')
      .limit(HISTORY_PAGE + 1)
      .get()
    const docs = data.slice(0, HISTORY_PAGE)
    const last = docs[docs.length - 1]
    const next =
      data.length > HISTORY_PAGE && last ? `${new Date(last.at as Date).getTime()}~${String(last._id)}` : null
    return { docs, next }
  }

  async function voucherView(doc: VoucherDoc): Promise<VoucherView> {
    const expired =
      doc.status === 'expired' || (doc.status === 'issued' && voucherExpired(doc.validUntil, clock.now()))
    const status = doc.status === 'verified' ? 'verified' : expired ? 'expired' : 'issued'
    return {
      code: doc.code,
      rewardName: doc.rewardName,
      kind: doc.kind,
      kindLabel: REWARD_KIND_LABELS[doc.kind],
      points: doc.points,
      status,
      statusLabel: VOUCHER_STATUS_LABELS[status],
      issuedAt: new Date(doc.issuedAt).toISOString(),
      validUntil: doc.validUntil,
      usedAt: doc.verification ? new Date(doc.verification.at).toISOString() : null,
      stores: await storesLabel(doc.storeIds),
    }
  }

  /** What a redemption found by its key answers: its voucher. */
  async function answerOf(doc: VoucherDoc, member: MemberDoc) {
    return ok({ voucher: await voucherView(doc), summary: summaryOf(member) })
  }

  const fresh = async (member: MemberDoc) => (await deps.members.get(member._id)) ?? member

  return {
    async pointsHistory({ cursor }, { caller, member }) {
      const viewed = await ownView(member, caller)
      if (!viewed.ok) return viewed
      const { docs, next } = await page(member._id, cursor)
      return ok({
        entries: await Promise.all(docs.map(entryView)),
        next,
        summary: summaryOf(member),
      })
    },

    async rewards(_input, { caller, member }) {
      const viewed = await ownView(member, caller)
      if (!viewed.ok) return viewed
      const { data } = await db
        .collection(COLLECTIONS.rewards)
        .where({ status: 'active' })
        .limit(REWARDS_MAX)
        .get()
      const held = (await redemptions.ofMember(member._id)).filter((doc) => doc.status !== 'expired')
      const today = chinaDate(clock.now())
      const todays = member.rewardsToday
      const todayCount = (id: string) => (todays?.day === today ? (todays.counts[id] ?? 0) : 0)
      const rewards: RewardView[] = await Promise.all(
        (data as unknown as Reward[])
          .sort((a, b) => a.points - b.points || a._id.localeCompare(b._id))
          .map(async (reward) => {
            const mine = held.filter((doc) => doc.rewardId === reward._id).length
            const block = redeemBlock(reward, member.tier, today)
            const blocked =
              block === 'REWARD_TIER'
                ? tiersLabel(reward.tiers)
                : block === 'REWARD_SOLD_OUT'
                  ? '已兑完'
                  : block
                    ? '不在兑换期内'
                    : mine >= reward.perMemberLimit
                      ? '已达兑换上限'
                      : reward.perDayLimit !== undefined && todayCount(reward._id) >= reward.perDayLimit
                        ? '今日已达兑换上限'
                        : null
            return {
              id: reward._id,
              name: reward.name,
              kind: reward.kind,
              kindLabel: REWARD_KIND_LABELS[reward.kind],
              points: reward.points,
              soldOut: reward.stock <= 0,
              limit: reward.perMemberLimit,
              held: mine,
              stores: await storesLabel(reward.storeIds ?? []),
              blocked,
            }
          }),
      )
      return ok({ rewards, summary: summaryOf(member) })
    },

    async redeem({ rewardId, key }, { caller, member }) {
      const actor = actorOf(caller)
      const admitted = await guard.admit(member, 'membership', actor, [])
      if (!admitted.ok) return admitted
      const id = redemptions.idOf(member._id, key)
      // A refusal is first checked against a voucher the key already made (a retry).
      const unlessMade = async (refusal: Failure) => {
        const made = await redemptions.made(id)
        return made ? answerOf(made, await fresh(member)) : refusal
      }
      const reward = (await getDoc(db, COLLECTIONS.rewards, rewardId)) as Reward | null
      if (!reward) return fail('REWARD_UNKNOWN', 'rewardId')
      const today = chinaDate(clock.now())
      const block = redeemBlock(reward, member.tier, today)
      if (block) return unlessMade(fail(block, 'rewardId'))
      // A first look, so that a member short of points takes no stock; the ledger decides.
      if (
        balanceOf(member as unknown as BalanceFields, new Date(clock.now()).toISOString()).available <
        reward.points
      )
        return unlessMade(fail('POINTS_INSUFFICIENT'))
      if (!(await redemptions.takeOne(reward._id))) return unlessMade(fail('REWARD_SOLD_OUT', 'rewardId'))
      let spent: Written = { error: 'NOT_A_MEMBER' }
      try {
        // The key's codes in turn: a code another redemption's voucher holds is passed over.
        for (let probe = 0; probe < CODE_PROBES; probe++) {
          const code = codeOf(id, probe)
          spent = await ledger.spend({
            memberId: member._id,
            source: { kind: 'redemption', ref: id },
            points: reward.points,
            storeId: member.storeId,
            actor,
            reason: 'redemption',
            voucher: { id: voucherEntryId(code), voucher: redemptions.voucherOf(reward, code) },
            // The member's limits, read in the spend's transaction.
            alongside: async (_tx, current) => {
              const limits = redeemLimits(current, reward, today, (value) => _.set(value))
              return typeof limits === 'string' ? limits : { member: limits }
            },
          })
          if ('error' in spent || !spent.repeated || spent.entry.source.ref === id) break
        }
      } catch (error) {
        await redemptions.putOneBack(reward._id)
        throw error
      }
      if ('error' in spent || spent.repeated) await redemptions.putOneBack(reward._id)
      if ('error' in spent) {
        const field =
          spent.error === 'REDEEM_LIMIT' || spent.error === 'REDEEM_DAY_LIMIT' ? 'rewardId' : undefined
        const code: ErrorCode =
          spent.error === 'NOT_A_MEMBER' ||
          spent.error === 'REDEEM_LIMIT' ||
          spent.error === 'REDEEM_DAY_LIMIT'
            ? spent.error
            : 'POINTS_INSUFFICIENT'
        return unlessMade(fail(code, field))
      }
      const voucher = redemptions.asVoucher(spent.entry)
      if (!voucher || spent.entry.source.ref !== id) return fail('INTERNAL')
      if (spent.repeated) return answerOf(voucher, await fresh(member))
      const after = { ...member, ...spent.balance } as MemberDoc
      return ok({ voucher: await voucherView(voucher), summary: summaryOf(after) })
    },

    async vouchers(_input, { caller, member }) {
      const viewed = await ownView(member, caller)
      if (!viewed.ok) return viewed
      const docs = await redemptions.ofMember(member._id)
      return ok({ vouchers: await Promise.all(docs.map(voucherView)) })
    },
  }
}
