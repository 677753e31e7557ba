/**
 * Points at the counter (6.4.1, issue #11; docs/architecture.md "Points at the counter"):
 * scoring a receipt (previewed first, then awarded once per receipt), refunds under the version
 * that scored the receipt, a manager's adjustments, the rules' versions and the points report.
 *
 * Whom points are written for: active members whose basic consent holds now, of any store of
 * the mall (a member shops everywhere); the counter knows them by the ref its lookup answered.
 * Every write to a member's points is audited under the staff member's name and the purpose
 * `membership`. The ledger (common/points/ledger.ts) makes every write idempotent.
 */
import type { Caller } from '../../src/domain/access'
import { allows } from '../../src/domain/consent/rules'
import type { AwardAnswer, pointsContract, RulesVersionView } from '../../src/domain/contracts/points'
import {
  fail,
  failScored,
  failUntil,
  ok,
  secondsToChinaMidnight,
  type Failure,
} from '../../src/domain/errors'
import { ADJUST_DAILY_LIMIT } from '../../src/domain/points/adjust'
import { earn, type Purchase } from '../../src/domain/points/earning'
import { DEFAULT_LOT_POLICY, lotDates } from '../../src/domain/points/lots'
import { rulesDiff, rulesVersionId } from '../../src/domain/points/versions'
import type { Tier } from '../../src/domain/member/model'
import { inStoreScope, type StaffIdentity } from '../../src/domain/staff/model'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { MemberDoc } from '../common/members/model'
import { createLedger, entryId, type LedgerEntry, type Written } from '../common/points/ledger'
import { pointsReport } from '../common/points/report'
import { RULES_CACHE_MS, type RulesBook, type RulesVersionDoc } from '../common/points/rules'
import { createDailyCounts } from '../common/quota'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'

export interface PointsDeps {
  db: Db
  clock: Clock
  audit: AuditLog
  stores: StoreDirectory
  rules: RulesBook
}

const PURPOSE = 'membership' as const

/** Reversals of one receipt read at most: more partial refunds than a receipt has lines. */
const MAX_REFUNDS = 100

/** Versions the history shows. */
const HISTORY_MAX = 50

/** Tries at a version number when two admins publish at once. */
const PUBLISH_TRIES = 3

interface CounterDoc extends Doc {
  storeId: string
  brand?: string
  status: 'open' | 'closed'
}

const isFailure = (value: object): value is Failure => (value as Failure).ok === false

function actingStaff(caller: Caller): StaffIdentity {
  if (!caller.staff) throw new Error('staff action without a staff caller')
  return caller.staff
}

const view = (doc: RulesVersionDoc): RulesVersionView => {
  const { _id: _ignored, ...rest } = doc
  return rest
}

