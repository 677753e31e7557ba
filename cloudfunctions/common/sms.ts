/**
 * SMS verification codes (4.2.1.1, L-11).
 *
 * - A code is 6 digits from crypto.randomInt, stored only as a keyed HMAC bound to purpose and
 *   phone; it is valid 5 minutes, for one use, by the WeChat user who asked for it.
 * - Every check counts as a try, in the one conditional write that also consumes a right code
 *   (a right code costs that write alone; a wrong one is read first, to tell why); a check is
 *   only answered when that write took a try, so parallel guesses cannot get more than 5
 *   answers; the 5th wrong try locks the code.
 * - A new code for the same phone and purpose can be asked for after 60 s; at most 10 sends a
 *   day (China date) per phone and per WeChat user.
 *
 * All counting uses conditional updates (`where({ _id, count: _.lt(n) }).update(_.inc(1))`) and
 * `add` with a fixed `_id`, which stay correct under concurrency without multi-document
 * transactions (CloudBase only has single-document ones).
 */
import { randomInt, timingSafeEqual } from 'node:crypto'

import { chinaDate } from '../../src/domain/dates'
import type { Clock } from './clock'
import { addUnique, COLLECTIONS, getDoc, type Db } from './db'
import { errorSummary, fail, ok, type Result } from './errors'
import type { Vault } from './vault'

/** What a code proves; a code for one purpose never passes for another. */
export type SmsPurpose = 'join' | 'changePhone' | 'bindCard' | 'guardian' | 'delete'

export const SMS_CODE_TTL_MS = 5 * 60_000
export const SMS_RESEND_AFTER_MS = 60_000
export const SMS_MAX_TRIES = 5
export const SMS_DAILY_LIMIT = 10
/** Quota documents outlive their day a little, then a sweep may remove them. */
const QUOTA_RETENTION_MS = 2 * 24 * 3600_000

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
  /** `requester` is the caller's actor hash; `phone` is validated by the caller. */
  send(input: {
    purpose: SmsPurpose
    phone: string
    requester: string
  }): Promise<Result<{ expiresIn: number; resendAfter: number }>>
  /** Checks a code and, when it is right, consumes it: a second use fails. */
  verify(input: {
    purpose: SmsPurpose
    phone: string
    requester: string
    code: string
  }): Promise<Result<null>>
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
  sentAt: Date
  expiresAt: Date
  tries: number
  consumed: boolean
}

const SECONDS = (ms: number) => Math.round(ms / 1000)

export function createSmsService({ db, vault, clock, openapi, config }: SmsDeps): SmsService {
  const _ = db.command
  const codes = () => db.collection(COLLECTIONS.smsCodes)
  const quota = () => db.collection(COLLECTIONS.smsQuota)

  const codeId = (purpose: SmsPurpose, phone: string) => `${purpose}:${vault.blindIndex('phone', phone)}`
  const hashCode = (purpose: SmsPurpose, phone: string, code: string) =>
    vault.keyedHash('sms-code', `${purpose}|${phone}|${code}`)

  /**
   * Takes one unit of a daily quota; false when it is used up. Most sends are the first of the
   * day for their phone and user, so the quota document is created with the unit taken (one
   * write); only when it exists does a conditional increment follow.
   */
  async function take(id: string, day: string): Promise<boolean> {
    const created = await addUnique(db, COLLECTIONS.smsQuota, {
      _id: id,
      day,
      count: 1,
      expiresAt: new Date(clock.now() + QUOTA_RETENTION_MS),
    })
    if (created) return true
    const { stats } = await quota()
      .where({ _id: id, count: _.lt(SMS_DAILY_LIMIT) })
      .update({ data: { count: _.inc(1) } })
    return stats.updated === 1
  }

  async function giveBack(id: string): Promise<void> {
    await quota()
      .where({ _id: id, count: _.gt(0) })
      .update({ data: { count: _.inc(-1) } })
  }

  /**
   * Writes the new code unless one was sent less than 60 s ago; false when too soon. The first
   * code for a phone and purpose is a plain add; a later one replaces the old code only when the
   * resend interval has passed (a conditional update, so concurrent sends cannot both win).
   */
  async function place(doc: CodeDoc): Promise<boolean> {
    if (await addUnique(db, COLLECTIONS.smsCodes, doc as unknown as CodeDoc & Record<string, unknown>))
      return true
    const { _id, ...fields } = doc
    const { stats } = await codes()
      .where({ _id, sentAt: _.lte(new Date(clock.now() - SMS_RESEND_AFTER_MS)) })
      .update({ data: fields })
    return stats.updated === 1
  }

  return {
    async send({ purpose, phone, requester }) {
      const now = clock.now()
      const id = codeId(purpose, phone)

      // Cheap early answer; `place` below is the check that holds under concurrency.
      const existing = (await getDoc(db, COLLECTIONS.smsCodes, id)) as CodeDoc | null
      if (existing && existing.sentAt.getTime() > now - SMS_RESEND_AFTER_MS)
        return fail('SMS_RESEND_TOO_SOON')

      const day = chinaDate(now)
      const phoneQuota = `${day}:phone:${vault.blindIndex('phone', phone)}`
      const userQuota = `${day}:user:${requester}`
      if (!(await take(userQuota, day))) return fail('SMS_DAILY_LIMIT')
      if (!(await take(phoneQuota, day))) {
        await giveBack(userQuota)
        return fail('SMS_DAILY_LIMIT')
      }

      const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
      const doc: CodeDoc = {
        _id: id,
        purpose,
        codeHash: hashCode(purpose, phone, code),
        requester,
        sentAt: new Date(now),
        expiresAt: new Date(now + SMS_CODE_TTL_MS),
        tries: 0,
        consumed: false,
      }
      if (!(await place(doc))) {
        await Promise.all([giveBack(userQuota), giveBack(phoneQuota)])
        return fail('SMS_RESEND_TOO_SOON')
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

    async verify({ purpose, phone, requester, code }) {
      const now = clock.now()
      const id = codeId(purpose, phone)
      const given = hashCode(purpose, phone, code)
      // The usual case, the right code from the WeChat user who asked for it, in time: one
      // conditional write counts the try and consumes the code, with nothing read before it.
      const used = await codes()
        .where({
          _id: id,
          codeHash: given,
          requester,
          consumed: false,
          tries: _.lt(SMS_MAX_TRIES),
          expiresAt: _.gt(new Date(now)),
        })
        .update({ data: { tries: _.inc(1), consumed: true } })
      if (used.stats.updated === 1) return ok(null)

      // Otherwise the code is read to tell why.
      const doc = (await getDoc(db, COLLECTIONS.smsCodes, id)) as CodeDoc | null
      // A code asked for by another WeChat user is not this caller's code.
      if (!doc || doc.consumed || doc.requester !== requester || doc.expiresAt.getTime() <= now)
        return fail('SMS_CODE_EXPIRED', 'smsCode')
      if (doc.tries >= SMS_MAX_TRIES) return fail('SMS_CODE_LOCKED', 'smsCode')

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
        if (current && current.codeHash === doc.codeHash && !current.consumed)
          return fail('SMS_CODE_LOCKED', 'smsCode')
        return fail('SMS_CODE_EXPIRED', 'smsCode')
      }
      if (right) return ok(null)
      return fail(doc.tries + 1 >= SMS_MAX_TRIES ? 'SMS_CODE_LOCKED' : 'SMS_CODE_WRONG', 'smsCode')
    },
  }
}
