/**
 * SMS verification codes (4.2.1.1, L-11).
 *
 * - A code is 6 digits from crypto.randomInt, stored only as a keyed HMAC bound to purpose and
 *   phone; it is valid 5 minutes, for one use. Codes are per WeChat user: each user asking for
 *   a phone has their own code, so nobody can replace or cancel the code another user waits for.
 * - Every check counts as a try, in the one conditional write that also consumes a right code
 *   (a right code costs that write alone; a wrong one is read first, to tell why); a check is
 *   only answered when that write took a try, so parallel guesses cannot get more than 5
 *   answers; the 5th wrong try locks the code, and a new one may then be asked for at once.
 * - A new code for the same phone, purpose and user can be asked for after 60 s. Daily limits
 *   (China date), every refusal with the seconds until it ends (`retryAfter`):
 *   10 sends per WeChat user, whatever the phone; 5 per user and phone; 10 per phone from all
 *   users together — except that each user's first 3 codes of the day for a phone are always
 *   sent, so strangers spending a phone's 10 cannot keep its owner from joining or changing
 *   phone (each stranger is held to 10 sends a day in all).
 * - The 60-s rule decides first (the code is placed), the daily counts after it: requests that
 *   lose the race for one code never hold a unit of a limit, so concurrent senders are never
 *   told of a limit nobody reached.
 *
 * Every document names what it is about in indexed fields: `phoneIndex` (the phone's blind
 * index) and `requester` (the blind index of the OPENID), so deleting a member removes them at
 * once (7.2).
 *
 * All counting uses conditional updates (`where({ _id, count: _.lt(n) }).update(_.inc(1))`) and
 * `add` with a fixed `_id`, which stay correct under concurrency without multi-document
 * transactions (CloudBase only has single-document ones).
 */
import { randomInt, timingSafeEqual } from 'node:crypto'

import { secondsToChinaMidnight } from '../../src/domain/errors'
import type { Clock } from './clock'
import { addUnique, COLLECTIONS, getDoc, type Db } from './db'
import { errorSummary, fail, failUntil, ok, type Result } from './errors'
import { createDailyCounts, requesterOf } from './quota'
import type { Vault } from './vault'

/** What a code proves; a code for one purpose never passes for another. */
export type SmsPurpose = 'join' | 'changePhone' | 'bindCard' | 'guardian' | 'delete'

export const SMS_CODE_TTL_MS = 5 * 60_000
export const SMS_RESEND_AFTER_MS = 60_000
export const SMS_MAX_TRIES = 5
/** Sends a day per WeChat user, whatever the phone. */
export const SMS_DAILY_LIMIT = 10
/** Sends a day per WeChat user and phone. */
export const SMS_DAILY_LIMIT_PER_PAIR = 5
/** Sends a day per phone from all WeChat users together, beyond each user's own first codes. */
export const SMS_DAILY_LIMIT_PER_PHONE = 10
/** A user's first codes of the day for a phone, sent even when the phone's shared limit is spent. */
export const SMS_OWN_DAILY_ALLOWANCE = 3

/** The subset of `cloud.openapi` used here. */
export interface SmsOpenApi {
  cloudbase: {
    sendSms(params: {
      env: string
      phoneNumberList: string[]
      smsType: 'Notification' | 'Marketing'
      templateId: string
      templateParamList: string[]
    }): Promise<{ sendStatusList?: { code?: string; message?: string }[] }>
  }
}

/**
 * Template id used when SMS_TEMPLATE_ID is not configured: local-cloud's fake accepts it; the
 * real API refuses it (logged, SMS_SEND_FAILED), so production must set SMS_TEMPLATE_ID.
 */
export const FALLBACK_SMS_TEMPLATE_ID = 'verification-code'

export interface SmsConfig {
  /** CloudBase environment id that pays for the message. */
  env: string
  /** Notification template with two parameters: {1} the code, {2} minutes of validity. */
  templateId: string
}

export interface SmsService {
  /** `openid` is the caller's (from the platform); `phone` is validated by the caller. */
  send(input: {
    purpose: SmsPurpose
    phone: string
    openid: string
  }): Promise<Result<{ expiresIn: number; resendAfter: number }>>
  /** Checks the caller's code and, when it is right, consumes it: a second use fails. */
  verify(input: { purpose: SmsPurpose; phone: string; openid: string; code: string }): Promise<Result<null>>
}

