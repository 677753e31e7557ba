/**
 * The one writer of consent state (6.1, 6.6.1, L-13): every grant and withdrawal — by the
 * member, by a guardian, by a WeChat authorisation event, at sign-up and at cancellation — goes
 * into the member record's consent summary (what the scope guard reads on every use) and into
 * an append-only receipt that says what was agreed to, under which notice, when, and through
 * which channel.
 */
import type { Channel } from '../../../src/domain/consent/model'
import { NOTICE_VERSION, PURPOSES, type PurposeId } from '../../../src/domain/consent/purposes'
import type { Clock } from '../clock'
import { COLLECTIONS, type Db } from '../db'

// SOURCE values of calls made inside WeChat (the first element: a chain such as
// "wx_client,scf" names the original caller first). Anything else — a browser through an HTTP
// gateway, local-cloud's H5 server when it says so — is the H5 build.
const WEAPP_SOURCES = new Set(['wx_client', 'wx_devtools', 'wx_localdebug', 'wx_unknown'])

/**
 * The channel of a call, from the platform's call context, never from the request: a receipt
 * must say how consent was given, not what the client claims.
 */
export function channelOf(source: string | undefined): Channel {
  const first = source?.split(',')[0]?.trim()
  return first !== undefined && WEAPP_SOURCES.has(first) ? 'weapp' : 'h5'
}

export interface ConsentChange {
  memberId: string
  purpose: PurposeId
  granted: boolean
  channel: Channel
  /** The notice the member agreed under; the current one by default. */
  noticeVersion?: number
  /** Who gave it when it was not the member: a guardian (L-5). */
  givenBy?: 'guardian'
  /**
   * The shopper declared 我已年满 15 周岁，或已取得监护人同意 (L-5): the sign-up gave no birth date,
   * so this declaration is what the membership rests on.
   */
  ageDeclared?: true
  /** When it happened, if not now (e.g. the instant a new member joined). */
  at?: Date
}

export interface RecordOptions {
  /** Only when the member record matches this too (e.g. still waiting for a guardian). */
  when?: Record<string, unknown>
  /** Other fields of the member record written in the same update (e.g. the status). */
  also?: Record<string, unknown>
}

export interface ConsentRecorder {
  /**
   * The summary in the member record, then the receipt; false (and no receipt) when the record
   * is gone or does not match `when`.
   */
  record(change: ConsentChange, options?: RecordOptions): Promise<boolean>
  /** Only the receipt: the member record is written by the caller (a new member, or none left). */
  receipt(change: ConsentChange): Promise<void>
}

export function createConsentRecorder({ db, clock }: { db: Db; clock: Clock }): ConsentRecorder {
  async function receipt(change: ConsentChange, at: Date): Promise<void> {
    const { memberId, purpose, granted, channel, givenBy, ageDeclared } = change
    await db.collection(COLLECTIONS.consentReceipts).add({
      data: {
        memberId,
        purpose,
        noticeVersion: change.noticeVersion ?? NOTICE_VERSION,
        granted,
        at,
        channel,
        ...(givenBy ? { givenBy } : {}),
        ...(ageDeclared ? { ageDeclared } : {}),
      },
    })
  }

  return {
    async record(change, options = {}) {
      if (!PURPOSES[change.purpose]) throw new Error(`unknown purpose ${change.purpose}`)
      const at = new Date(clock.now())
      const entry = { granted: change.granted, noticeVersion: change.noticeVersion ?? NOTICE_VERSION, at }
      const { stats } = await db
        .collection(COLLECTIONS.members)
        .where({ ...options.when, _id: change.memberId })
        .update({ data: { ...options.also, [`consents.${change.purpose}`]: entry } })
      if (stats.updated !== 1) return false
      await receipt(change, at)
      return true
    },
    receipt: (change) => receipt(change, change.at ?? new Date(clock.now())),
  }
}
