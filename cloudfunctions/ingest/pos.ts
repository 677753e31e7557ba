/**
 * A store's POS (issue #11): purchases earn points, refunds take back the refunded part. Scored
 * and written by the receipt path the counter uses (common/points/receipts.ts), under the ledger
 * source `receipt:<storeId>:<receiptNo>`: a receipt awarded at the counter and pushed by the POS,
 * or pushed twice, earns once. The device is the actor of the ledger entry.
 *
 * The member is named by a member-code token (checked as the counter's scan is: current, not yet
 * used to earn) or by the phone's blind index, which the integrator computes with the mall's
 * phone index key (docs/deployment.md §7): the plain phone never travels. A member whose basic
 * consent does not hold answers PURPOSE_CONSENT_REQUIRED; one that is not active (a child waiting
 * for a guardian, a cancelled member) LOOKUP_MEMBER_UNKNOWN, as at the counter.
 */
import { chinaDate } from '../../src/domain/dates'
import { fail, type Failure, type Result } from '../../src/domain/errors'
import { parsePosEvent, tillTimeProblem, type PosPurchase, type PosRefund } from '../../src/domain/ingest/pos'
import { deviceActor } from '../common/audit'
import { COLLECTIONS, getDoc } from '../common/db'
import { createKeyStore } from '../common/keystore'
import { createMemberCodes } from '../common/points/memberCode'
import { isFailure } from '../common/points/receipts'
import type { DeviceHandler } from './handlers'

/** Field the member refusals name: the push's `member`. */
const MEMBER_FIELD = 'member'

export const posHandler: DeviceHandler = {
  kind: 'pos',
  async handle(body, { device, deps, receipts }) {
    const { db, clock, stores } = deps
    const event = parsePosEvent(body, chinaDate(clock.now()))
    if (!event.ok) return event
    const late = tillTimeProblem(event.data.at, clock.now())
    if (late) return late
    const store = await stores.byId(db, device.storeId)
    if (!store || store.status !== 'open') return fail('STORE_UNKNOWN')
    const actor = deviceActor(device._id)

    async function purchase(push: PosPurchase): Promise<Result<unknown>> {
      const memberId = await memberOf(push)
      if (typeof memberId !== 'string') return memberId
      const scoring = await receipts.score(memberId, {
        amountFen: push.amountFen,
        storeId: device.storeId,
        at: push.at,
        ...(push.brand ? { brandId: push.brand } : {}),
        ...(push.counterId ? { counterId: push.counterId } : {}),
      })
      if (isFailure(scoring)) return scoring
      return receipts.award(scoring, push.receiptNo, actor, MEMBER_FIELD)
    }

    /**
     * The member id the push names, or a refusal. A member code serves one award: a retry of a
     * push by code whose receipt was awarded meanwhile answers that award instead of the code's
     * refusal (MEMBER_CODE_USED).
     */
    async function memberOf(push: PosPurchase): Promise<string | Failure> {
      const ref = push.member
      if ('phoneIndex' in ref) {
        const claim = await getDoc(db, COLLECTIONS.identityIndex, `phone:${ref.phoneIndex}`)
        return claim && claim.pending !== true && typeof claim.memberId === 'string'
          ? claim.memberId
          : fail('LOOKUP_MEMBER_UNKNOWN', MEMBER_FIELD)
      }
      const keys = createKeyStore({ db: deps.keyDb(), vault: deps.vault, clock })
      const codes = createMemberCodes({ db, vault: deps.vault, keys, clock })
      const resolved = await codes.resolve(ref.code, clock.now(), 'earn')
      return resolved.ok ? resolved.data.memberId : { ...resolved, field: MEMBER_FIELD }
    }

    async function refund(push: PosRefund): Promise<Result<unknown>> {
      return receipts.refund({
        storeId: device.storeId,
        receiptNo: push.receiptNo,
        refundRef: push.refundNo,
        refundFen: push.refundFen,
        actor,
      })
    }

    if (event.data.type === 'refund') return refund(event.data)
    const push = event.data
    if ('code' in push.member) {
      // A push by code that was awarded before (a retry): its award, without using the code again.
      const earlier = await receipts.awarded(device.storeId, push.receiptNo)
      if (earlier) return receipts.repeatOf(earlier, push.receiptNo, push.amountFen)
      const answer = await purchase(push)
      if (answer.ok || answer.code !== 'MEMBER_CODE_USED') return answer
      const meanwhile = await receipts.awarded(device.storeId, push.receiptNo)
      return meanwhile ? receipts.repeatOf(meanwhile, push.receiptNo, push.amountFen) : answer
    }
    return purchase(push)
  },
}