export function createPointsActions(deps: PointsDeps): Handlers<typeof pointsContract, { status: 'active' }> {
  const { db, clock, audit, stores, rules } = deps
  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY, rules })
  const counts = createDailyCounts({ db, clock })
  const nowIso = () => new Date(clock.now()).toISOString()

  /** A staff write to a member's points, audited under the basic service's purpose. */
  const audited = (staff: StaffIdentity, memberId: string, reason: string) =>
    audit.record({
      actor: staffActor(staff.id),
      action: 'update',
      purpose: PURPOSE,
      memberId,
      fields: [],
      success: true,
      reason,
    })

  /** The store the staff member acts for: the one named (in their scope) or their first. */
  async function storeOf(staff: StaffIdentity, storeId: string | undefined): Promise<string | null> {
    const id = storeId ?? (staff.storeIds === 'all' ? undefined : staff.storeIds[0])
    if (!id || !inStoreScope(staff, id)) return null
    const store = await stores.byId(db, id)
    return store && store.status === 'open' ? id : null
  }

  /** A member the counter may write points for: active, basic consent holding now. */
  async function servable(ref: string): Promise<MemberDoc | Failure> {
    const record = (await getDoc(db, COLLECTIONS.members, ref)) as MemberDoc | null
    if (!record || record.status !== 'active') return fail('LOOKUP_MEMBER_UNKNOWN', 'ref')
    if (!allows(record, PURPOSE)) return fail('PURPOSE_CONSENT_REQUIRED', PURPOSE)
    return record
  }

  /** The purchase as scored: the counter's brand when it names one. */
  async function purchaseOf(input: {
    amountFen: number
    storeId: string
    brandId?: string
    counterId?: string
  }): Promise<Purchase | Failure> {
    const purchase: Purchase = { amountFen: input.amountFen, at: nowIso(), storeId: input.storeId }
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

  type Scoring = { member: MemberDoc; purchase: Purchase; version: RulesVersionDoc; storeId: string }

  async function scoring(
    staff: StaffIdentity,
    input: { ref: string; amountFen: number; storeId?: string; brandId?: string; counterId?: string },
  ): Promise<Scoring | Failure> {
    const storeId = await storeOf(staff, input.storeId)
    if (!storeId) return fail('STORE_UNKNOWN', 'storeId')
    const member = await servable(input.ref)
    if (isFailure(member)) return member
    const purchase = await purchaseOf({ ...input, storeId })
    if (isFailure(purchase)) return purchase
    const version = await rules.at(db, purchase.at)
    if (!version) return fail('POINTS_RULES_MISSING')
    return { member, purchase, version, storeId }
  }

  const ledgerFailure = (written: Written, field?: string): Failure | null => {
    if (!('error' in written)) return null
    if (written.error === 'POINTS_INSUFFICIENT') return fail('POINTS_INSUFFICIENT', field)
    if (written.error === 'NOT_A_MEMBER') return fail('LOOKUP_MEMBER_UNKNOWN', 'ref')
    return fail('POINTS_SOURCE_UNKNOWN', field)
  }

  async function versionOf(entry: LedgerEntry): Promise<RulesVersionDoc | undefined> {
    const versions = await rules.versions(db)
    return (
      versions.find((v) => v.version === entry.purchase?.rulesVersion) ??
      (await rules.at(db, new Date(entry.at).toISOString()))
    )
  }

  return {
    async previewPurchase(input, { caller }) {
      const found = await scoring(actingStaff(caller), input)
      if (isFailure(found)) return found
      const { member, purchase, version } = found
      const earned = earn(purchase, { tier: member.tier }, version.rules)
      return ok({ ...earned, amountFen: purchase.amountFen, version: version.version })
    },

    async awardPoints(input, { caller }) {
      const staff = actingStaff(caller)
      const found = await scoring(staff, input)
      if (isFailure(found)) return found
      const { member, purchase, version, storeId } = found
      const earned = earn(purchase, { tier: member.tier }, version.rules)
      const written = await ledger.earn({
        memberId: member._id,
        source: { kind: 'counter', ref: `${storeId}:${input.receiptNo}` },
        points: earned.points,
        storeId,
        actor: staffActor(staff.id),
        reason: 'purchase',
        lines: earned.lines,
        amountFen: purchase.amountFen,
        holdDays: version.holdDays,
        purchase: {
          rulesVersion: version.version,
          tier: member.tier,
          ...(purchase.brandId ? { brandId: purchase.brandId } : {}),
          ...(purchase.counterId ? { counterId: purchase.counterId } : {}),
        },
      })
      const refused = ledgerFailure(written)
      if (refused || 'error' in written) return refused ?? fail('INTERNAL')
      const { entry, repeated } = written
      if (repeated && (entry.memberId !== member._id || entry.amountFen !== purchase.amountFen))
        return failScored(entry.amountFen ?? 0, 'receiptNo')
      if (!repeated) await audited(staff, member._id, 'points-award')
      const at = new Date(entry.at).toISOString()
      const holdDays = (await versionOf(entry))?.holdDays ?? DEFAULT_LOT_POLICY.holdDays
      const answer: AwardAnswer = {
        receiptNo: input.receiptNo,
        points: entry.delta,
        lines: entry.lines ?? [],
        amountFen: entry.amountFen ?? purchase.amountFen,
        version: entry.purchase?.rulesVersion ?? version.version,
        repeated,
        availableFrom: lotDates(at, { ...DEFAULT_LOT_POLICY, holdDays }).availableFrom,
      }
      return ok(answer)
    },

    async refundPurchase(input, { caller }) {
      const staff = actingStaff(caller)
      const storeId = await storeOf(staff, input.storeId)
      if (!storeId) return fail('STORE_UNKNOWN', 'storeId')
      const earnSource = { kind: 'counter' as const, ref: `${storeId}:${input.receiptNo}` }
      const earnId = entryId('earn', earnSource)
      const earned = (await getDoc(db, COLLECTIONS.pointsLedger, earnId)) as LedgerEntry | null
      if (!earned || earned.amountFen === undefined) return fail('POINTS_SOURCE_UNKNOWN', 'receiptNo')
      const { data } = await db
        .collection(COLLECTIONS.pointsLedger)
        .where({ memberId: earned.memberId, reverses: earnId })
        .limit(MAX_REFUNDS)
        .get()
      const refunds = data as LedgerEntry[]
      const refunded = refunds.reduce((sum, entry) => sum + (entry.refundFen ?? 0), 0)
      const id = `reverse:${earnId}:${input.refundRef}`
      const answer = (entry: LedgerEntry, repeated: boolean, before: number) => {
        const refundFen = entry.refundFen ?? 0
        return ok({
          receiptNo: input.receiptNo,
          refundFen,
          points: -entry.delta + (entry.absorbed ?? 0),
          owed: entry.owed ?? 0,
          absorbed: entry.absorbed ?? 0,
          refundableFen: (earned.amountFen ?? 0) - before - (repeated ? 0 : refundFen),
          repeated,
        })
      }
      const previous = refunds.find((entry) => entry._id === id)
      if (previous) return answer(previous, true, refunded)
      if (refunded + input.refundFen > earned.amountFen) return fail('REFUND_EXCEEDS_PURCHASE', 'refundFen')
      const version = await versionOf(earned)
      if (!version) return fail('POINTS_SOURCE_UNKNOWN', 'receiptNo')
      const purchase: Purchase = {
        amountFen: earned.amountFen,
        at: new Date(earned.at).toISOString(),
        storeId: earned.storeId,
        ...(earned.purchase?.brandId ? { brandId: earned.purchase.brandId } : {}),
        ...(earned.purchase?.counterId ? { counterId: earned.purchase.counterId } : {}),
      }
      const member = { tier: (earned.purchase?.tier ?? 'normal') as Tier }
      // What is kept before and after this refund, scored alike: the partial refunds of a
      // receipt take back, together, exactly what it earned.
      const keptBefore = earned.amountFen - refunded
      const scored = (amountFen: number) => earn({ ...purchase, amountFen }, member, version.rules).points
      const points = Math.min(
        scored(keptBefore) - scored(keptBefore - input.refundFen),
        earned.delta - refunds.reduce((sum, entry) => sum - entry.delta + (entry.absorbed ?? 0), 0),
      )
      const written = await ledger.reverse({
        memberId: earned.memberId,
        earnSource,
        refundRef: input.refundRef,
        points: Math.max(0, points),
        refundFen: input.refundFen,
        actor: staffActor(staff.id),
        refundPolicy: version.refundPolicy,
      })
      const refused = ledgerFailure(written, 'receiptNo')
      if (refused || 'error' in written) return refused ?? fail('INTERNAL')
      if (!written.repeated) await audited(staff, earned.memberId, 'points-refund')
      return answer(written.entry, written.repeated, refunded)
    },

    async adjustPoints({ ref, delta, reasonCode, key }, { caller }) {
      const staff = actingStaff(caller)
      const member = await servable(ref)
      if (isFailure(member)) return member
      if (!inStoreScope(staff, member.storeId)) return fail('LOOKUP_MEMBER_UNKNOWN', 'ref')
      const ownKey = `${staff.id}:${key}`
      const quota = { requester: staff.id }
      const quotaId = counts.idOf('points-adjust', quota)
      const left = async () => Math.max(0, ADJUST_DAILY_LIMIT - (await counts.count(quotaId)))
      const existing = (await getDoc(
        db,
        COLLECTIONS.pointsLedger,
        entryId('adjust', { kind: 'adjustment', ref: ownKey }),
      )) as LedgerEntry | null
      if (existing) {
        if (existing.memberId !== ref || existing.delta !== delta || existing.reason !== reasonCode)
          return fail('ADJUST_KEY_REUSED', 'key')
        return ok({ delta, repeated: true, adjustmentsLeft: await left() })
      }
      if (!(await counts.take(quotaId, quota, ADJUST_DAILY_LIMIT)))
        return failUntil('ADJUST_DAILY_LIMIT', secondsToChinaMidnight(clock.now()))
      const written = await ledger.adjust({
        memberId: ref,
        key: ownKey,
        delta,
        storeId: member.storeId,
        actor: staffActor(staff.id),
        reason: reasonCode,
      })
      const refused = ledgerFailure(written, 'delta')
      if (refused || 'error' in written) {
        await counts.giveBack(quotaId)
        return refused ?? fail('INTERNAL')
      }
      if (written.repeated) await counts.giveBack(quotaId)
      else await audited(staff, ref, `points-adjust:${reasonCode}`)
      return ok({ delta, repeated: written.repeated, adjustmentsLeft: await left() })
    },

    async pointsRules() {
      rules.forget()
      const versions = await rules.versions(db)
      const now = nowIso()
      const current = (await rules.at(db, now)) ?? null
      const next =
        versions
          .filter((v) => v.effectiveFrom > now)
          .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || b.version - a.version)[0] ?? null
      return ok({
        current: current && view(current),
        next: next && view(next),
        history: versions.slice(0, HISTORY_MAX).map(view),
      })
    },

    async publishPointsRules(input, { caller }) {
      const staff = actingStaff(caller)
      const now = clock.now()
      // Not before every instance's cached rules have expired: all tills score alike.
      const soonest = now + RULES_CACHE_MS
      const asked = input.effectiveFrom === undefined ? soonest : Date.parse(input.effectiveFrom)
      if (asked < now) return fail('RULES_EFFECTIVE_INVALID', 'effectiveFrom')
      const effectiveFrom = new Date(Math.max(asked, soonest)).toISOString()
      for (let attempt = 1; ; attempt += 1) {
        rules.forget()
        const [latest] = await rules.versions(db)
        const number = (latest?.version ?? 0) + 1
        const body = {
          version: number,
          effectiveFrom,
          rules: input.rules,
          refundPolicy: input.refundPolicy,
          holdDays: input.holdDays,
          changedBy: staffActor(staff.id),
          changedAt: new Date(now).toISOString(),
          note: input.note ?? '',
        }
        const doc: RulesVersionDoc = {
          _id: rulesVersionId(number),
          ...body,
          summary: rulesDiff(latest, body),
        }
        if (await addUnique(db, COLLECTIONS.pointsRules, doc as unknown as Doc)) {
          rules.forget()
          await audit.record(
            {
              actor: staffActor(staff.id),
              action: 'create',
              purpose: 'staffAdmin',
              memberId: `points-rules:${doc._id}`,
              fields: [],
              success: true,
            },
            { counted: false },
          )
          return ok({ version: view(doc) })
        }
        if (attempt === PUBLISH_TRIES) return fail('INTERNAL')
      }
    },

    async pointsReport(input, { caller }) {
      const staff = actingStaff(caller)
      let storeIds: string[]
      if (input.storeId) {
        if (!inStoreScope(staff, input.storeId) || !(await stores.byId(db, input.storeId)))
          return fail('STORE_UNKNOWN', 'storeId')
        storeIds = [input.storeId]
      } else
        storeIds = staff.storeIds === 'all' ? (await stores.all(db)).map((s) => s._id) : [...staff.storeIds]
      return ok(await pointsReport(db, { from: input.from, to: input.to, storeIds }))
    },
  }
}
