/**
 * The 商圈 parking sync (issue #12, 3.2, L-4): a member's car entering or leaving a car park is
 * reported to WeChat Pay with `POST /v3/businesscircle/parkings` (IN / OUT with the plate), so
 * that WeChat Pay knows the member is at the mall and credits their 商圈 payments automatically.
 *
 * - Only for a plate some member binds (the plate's claim in `identity_index`), a member whose
 *   `businessCircleParking` consent holds (it requires `parking`) and who authorised the 商圈 in
 *   WeChat Pay (`mall_auth`). A plate no member binds costs one read by `_id` on the car park's
 *   hot path, nothing more.
 * - One item per session and state in the points sync queue (`wxpay_sync`, `_id`
 *   `parking:<session id>:IN|OUT`, `kind: 'parking'`): a retried event finds it and adds
 *   nothing. IN when an entry opened the session, OUT when an exit closed it; a session left
 *   `unclosed` (a second entry) or `exitOnly` is the desk's and is not reported.
 * - The plate and the OpenID are sealed under the member's data key (gone with the member) and
 *   removed from the item once it was sent. The plate is sent encrypted with the WeChat Pay
 *   public key (RSA-OAEP) named in `Wechatpay-Serial`.
 * - The queue's drain (sync.ts) sends it within the same rate limit, backoff and failure rules as
 *   the points; it drops the item, unsent, when the consent or the authorisation no longer holds.
 *   Withdrawing the consent (or the plates going) removes the member's items (erasure.ts), and so
 *   does deletion.
 */
import { allows } from '../../../src/domain/consent/rules'
import type { AuditLog } from '../audit'
import type { Clock } from '../clock'
import { COLLECTIONS, getDoc, isDuplicateKeyError, type Db } from '../db'
import { createIdentityStore } from '../identity'
import { createKeyStore, memberKey } from '../keystore'
import type { MemberDoc } from '../members/model'
import type { Sealed, Vault } from '../vault'
import { encryptSensitive } from './apiv3'
import { WXPAY_COLLECTIONS } from './collections'
import type { CallerKeys } from './config'
import type { QueueItem } from './sync'

export const PARKINGS_URL = '/v3/businesscircle/parkings'

/** Who the audit log names for the reads of the enqueue. */
export const PARKING_SYNC_ACTOR = 'system:wxpay-parking'

export type ParkingState = 'IN' | 'OUT'

export interface ParkingSyncDoc extends QueueItem {
  kind: 'parking'
  /** Removed once sent or given up. */
  openid?: Sealed
  /** Removed once sent or given up. */
  plate?: Sealed
  parking: { state: ParkingState; at: string }
}

export const parkingSyncId = (sessionId: string, state: ParkingState) => `parking:${sessionId}:${state}`

/** What a car-park event did to its session, as `applyCarParkEvent` answers it. */
export interface SessionChange {
  sessionId: string
  kind: 'entry' | 'exit'
  state: string
  plate: string
  plateIndex: string
  /** The event's time (ISO). */
  at: string
}

/** The state to report for an event's outcome, if any. */
export function reportedState(change: Pick<SessionChange, 'kind' | 'state'>): ParkingState | null {
  if (change.kind === 'entry' && change.state === 'open') return 'IN'
  if (change.kind === 'exit' && change.state === 'closed') return 'OUT'
  return null
}

/** Whether the member may have their parking reported: the consent and the 商圈 authorisation. */
export async function parkingSyncAllowed(db: Db, member: MemberDoc | null): Promise<boolean> {
  if (!member || !allows(member, 'businessCircleParking')) return false
  return (await getDoc(db, WXPAY_COLLECTIONS.mallAuth, member._id)) !== null
}

export function createParkingSync(deps: {
  db: Db
  keyDb: () => Db
  vault: Vault
  clock: Clock
  audit: AuditLog
}) {
  const { db, vault, clock, audit } = deps

  return {
    /** Queues the change's IN or OUT for the member binding the plate, when they opted in. */
    async afterEvent(change: SessionChange): Promise<boolean> {
      const state = reportedState(change)
      if (!state) return false
      const claim = await getDoc(db, COLLECTIONS.identityIndex, `plate:${change.plateIndex}`)
      if (!claim) return false
      const memberId = String(claim.memberId)
      const member = (await getDoc(db, COLLECTIONS.members, memberId)) as MemberDoc | null
      if (!(await parkingSyncAllowed(db, member))) return false
      const keys = createKeyStore({ db: deps.keyDb(), vault, clock })
      const identities = createIdentityStore({ db, vault, audit, clock, keys })
      const values = await identities.read(memberId, ['openid'], {
        purpose: 'businessCircleParking',
        actor: PARKING_SYNC_ACTOR,
      })
      const cipher = values?.openid ? await keys.cipher(memberKey(memberId)) : null
      if (!values?.openid || !cipher) return false
      const doc: ParkingSyncDoc = {
        _id: parkingSyncId(change.sessionId, state),
        kind: 'parking',
        memberId,
        openid: cipher.encrypt('openid', values.openid),
        plate: cipher.encrypt('plates', change.plate),
        parking: { state, at: change.at },
        stateKey: state,
        status: 'pending',
        attempts: 0,
        nextAt: new Date(clock.now()),
      }
      try {
        await db.collection(WXPAY_COLLECTIONS.sync).add({ data: doc })
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error
        return false
      }
      return true
    },
  }
}

/** The request body of an item, with the plate encrypted for WeChat Pay; null when not configured. */
export function parkingRequestBody(
  doc: ParkingSyncDoc,
  values: { openid: string; plate: string },
  caller: CallerKeys,
  chinaTime: (iso: string) => string,
): { body: string; serial: string } | null {
  if (caller.brandId === undefined || !caller.platformKey) return null
  return {
    serial: caller.platformKey.serial,
    body: JSON.stringify({
      ...(caller.subMchid ? { sub_mchid: caller.subMchid } : {}),
      brandid: caller.brandId,
      appid: caller.appid,
      openid: values.openid,
      plate_number: encryptSensitive(caller.platformKey.key, values.plate),
      state: doc.parking.state,
      time: chinaTime(doc.parking.at),
    }),
  }
}
