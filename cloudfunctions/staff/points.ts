/**
 * Points at the counter (6.4.1, issue #11; docs/architecture.md "Points at the counter"):
 * scoring a receipt (previewed first, then awarded once per receipt), refunds under the version
 * that scored the receipt, a manager's adjustments, the rules' versions and the points report.
 *
 * Receipts are scored, awarded and refunded by common/points/receipts.ts, as the store's POS
 * (ingest function) does: one receipt earns once whichever way it arrives. The counter knows the
 * member by the ref its lookup answered; every write to a member's points is audited under the
 * staff member's name and the purpose `membership`. The ledger makes every write idempotent.
 */
import { actingStaff } from '../common/staff'
import type { pointsContract, RulesVersionView } from '../../src/domain/contracts/points'
import { fail, failUntil, ok, secondsToChinaMidnight, type Failure } from '../../src/domain/errors'
import { ADJUST_DAILY_LIMIT } from '../../src/domain/points/adjust'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { rulesDiff, rulesVersionId } from '../../src/domain/points/versions'
import { inStoreScope, type StaffIdentity } from '../../src/domain/staff/model'
import { staffActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import { createLedger, entryId, type LedgerEntry } from '../common/points/ledger'
import { createReceipts, isFailure, type Scoring } from '../common/points/receipts'
import { pointsReport } from '../common/points/report'
import { RULES_CACHE_MS, type RulesBook, type RulesVersionDoc } from '../common/points/rules'
import { createDailyCounts } from '../common/quota'
import type { Handlers } from '../common/router'
import { storesInScope, type StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

export interface PointsDeps {
  db: Db
  clock: Clock
  audit: AuditLog
  stores: StoreDirectory
  rules: RulesBook
  vault: Vault
}

/** Versions the history shows. */
const HISTORY_MAX = 50

/** Tries at a version number when two admins publish at once. */
const PUBLISH_TRIES = 3

const view = (doc: RulesVersionDoc): RulesVersionView => {
  const { _id: _ignored, ...rest } = doc
  return rest
}

export function createPointsActions(deps: PointsDeps): Handlers<typeof pointsContract, { status: 'active' }> {
  const { db, clock, audit, stores, rules, vault } = deps
  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY, rules })
  const receipts = createReceipts({ db, clock, rules, vault })
  const counts = createDailyCounts({ db, clock })
  const nowIso = () => new Date(clock.now()).toISOString()

  /** The store the staff member acts for: the one named (in their scope) or their first. */
  async function storeOf(staff: StaffIdentity, storeId: string | undefined): Promise<string | null> {
    const id = storeId ?? (staff.storeIds === 'all' ? undefined : staff.storeIds[0])
    if (!id || !inStoreScope(staff, id)) return null
    const store = await stores.byId(db, id)
    return store && store.status === 'open' ? id : null
  }

  /**
   * The counter's receipt, scored now: the store, the counter, the rules. The member's state and
   * tier are read where they are used: by the preview, or inside the award's transaction.
   */
  async function scoring(
    staff: StaffIdentity,
    input: { ref: string; amountFen: number; storeId?: string; brandId?: string; counterId?: string },
  ): Promise<Scoring | Failure> {
    const storeId = await storeOf(staff, input.storeId)
    if (!storeId) return fail('STORE_UNKNOWN', 'storeId')
    const { ref, ...purchase } = input
    return receipts.score(ref, { ...purchase, storeId, at: nowIso() })
  }

  return {
    async previewPurchase(input, { caller }) {
      const found = await scoring(actingStaff(caller), input)
      if (isFailure(found)) return found
      const member = await receipts.servable(input.ref)
      return isFailure(member) ? member : ok(receipts.preview(member, found))
    },

    async awardPoints(input, { caller }) {
      const staff = actingStaff(caller)
      const found = await scoring(staff, input)
      if (isFailure(found)) return found
      return receipts.award(found, input.receiptNo, staffActor(staff.id))
    },

    async refundPurchase(input, { caller }) {
      const staff = actingStaff(caller)
      const storeId = await storeOf(staff, input.storeId)
      if (!storeId) return fail('STORE_UNKNOWN', 'storeId')
      return receipts.refund({
        storeId,
        receiptNo: input.receiptNo,
        refundRef: input.refundRef,
        refundFen: input.refundFen,
        actor: staffActor(staff.id),
      })
    },

    async adjustPoints({ ref, delta, reasonCode, key }, { caller }) {
      const staff = actingStaff(caller)
      const member = await receipts.servable(ref)
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
      const refused = receipts.ledgerFailure(written, 'delta')
      if (refused || 'error' in written) {
        await counts.giveBack(quotaId)
        return refused ?? fail('INTERNAL')
      }
      if (written.repeated) await counts.giveBack(quotaId)
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
      const storeIds = await storesInScope({ db, stores }, staff, input.storeId)
      if (!storeIds) return fail('STORE_UNKNOWN', 'storeId')
      return ok(await pointsReport(db, { from: input.from, to: input.to, storeIds }))
    },
  }
}
