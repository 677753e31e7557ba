/**
 * The 商圈 points sync queue (`wxpay_sync`, docs/architecture.md "WeChat Pay 智慧商圈"): what a
 * notice earned or a refund took back is reported to WeChat Pay with
 * `POST /v3/businesscircle/points/notify`, later, by the scheduler, within WeChat's limits.
 *
 * - One document per transaction (`_id` = transaction_id): it holds what is to be reported now
 *   (`state`: the points the transaction keeps and when they last changed). A notice delivered
 *   again finds the same state and changes nothing; a refund changes the state and queues the
 *   document again. The OpenID is sealed under the member's data key (gone with the member).
 * - The drain sends at most SYNC_RATE_PER_S calls a second (WeChat allows 10 per merchant: half is
 *   left for retries and other tools), earliest first. A failed call is retried after a backoff
 *   that doubles from one minute to an hour; after MAX_SYNC_ATTEMPTS failed calls, or at once
 *   when WeChat refuses the request itself (4xx other than 429), the document is `failed`: an
 *   operator reads it (no retry can fix a refused request).
 * - What is sent without the member's `businessCircle` consent: the transaction's points
 *   (`earn_points`, `increased_points`, `points_update_time`, `no_points_remarks`), the basic
 *   function for a payment WeChat already knows; the member's balance (`total_points`) only
 *   while the consent holds when the call is made.
 * - The same queue carries the 商圈 parking sync (parkings.ts, `kind: 'parking'`): one drain, one
 *   rate limit and one backoff for both kinds of call.
 */
import { allows } from '../../../src/domain/consent/rules'
import type { FieldKey } from '../../../src/domain/identity/inventory'
import type { AuditLog, AuditPurpose } from '../audit'
import type { Clock } from '../clock'
import { COLLECTIONS, getDoc, isDuplicateKeyError, type Db, type Doc } from '../db'
import { memberKey, type KeyStore } from '../keystore'
import type { MemberDoc } from '../members/model'
import { balanceOf } from '../points/ledger'
import type { MemberCipher, Sealed } from '../vault'
import { authorization, nonceStr } from './apiv3'
import { WXPAY_COLLECTIONS } from './collections'
import type { CallerKeys } from './config'
import { PARKINGS_URL, parkingRequestBody, parkingSyncAllowed, type ParkingSyncDoc } from './parkings'
import type { PayPort } from './port'

const WXPAY_SYNC = WXPAY_COLLECTIONS.sync

export const POINTS_NOTIFY_URL = '/v3/businesscircle/points/notify'

/** Calls a second the drain makes at most. */
export const SYNC_RATE_PER_S = 5
/** Failed calls before a document is given up. */
export const MAX_SYNC_ATTEMPTS = 8
const FIRST_BACKOFF_MS = 60_000
const MAX_BACKOFF_MS = 3600_000
/** Documents one drain reads at once. */
const DRAIN_PAGE = 100

/** Who the audit log names for the calls. */
export const SYNC_ACTOR = 'system:wxpay-sync'

/** What a transaction reports: its points now. */
export interface SyncState {
  earnPoints: boolean
  increasedPoints: number
  /** ISO time of the last change. */
  updatedAt: string
  noPointsRemarks?: string
}

/** What every item of the queue has, whatever it reports. */
export interface QueueItem extends Doc {
  memberId: string
  /** The state as one string: a delivery that changes nothing finds it equal. */
  stateKey: string
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  nextAt: Date
  sentAt?: Date
  lastStatus?: number
}

export interface SyncDoc extends QueueItem {
  /** Absent on points items; `parking` items are parkings.ts's. */
  kind?: 'points'
  openid: Sealed
  state: SyncState
}

/** Everything the queue holds: points items and parking items (parkings.ts). */
export type QueueDoc = SyncDoc | ParkingSyncDoc

interface Prepared {
  url: string
  body: string
  headers?: Record<string, string>
  purpose: AuditPurpose
  fields: FieldKey[]
  reason: string
}

