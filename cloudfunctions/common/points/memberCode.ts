/**
 * The member code's server side (issue #11, 5.1): each member has at most one code — a random
 * code id and a 20-byte TOTP secret — in `member_codes`. The document's `_id` is the keyed hash
 * of the code id, so the code id alone is nowhere in the database; the code id and the secret
 * are encrypted under the member's data key (crypto-shredded with it at deletion, and the
 * document goes too). A unique index on `memberId` keeps one code per member, also when two
 * first calls race.
 *
 * Resolving a scanned token accepts the current 30-second step and the one before (a code that
 * just turned while it was scanned). Older steps are a stale screenshot (MEMBER_CODE_EXPIRED),
 * and a step already used for the same staff action is a replay (MEMBER_CODE_USED): per code
 * and action the document keeps the last step used, moved forward by one conditional update,
 * so of two scans of the same code at once one wins. One number per action is all the record
 * there is: nothing to expire.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

import type { MemberCodeSecret } from '../../../src/domain/contracts/memberCode'
import { fail, ok, type Result } from '../../../src/domain/errors'
import {
  codeIdFrom,
  hexToBytes,
  bytesToHex,
  hotp,
  MEMBER_CODE_DIGITS,
  MEMBER_CODE_SECRET_BYTES,
  MEMBER_CODE_STEP_SECONDS,
  parseMemberCode,
  stepAt,
  type HmacSha1,
} from '../../../src/domain/points/memberCode'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../db'
import { memberKey, type KeyStore } from '../keystore'
import type { Sealed, Vault } from '../vault'

/** The staff actions a code is used for; a code may serve each once per step. */
export type MemberCodeUse = 'lookup' | 'earn'

/** How far back a matching code counts as a stale screenshot rather than a wrong code. */
const STALE_LOOKBACK_STEPS = (24 * 3600) / MEMBER_CODE_STEP_SECONDS

/** The encrypted field's name: the associated data binds the ciphertext to it and the member. */
const FIELD = 'memberCode'

export interface MemberCodeDoc extends Doc {
  memberId: string
  sealed: Sealed
  createdAt: Date
  /** Per staff action, the last step used. */
  used?: Partial<Record<MemberCodeUse, number>>
}

export interface MemberCodes {
  /** The member's code, issued on first call. Null: the member has no data key (deletion under way). */
  secretOf(memberId: string): Promise<MemberCodeSecret | null>
  /** A new code; the old one stops working. */
  rotate(memberId: string): Promise<MemberCodeSecret | null>
  /** The member a scanned token names, when it is current and not yet used for `use`. */
  resolve(token: string, nowMs: number, use: MemberCodeUse): Promise<Result<{ memberId: string }>>
  /** Deletion (7.2): the member's code goes. */
  remove(memberId: string): Promise<void>
}

export const nodeHmacSha1: HmacSha1 = (key, message) =>
  new Uint8Array(createHmac('sha1', key).update(message).digest())

const answer = (codeId: string, secret: string): MemberCodeSecret => ({
  codeId,
  secret,
  digits: MEMBER_CODE_DIGITS,
  stepSeconds: MEMBER_CODE_STEP_SECONDS,
})

function sameDigits(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
}

export function createMemberCodes(deps: { db: Db; vault: Vault; keys: KeyStore; clock: { now(): number } }) {
  const { db, vault, keys, clock } = deps
  const _ = db.command
  const codes = () => db.collection(COLLECTIONS.memberCodes)
  const idOf = (codeId: string) => vault.keyedHash('member-code', codeId)

  async function current(memberId: string): Promise<MemberCodeDoc | null> {
    const { data } = await codes().where({ memberId }).limit(1).get()
    return (data[0] as MemberCodeDoc | undefined) ?? null
  }

  async function open(doc: MemberCodeDoc): Promise<{ codeId: string; secret: string } | null> {
    const cipher = await keys.cipher(memberKey(doc.memberId))
    if (!cipher) return null
    const value = JSON.parse(cipher.decrypt(FIELD, doc.sealed)) as { codeId: string; secret: string }
    // The document must be the one its code id hashes to (a copied document opens nothing).
    return idOf(value.codeId) === doc._id ? value : null
  }

  /** Issues a code, or answers the one a concurrent call issued first. */
  async function issue(memberId: string): Promise<MemberCodeSecret | null> {
    const cipher = await keys.cipher(memberKey(memberId))
    if (!cipher) return null
    const codeId = codeIdFrom(randomBytes(8))
    const secret = bytesToHex(randomBytes(MEMBER_CODE_SECRET_BYTES))
    const doc: MemberCodeDoc = {
      _id: idOf(codeId),
      memberId,
      sealed: cipher.encrypt(FIELD, JSON.stringify({ codeId, secret })),
      createdAt: new Date(clock.now()),
    }
    if (await addUnique(db, COLLECTIONS.memberCodes, doc)) return answer(codeId, secret)
    const other = await current(memberId)
    const value = other && (await open(other))
    return value ? answer(value.codeId, value.secret) : null
  }

  return {
    async secretOf(memberId) {
      const doc = await current(memberId)
      if (!doc) return issue(memberId)
      const value = await open(doc)
      return value ? answer(value.codeId, value.secret) : null
    },

    async rotate(memberId) {
      await codes().where({ memberId }).remove()
      return issue(memberId)
    },

    async resolve(token, nowMs, use) {
      const parsed = parseMemberCode(token)
      if (!parsed) return fail('MEMBER_CODE_INVALID', 'code')
      const doc = (await getDoc(db, COLLECTIONS.memberCodes, idOf(parsed.codeId))) as MemberCodeDoc | null
      const value = doc && (await open(doc))
      if (!doc || !value) return fail('MEMBER_CODE_INVALID', 'code')
      const secret = hexToBytes(value.secret)
      const now = stepAt(nowMs)
      const matches = (step: number) => sameDigits(hotp(nodeHmacSha1, secret, step), parsed.digits)
      const step = [now, now - 1].find(matches)
      if (step === undefined) {
        for (let older = now - 2; older > now - STALE_LOOKBACK_STEPS; older--) {
          if (matches(older)) return fail('MEMBER_CODE_EXPIRED', 'code')
        }
        return fail('MEMBER_CODE_INVALID', 'code')
      }
      const field = `used.${use}`
      const { stats } = await codes()
        .where(
          _.or([
            { _id: doc._id, [field]: _.exists(false) },
            { _id: doc._id, [field]: _.lt(step) },
          ]),
        )
        .update({ data: { used: { [use]: step } } })
      if (stats.updated !== 1) return fail('MEMBER_CODE_USED', 'code')
      return ok({ memberId: doc.memberId })
    },

    async remove(memberId) {
      await codes().where({ memberId }).remove()
    },
  } satisfies MemberCodes
}