export interface SmsDeps {
  db: Db
  vault: Vault
  clock: Clock
  openapi: SmsOpenApi
  config: SmsConfig
}

interface CodeDoc {
  _id: string
  purpose: SmsPurpose
  codeHash: string
  requester: string
  /** The phone's blind index: with `requester`, what deleting a member looks for. */
  phoneIndex: string
  sentAt: Date
  expiresAt: Date
  tries: number
  consumed: boolean
}

const SECONDS = (ms: number) => Math.round(ms / 1000)

export function createSmsService({ db, vault, clock, openapi, config }: SmsDeps): SmsService {
  const _ = db.command
  const codes = () => db.collection(COLLECTIONS.smsCodes)
  const counts = createDailyCounts({ db, clock })

  const codeId = (purpose: SmsPurpose, phoneIndex: string, requester: string) =>
    `${purpose}:${phoneIndex}:${requester}`
  const hashCode = (purpose: SmsPurpose, phone: string, code: string) =>
    vault.keyedHash('sms-code', `${purpose}|${phone}|${code}`)
  const locked = (doc: CodeDoc) => !doc.consumed && doc.tries >= SMS_MAX_TRIES
  const tooSoon = (doc: CodeDoc, now: number) =>
    !locked(doc) && doc.sentAt.getTime() > now - SMS_RESEND_AFTER_MS
  const resendIn = (doc: CodeDoc | null, now: number) =>
    failUntil('SMS_RESEND_TOO_SOON', SECONDS((doc ? doc.sentAt.getTime() : now) + SMS_RESEND_AFTER_MS - now))

  /**
   * Writes the new code over the one read before (`existing`), only if it is still that code
   * (a compare-and-set on its hash and time): concurrent sends cannot both win. The first code
   * is a plain add.
   */
  async function place(doc: CodeDoc, existing: CodeDoc | null): Promise<boolean> {
    if (!existing)
      return addUnique(db, COLLECTIONS.smsCodes, doc as unknown as CodeDoc & Record<string, unknown>)
    const { _id, ...fields } = doc
    const { stats } = await codes()
      .where({ _id, codeHash: existing.codeHash, sentAt: existing.sentAt })
      .update({ data: fields })
    return stats.updated === 1
  }

  /** Puts back what `place` replaced, after a limit refused the send. */
  async function unplace(doc: CodeDoc, existing: CodeDoc | null): Promise<void> {
    const mine = codes().where({ _id: doc._id, codeHash: doc.codeHash })
    if (!existing) {
      await mine.remove()
      return
    }
    const { _id, ...fields } = existing
    await mine.update({ data: fields })
  }

  /**
   * Takes one unit of each daily limit, or none: false when one is reached. Each user's first
   * codes of the day for a phone do not depend on what others spent on that phone.
   */
  async function spend(phoneIndex: string, requester: string): Promise<boolean> {
    const user = { requester }
    const pair = { phoneIndex, requester }
    const phone = { phoneIndex }
    const userId = counts.idOf('user', user)
    const pairId = counts.idOf('pair', pair)
    const phoneId = counts.idOf('phone', phone)
    const taken: string[] = []
    const undo = async () => {
      await Promise.all(taken.map((id) => counts.giveBack(id)))
      return false
    }
    if (!(await counts.take(userId, user, SMS_DAILY_LIMIT))) return false
    taken.push(userId)
    const own = await counts.take(pairId, pair, SMS_OWN_DAILY_ALLOWANCE)
    if (!own && !(await counts.bump(pairId, SMS_DAILY_LIMIT_PER_PAIR))) return undo()
    taken.push(pairId)
    // The phone's count holds every send; only sends beyond the user's own allowance are capped.
    if (!(await counts.take(phoneId, phone, own ? Infinity : SMS_DAILY_LIMIT_PER_PHONE))) return undo()
    return true
  }

  return {
    async send({ purpose, phone, openid }) {
      const now = clock.now()
      const requester = requesterOf(vault, openid)
      const phoneIndex = vault.blindIndex('phone', phone)
      const id = codeId(purpose, phoneIndex, requester)

      const existing = (await getDoc(db, COLLECTIONS.smsCodes, id)) as CodeDoc | null
      if (existing && tooSoon(existing, now)) return resendIn(existing, now)

      const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
      const doc: CodeDoc = {
        _id: id,
        purpose,
        codeHash: hashCode(purpose, phone, code),
        requester,
        phoneIndex,
        sentAt: new Date(now),
        expiresAt: new Date(now + SMS_CODE_TTL_MS),
        tries: 0,
        consumed: false,
      }
      // The 60-s rule first: a request that loses the race for the code never holds a unit of
      // a daily limit, so it cannot make a concurrent one see a limit nobody reached.
      if (!(await place(doc, existing))) {
        const current = (await getDoc(db, COLLECTIONS.smsCodes, id)) as CodeDoc | null
        return resendIn(current, now)
      }
      if (!(await spend(phoneIndex, requester))) {
        await unplace(doc, existing)
        return failUntil('SMS_DAILY_LIMIT', secondsToChinaMidnight(now))
      }

      try {
        const answer = await openapi.cloudbase.sendSms({
          env: config.env,
          phoneNumberList: [`+86${phone}`],
          smsType: 'Notification',
          templateId: config.templateId,
          templateParamList: [code, String(SMS_CODE_TTL_MS / 60_000)],
        })
        const status = answer?.sendStatusList?.[0]?.code
        if (status !== undefined && status.toLowerCase() !== 'ok') throw new Error(`send status ${status}`)
      } catch (error) {
        console.error('[sms] send failed', errorSummary(error))
        // The shopper may try again at once; the quota stays spent so failures cannot loop.
        await codes().where({ _id: id, codeHash: doc.codeHash }).remove()
        return fail('SMS_SEND_FAILED')
      }
      return ok({ expiresIn: SECONDS(SMS_CODE_TTL_MS), resendAfter: SECONDS(SMS_RESEND_AFTER_MS) })
    },

    async verify({ purpose, phone, openid, code }) {
      const now = clock.now()
      const id = codeId(purpose, vault.blindIndex('phone', phone), requesterOf(vault, openid))
      const given = hashCode(purpose, phone, code)
      // The usual case, the right code in time: one conditional write counts the try and
      // consumes the code, with nothing read before it.
      const used = await codes()
        .where({
          _id: id,
          codeHash: given,
          consumed: false,
          tries: _.lt(SMS_MAX_TRIES),
          expiresAt: _.gt(new Date(now)),
        })
        .update({ data: { tries: _.inc(1), consumed: true } })
      if (used.stats.updated === 1) return ok(null)

      // Otherwise the code is read to tell why.
      const doc = (await getDoc(db, COLLECTIONS.smsCodes, id)) as CodeDoc | null
      if (!doc || doc.consumed || doc.expiresAt.getTime() <= now) return fail('SMS_CODE_EXPIRED', 'smsCode')
      // A locked code can be replaced at once: the answer says so (retryAfter 0).
      if (locked(doc)) return failUntil('SMS_CODE_LOCKED', 0, 'smsCode')

      // One conditional write counts the try, bound to this very code (its hash), and consumes
      // the code when it is right. The comparison is only answered when that write took one of
      // the 5 tries, so parallel guesses still get no more than 5 answers.
      const expected = Buffer.from(doc.codeHash, 'hex')
      const typed = Buffer.from(given, 'hex')
      const right = expected.length === typed.length && timingSafeEqual(expected, typed)
      const counted = await codes()
        .where({ _id: id, codeHash: doc.codeHash, consumed: false, tries: _.lt(SMS_MAX_TRIES) })
        .update({ data: right ? { tries: _.inc(1), consumed: true } : { tries: _.inc(1) } })
      if (counted.stats.updated !== 1) {
        const current = (await getDoc(db, COLLECTIONS.smsCodes, id)) as CodeDoc | null
        if (current && current.codeHash === doc.codeHash && locked(current))
          return failUntil('SMS_CODE_LOCKED', 0, 'smsCode')
        return fail('SMS_CODE_EXPIRED', 'smsCode')
      }
      if (right) return ok(null)
      return doc.tries + 1 >= SMS_MAX_TRIES
        ? failUntil('SMS_CODE_LOCKED', 0, 'smsCode')
        : fail('SMS_CODE_WRONG', 'smsCode')
    },
  }
}