const keyOf = (state: SyncState) =>
  `${state.earnPoints ? 1 : 0}:${state.increasedPoints}:${state.updatedAt}:${state.noPointsRemarks ?? ''}`

export const backoffMs = (attempts: number) =>
  Math.min(FIRST_BACKOFF_MS * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS)

/** WeChat's time format: RFC 3339 in China time. */
export function chinaTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString()
  return `${shifted.slice(0, 19)}+08:00`
}

export function createSyncQueue(deps: { db: Db; clock: Clock; keys: KeyStore }) {
  const { db, clock, keys } = deps
  const queue = () => db.collection(WXPAY_SYNC)

  return {
    /**
     * Queues the transaction's state; nothing changes when it is already queued or sent.
     * `keep`: a transaction already in the queue keeps its state (a payment notice delivered
     * again after a refund must not report the refunded points once more). `refund`: replaces
     * only a state with more points — what a transaction keeps only goes down, and the refunds of
     * one transaction, serialised in the ledger, may reach the queue in another order.
     */
    async enqueue(
      input: { transactionId: string; memberId: string; openid: string; state: SyncState },
      options: { keep?: boolean; refund?: boolean } = {},
    ) {
      const stateKey = keyOf(input.state)
      const fresh = {
        state: input.state,
        stateKey,
        status: 'pending' as const,
        attempts: 0,
        nextAt: new Date(clock.now()),
      }
      const cipher = await keys.cipher(memberKey(input.memberId))
      if (!cipher) throw new Error('wxpay: member key missing')
      try {
        await queue().add({
          data: {
            _id: input.transactionId,
            memberId: input.memberId,
            openid: cipher.encrypt('openid', input.openid),
            ...fresh,
          },
        })
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error
        if (options.keep) return
        const _ = db.command
        await queue()
          .where({
            _id: input.transactionId,
            stateKey: _.neq(stateKey),
            ...(options.refund ? { 'state.increasedPoints': _.gt(input.state.increasedPoints) } : {}),
          })
          .update({ data: fresh })
      }
    },
  }
}

export interface DrainRun {
  sent: number
  failed: number
  retried: number
  dropped: number
}

