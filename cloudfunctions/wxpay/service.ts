/**
 * WeChat Pay 智慧商圈 notices (issue #11; docs/architecture.md "WeChat Pay 智慧商圈"), received
 * through HTTP access at `/wxpay/businesscircle`:
 * - the notice is verified (platform key named by `wechatpay-serial`, at most five minutes old)
 *   and its resource decrypted (common/wxpay/apiv3.ts); anything that fails is answered 4xx with
 *   `{ code: 'FAIL', message }`, which makes WeChat Pay deliver it again;
 * - `MALL_AUTH.ACTIVATE_CARD` records the member's 商圈 authorisation (`mall_auth`, one per member);
 * - `MALL_TRANSACTION.SUCCESS` earns the payment's points under the rules in force at `time_end`
 *   and the member's tier, once per transaction_id (the ledger's key `earn:wxpay:<id>`), and
 *   queues the points sync (common/wxpay/sync.ts);
 * - `MALL_REFUND.SUCCESS` takes back the refunded part once per refund_id and queues the sync. A
 *   refund of a transaction not seen yet is answered 503 (WeChat Pay says it never happens: the
 *   refund is delivered again, by when the transaction's notice has been handled); of a
 *   transaction that earned nothing, 204.
 * The member is found by the notice's OpenID through the identity store's blind index. A notice
 * for someone who is not a member, or whose basic consent does not hold, earns nothing and is
 * answered 204 (WeChat Pay must not retry it): `wxpay_notices` records what happened, without
 * the OpenID. The same delivery repeated, also concurrently, answers as the first.
 */
import { allows } from '../../src/domain/consent/rules'
import { earn, type Purchase } from '../../src/domain/points/earning'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import type { AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, isDuplicateKeyError, type Db } from '../common/db'
import type { Claims } from '../common/identity'
import type { MemberDoc } from '../common/members/model'
import { createLedger, entryId, type LedgerEntry } from '../common/points/ledger'
import { earningMemberOf, purchaseFacts } from '../common/points/receipts'
import { refundScore } from '../common/points/refunds'
import type { RulesBook } from '../common/points/rules'
import { decryptResource, verifyNotice, type EncryptedResource } from '../common/wxpay/apiv3'
import type { NoticeKeys } from '../common/wxpay/config'
import { WXPAY_COLLECTIONS } from '../common/wxpay/collections'
import { createSyncQueue } from '../common/wxpay/sync'
import type { KeyStore } from '../common/keystore'
import type { Vault } from '../common/vault'

export const NOTIFY_PATH = '/wxpay/businesscircle'
const MALL_AUTH = WXPAY_COLLECTIONS.mallAuth
const WXPAY_NOTICES = WXPAY_COLLECTIONS.notices

/** Who the ledger and the audit log name for what a notice did. */
export const WXPAY_ACTOR = 'system:wxpay'

export interface HttpEvent {
  path?: string
  httpMethod?: string
  headers?: Record<string, string>
  body?: string
}

export interface HttpAnswer {
  statusCode: number
  headers: Record<string, string>
  body: string
}

export type NoticeOutcome =
  'authorised' | 'earned' | 'reversed' | 'no-member' | 'no-consent' | 'no-points' | 'ignored'

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

const done = (): HttpAnswer => ({ statusCode: 204, headers: {}, body: '' })

/** An answer that makes WeChat Pay deliver the notice again. */
const retry = (statusCode: number, message: string): HttpAnswer => ({
  statusCode,
  headers: JSON_HEADERS,
  body: JSON.stringify({ code: 'FAIL', message }),
})

interface Envelope {
  id?: unknown
  event_type?: unknown
  resource?: EncryptedResource
}

interface MallNotice {
  mchid?: string
  openid?: string
  transaction_id?: string
  amount?: number
  time_end?: string
  auth_type?: string
  refund_id?: string
  refund_amount?: number
  refund_time?: string
}

const OPENID = /^[A-Za-z0-9_-]{1,64}$/
const REF = /^[A-Za-z0-9_-]{1,64}$/