export function createSyncDrain(deps: {
  db: Db
  clock: Clock
  keys: KeyStore
  audit: AuditLog
  caller: CallerKeys
  port: PayPort
  /** Waits `ms` (setTimeout in production; the tests move their clock). */
  sleep: (ms: number) => Promise<void>
}) {
  const { db, clock, keys, audit, caller, port, sleep } = deps
  const _ = db.command
  const interval = 1000 / SYNC_RATE_PER_S

  /** The call an item makes; `dropped` when nothing of it may be sent any more. */
  async function prepare(
    doc: QueueDoc,
    member: MemberDoc,
    cipher: MemberCipher,
  ): Promise<Prepared | 'dropped' | 'unconfigured'> {
    if (doc.kind === 'parking') {
      if (!(await parkingSyncAllowed(db, member)) || !doc.openid || !doc.plate) return 'dropped'
      const request = parkingRequestBody(
        doc,
        { openid: cipher.decrypt('openid', doc.openid), plate: cipher.decrypt('plates', doc.plate) },
        caller,
        chinaTime,
      )
      if (!request) return 'unconfigured'
      return {
        url: PARKINGS_URL,
        body: request.body,
        headers: { 'Wechatpay-Serial': request.serial },
        purpose: 'businessCircleParking',
        fields: ['openid', 'plates'],
        reason: 'wxpay-parking-sync',
      }
    }
    const withTotal = allows(member, 'businessCircle')
    const now = new Date(clock.now()).toISOString()
    const body = JSON.stringify({
      ...(caller.subMchid ? { sub_mchid: caller.subMchid } : {}),
      transaction_id: doc._id,
      appid: caller.appid,
      openid: cipher.decrypt('openid', doc.openid),
      earn_points: doc.state.earnPoints,
      increased_points: doc.state.increasedPoints,
      points_update_time: chinaTime(doc.state.updatedAt),
      ...(doc.state.noPointsRemarks ? { no_points_remarks: doc.state.noPointsRemarks } : {}),
      ...(withTotal ? { total_points: Math.max(0, balanceOf(member, now).available) } : {}),
    })
    return {
      url: POINTS_NOTIFY_URL,
      body,
      purpose: withTotal ? 'businessCircle' : 'membership',
      fields: ['openid'],
      reason: 'wxpay-points-sync',
    }
  }

  async function send(doc: QueueDoc): Promise<'sent' | 'failed' | 'retried' | 'dropped'> {
    const member = (await getDoc(db, COLLECTIONS.members, doc.memberId)) as MemberDoc | null
    const cipher = member ? await keys.cipher(memberKey(doc.memberId)) : null
    const prepared = member && cipher ? await prepare(doc, member, cipher) : 'dropped'
    if (prepared === 'dropped') {
      // The member was deleted meanwhile, or withdrew what allowed the call: nothing is sent.
      await db.collection(WXPAY_SYNC).doc(doc._id).remove()
      return 'dropped'
    }
    let status: number
    if (prepared === 'unconfigured') {
      // No brand id or WeChat Pay public key: an operator configures them (no retry can).
      status = 0
    } else {
      try {
        const answer = await port({
          method: 'POST',
          url: prepared.url,
          body: prepared.body,
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            ...prepared.headers,
            Authorization: authorization({
              mchid: caller.mchid,
              serialNo: caller.serialNo,
              privateKey: caller.privateKey,
              method: 'POST',
              url: prepared.url,
              body: prepared.body,
              timestampS: Math.floor(clock.now() / 1000),
              nonce: nonceStr(),
            }),
          },
        })
        status = answer.status
      } catch {
        status = 0
      }
    }
    const ok = status >= 200 && status < 300
    if (prepared !== 'unconfigured')
      await audit.record({
        actor: SYNC_ACTOR,
        action: 'read',
        purpose: prepared.purpose,
        memberId: doc.memberId,
        fields: prepared.fields,
        success: ok,
        reason: prepared.reason,
      })
    const attempts = doc.attempts + 1
    const refused = (status >= 400 && status < 500 && status !== 429) || prepared === 'unconfigured'
    const outcome = ok ? 'sent' : refused || attempts >= MAX_SYNC_ATTEMPTS ? 'failed' : 'retried'
    const at = new Date(clock.now())
    // A parking item sent or given up keeps no plate and no OpenID: only what makes a retried
    // event a no-op (and, failed, what an operator reads).
    const spent =
      outcome !== 'retried' && doc.kind === 'parking' ? { openid: _.remove(), plate: _.remove() } : {}
    // Only the state that was sent: a refund queued meanwhile stays pending.
    await db
      .collection(WXPAY_SYNC)
      .where({ _id: doc._id, stateKey: doc.stateKey })
      .update({
        data: {
          attempts,
          lastStatus: status,
          ...spent,
          ...(outcome === 'sent' ? { status: 'sent', sentAt: at } : {}),
          ...(outcome === 'failed' ? { status: 'failed' } : {}),
          ...(outcome === 'retried' ? { nextAt: new Date(at.getTime() + backoffMs(attempts)) } : {}),
        },
      })
    return outcome
  }

  return {
    async run(options: { budgetMs?: number } = {}): Promise<DrainRun> {
      const deadline = clock.now() + (options.budgetMs ?? Infinity)
      const out: DrainRun = { sent: 0, failed: 0, retried: 0, dropped: 0 }
      let calls = 0
      for (;;) {
        const { data } = await db
          .collection(WXPAY_SYNC)
          .where({ status: 'pending', nextAt: _.lte(new Date(clock.now())) })
          .orderBy('nextAt', 'asc')
          .limit(DRAIN_PAGE)
          .get()
        const docs = data as QueueDoc[]
        for (const doc of docs) {
          if (calls > 0) {
            if (clock.now() + interval > deadline) return out
            await sleep(interval)
          }
          calls += 1
          out[await send(doc)] += 1
        }
        if (docs.length < DRAIN_PAGE) return out
      }
    },
  }
}