export function createWxPayService(deps: {
  db: Db
  clock: Clock
  audit: AuditLog
  claims: Claims
  keys: KeyStore
  rules: RulesBook
  /** The birthday marks' key (common/members/birthday.ts). */
  vault: Vault
  noticeKeys: () => NoticeKeys
  /** The store the mall's 商圈 points are counted under (`WXPAY_STORE_ID`); the member's own else. */
  storeId?: string
}): { handle(event: HttpEvent): Promise<HttpAnswer> } {
  const { db, clock, audit, claims, rules } = deps
  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY, rules })
  const queue = createSyncQueue({ db, clock, keys: deps.keys })

  /** What a notice did when it earned nothing: no OpenID, no member id. */
  async function note(id: string, eventType: string, outcome: NoticeOutcome) {
    try {
      await db
        .collection(WXPAY_NOTICES)
        .add({ data: { _id: id, eventType, outcome, at: new Date(clock.now()) } })
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error
    }
  }

  /** The member the OpenID belongs to, if the basic service may be given to them. */
  async function memberOf(openid: string): Promise<MemberDoc | 'no-member' | 'no-consent'> {
    const memberId = await claims.holder('openid', openid)
    const member = memberId ? ((await getDoc(db, COLLECTIONS.members, memberId)) as MemberDoc | null) : null
    if (!member) return 'no-member'
    return allows(member, 'membership') ? member : 'no-consent'
  }

  const audited = (memberId: string, action: 'create' | 'update', reason: string) =>
    audit.record({
      actor: WXPAY_ACTOR,
      action,
      purpose: 'membership',
      memberId,
      fields: [],
      success: true,
      reason,
    })

  async function authorise(notice: MallNotice, openid: string, noticeId: string): Promise<HttpAnswer> {
    const member = await memberOf(openid)
    if (typeof member === 'string') {
      await note(`auth:${noticeId}`, 'MALL_AUTH.ACTIVATE_CARD', member)
      return done()
    }
    const at = new Date(clock.now())
    await db
      .collection(MALL_AUTH)
      .doc(member._id)
      .set({
        data: {
          memberId: member._id,
          mchid: notice.mchid ?? '',
          authType: notice.auth_type ?? '',
          authorisedAt: at,
        },
      })
    await audited(member._id, 'create', 'wxpay-authorisation')
    return done()
  }

  async function transaction(notice: MallNotice, openid: string): Promise<HttpAnswer> {
    const transactionId = notice.transaction_id ?? ''
    const amountFen = notice.amount
    const paidAt = Date.parse(notice.time_end ?? '')
    if (
      !REF.test(transactionId) ||
      !Number.isInteger(amountFen) ||
      (amountFen as number) < 0 ||
      Number.isNaN(paidAt)
    )
      return retry(400, '通知内容不完整')
    const member = await memberOf(openid)
    if (typeof member === 'string') {
      await note(`transaction:${transactionId}`, 'MALL_TRANSACTION.SUCCESS', member)
      return done()
    }
    const at = new Date(paidAt).toISOString()
    const version = await rules.at(db, at)
    // A programme without rules yet: delivered again once an administrator has published them.
    if (!version) return retry(503, '积分规则未配置')
    const storeId = deps.storeId ?? member.storeId
    const purchase: Purchase = { amountFen: amountFen as number, at, storeId }
    const who = earningMemberOf(deps.vault, member, at)
    const earned = earn(purchase, who, version.rules)
    const written = await ledger.earn({
      memberId: member._id,
      source: { kind: 'wxpay', ref: transactionId },
      points: earned.points,
      storeId,
      actor: WXPAY_ACTOR,
      reason: 'purchase',
      lines: earned.lines,
      amountFen: purchase.amountFen,
      holdDays: version.holdDays,
      purchase: purchaseFacts(version, who, purchase),
    })
    if ('error' in written) {
      await note(`transaction:${transactionId}`, 'MALL_TRANSACTION.SUCCESS', 'no-member')
      return done()
    }
    if (!written.repeated) await audited(member._id, 'update', 'points-wxpay')
    const entry = written.entry
    // A repeat keeps what is queued: a refund may have changed it since.
    await queue.enqueue(
      {
        transactionId,
        memberId: entry.memberId,
        openid,
        state: {
          earnPoints: entry.delta > 0,
          increasedPoints: entry.delta,
          updatedAt: new Date(entry.at).toISOString(),
          ...(entry.delta > 0 ? {} : { noPointsRemarks: '消费金额未达积分门槛' }),
        },
      },
      { keep: written.repeated },
    )
    return done()
  }

  async function refund(notice: MallNotice, openid: string): Promise<HttpAnswer> {
    const transactionId = notice.transaction_id ?? ''
    const refundId = notice.refund_id ?? ''
    const refundFen = notice.refund_amount
    if (
      !REF.test(transactionId) ||
      !REF.test(refundId) ||
      !Number.isInteger(refundFen) ||
      (refundFen as number) <= 0
    )
      return retry(400, '通知内容不完整')
    const earnSource = { kind: 'wxpay' as const, ref: transactionId }
    const earnId = entryId('earn', earnSource)
    const earned = (await getDoc(db, COLLECTIONS.pointsLedger, earnId)) as LedgerEntry | null
    if (!earned) {
      if (await getDoc(db, WXPAY_NOTICES, `transaction:${transactionId}`)) {
        await note(`refund:${refundId}`, 'MALL_REFUND.SUCCESS', 'no-points')
        return done()
      }
      return retry(503, '尚未收到该笔交易的支付通知')
    }
    const versions = await rules.versions(db)
    const version =
      versions.find((v) => v.version === earned.purchase?.rulesVersion) ??
      (await rules.at(db, new Date(earned.at).toISOString()))
    if (!version) return retry(503, '积分规则未配置')
    const written = await ledger.reverse({
      memberId: earned.memberId,
      earnSource,
      refundRef: refundId,
      points: refundScore({ refundFen: refundFen as number, rules: version.rules }),
      refundFen: refundFen as number,
      actor: WXPAY_ACTOR,
      refundPolicy: version.refundPolicy,
    })
    if ('error' in written) {
      const outcome = written.error === 'REFUND_EXCEEDS_PURCHASE' ? 'ignored' : 'no-member'
      await note(`refund:${refundId}`, 'MALL_REFUND.SUCCESS', outcome)
      return done()
    }
    if (!written.repeated) await audited(earned.memberId, 'update', 'points-wxpay-refund')
    const kept = earned.delta - (written.refunds?.reversedPoints ?? 0)
    await queue.enqueue(
      {
        transactionId,
        memberId: earned.memberId,
        openid,
        state: {
          earnPoints: kept > 0,
          increasedPoints: Math.max(0, kept),
          updatedAt: new Date(written.entry.at).toISOString(),
          ...(kept > 0 ? {} : { noPointsRemarks: '交易已退款' }),
        },
      },
      { refund: true },
    )
    return done()
  }

  return {
    async handle(event) {
      if (event.httpMethod !== 'POST' || event.path !== NOTIFY_PATH)
        return {
          statusCode: 404,
          headers: JSON_HEADERS,
          body: JSON.stringify({ code: 'NOT_FOUND', message: '无此接口' }),
        }
      const body = typeof event.body === 'string' ? event.body : ''
      const keys = deps.noticeKeys()
      const check = verifyNotice({
        headers: event.headers ?? {},
        body,
        platformKeys: keys.platformKeys,
        nowMs: clock.now(),
      })
      if (check !== 'ok') return retry(401, '签名验证失败')
      let envelope: Envelope
      let notice: MallNotice
      try {
        envelope = JSON.parse(body) as Envelope
        if (!envelope.resource) throw new Error('no resource')
        notice = JSON.parse(decryptResource(envelope.resource, keys.apiV3Key)) as MallNotice
      } catch {
        return retry(400, '通知解密失败')
      }
      const eventType = typeof envelope.event_type === 'string' ? envelope.event_type : ''
      const noticeId = typeof envelope.id === 'string' && REF.test(envelope.id) ? envelope.id : ''
      const openid = typeof notice.openid === 'string' && OPENID.test(notice.openid) ? notice.openid : ''
      if (!openid || !noticeId) return retry(400, '通知内容不完整')
      switch (eventType) {
        case 'MALL_AUTH.ACTIVATE_CARD':
          return authorise(notice, openid, noticeId)
        case 'MALL_TRANSACTION.SUCCESS':
          return transaction(notice, openid)
        case 'MALL_REFUND.SUCCESS':
          return refund(notice, openid)
        default:
          await note(`other:${noticeId}`, eventType.slice(0, 64), 'ignored')
          return done()
      }
    },
  }
}
