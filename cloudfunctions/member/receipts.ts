/**
 * 小票积分, the member's side (issue #11): submitting a receipt photo the member covered on the
 * phone, with the receipt's store, number, amount and date, and the list of the member's claims.
 *
 * The photo was uploaded by the page under `receipts/<random name>`; the function reads it to
 * hash it (a duplicate photo is refused) and keeps its id only until the claim is decided. Any
 * refusal deletes the uploaded photo unless a claim holds it. The receipt number is sealed under
 * the member's data key until the review needs it; what stays is its keyed hash.
 */
import { createHash } from 'node:crypto'

import { allows, allowsOwnView } from '../../src/domain/consent/rules'
import type { MemberContract } from '../../src/domain/contracts/member'
import { chinaDate } from '../../src/domain/dates'
import { fail, ok, type Failure } from '../../src/domain/errors'
import { RECEIPT_PENDING_MAX } from '../../src/domain/receipt/model'
import { claimableDate } from '../../src/domain/receipt/rules'
import { wechatActor, type AuditLog } from '../common/audit'
import type { Clock } from '../common/clock'
import { addUnique, COLLECTIONS, getDoc, type Db, type Doc } from '../common/db'
import type { FileStore } from '../common/files'
import { memberKey, type KeyStore } from '../common/keystore'
import type { MemberDoc } from '../common/members/model'
import { openStore, openStores } from '../common/members/repository'
import { claimId, claimView, RECEIPT_NO_FIELD, receiptNoHash, type ReceiptClaimDoc } from '../common/receipts'
import type { Handlers } from '../common/router'
import type { StoreDirectory } from '../common/stores'
import type { Vault } from '../common/vault'

/** Claims the list shows: more than a member makes in a long while. */
const CLAIMS_SHOWN = 50

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const isImage = (content: Buffer) =>
  content.subarray(0, 8).equals(PNG) || (content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff)

type ReceiptActions = Pick<Handlers<MemberContract, MemberDoc>, 'submitReceipt' | 'myReceipts'>

export function createReceiptActions(deps: {
  db: Db
  vault: Vault
  clock: Clock
  audit: AuditLog
  keys: KeyStore
  stores: StoreDirectory
  files: FileStore
}): ReceiptActions {
  const { db, vault, clock, audit, keys, files } = deps
  const claims = () => db.collection(COLLECTIONS.receiptClaims)

  const storeName = async (id: string) => (await deps.stores.byId(db, id))?.name ?? ''

  /** A refused photo goes at once, unless a claim holds it (someone sent another claim's id). */
  async function refuse(fileId: string, failure: Failure): Promise<Failure> {
    const { data } = await claims().where({ fileId }).limit(1).get()
    if (data.length === 0) await files.remove([fileId])
    return failure
  }

  /** The claim with this id, answered as a retry when it is this member's with this photo. */
  async function existing(id: string, memberId: string, fileId: string) {
    const doc = (await getDoc(db, COLLECTIONS.receiptClaims, id)) as ReceiptClaimDoc | null
    if (!doc) return null
    if (doc.memberId === memberId && doc.fileId === fileId)
      return ok({ claim: claimView(doc, await storeName(doc.storeId)), repeated: true })
    return refuse(fileId, fail('RECEIPT_CLAIM_DUPLICATE', 'receiptNo'))
  }

  return {
    async submitReceipt(input, { caller, member }) {
      const { fileId } = input
      if (!allows(member, 'membership')) return refuse(fileId, fail('PURPOSE_CONSENT_REQUIRED', 'membership'))
      const now = clock.now()
      if (!(await openStore(deps, input.storeId))) return refuse(fileId, fail('STORE_UNKNOWN', 'storeId'))
      if (!claimableDate(input.date, chinaDate(now)))
        return refuse(fileId, fail('RECEIPT_DATE_INVALID', 'date'))
      const hash = receiptNoHash(vault, input.storeId, input.receiptNo)
      const id = claimId(vault, { ...input, receiptNoHash: hash })
      const before = await existing(id, member._id, fileId)
      if (before) return before

      const pending = await claims().where({ memberId: member._id, status: 'pending' }).count()
      if (pending.total >= RECEIPT_PENDING_MAX) return refuse(fileId, fail('RECEIPT_PENDING_LIMIT'))
      const content = await files.download(fileId)
      if (!content || !isImage(content)) return refuse(fileId, fail('RECEIPT_PHOTO_INVALID', 'fileId'))
      const imageHash = createHash('sha256').update(content).digest('hex')
      const { data: same } = await claims().where({ imageHash }).limit(1).get()
      if (same.length > 0) return refuse(fileId, fail('RECEIPT_PHOTO_DUPLICATE', 'fileId'))

      const cipher = await keys.cipher(memberKey(member._id))
      if (!cipher) return refuse(fileId, fail('INTERNAL'))
      const doc: ReceiptClaimDoc = {
        _id: id,
        memberId: member._id,
        storeId: input.storeId,
        receiptNoHash: hash,
        amountFen: input.amountFen,
        date: input.date,
        imageHash,
        status: 'pending',
        submittedAt: new Date(now),
        fileId,
        sealedReceiptNo: cipher.encrypt(RECEIPT_NO_FIELD, input.receiptNo),
      }
      if (!(await addUnique(db, COLLECTIONS.receiptClaims, doc as unknown as Doc))) {
        // A concurrent twin won: on the `_id` (same receipt) or on the photo's hash.
        return (
          (await existing(id, member._id, fileId)) ??
          refuse(fileId, fail('RECEIPT_PHOTO_DUPLICATE', 'fileId'))
        )
      }
      await audit.record({
        actor: wechatActor(vault, caller.openid),
        action: 'create',
        purpose: 'membership',
        memberId: member._id,
        fields: [],
        success: true,
        reason: 'receipt-submit',
      })
      return ok({ claim: claimView(doc, await storeName(doc.storeId)), repeated: false })
    },

    async myReceipts(_input, { caller, member }) {
      if (!allowsOwnView(member, 'membership')) return fail('PURPOSE_CONSENT_REQUIRED', 'membership')
      // The member's own view, counted per China day (L-14).
      await audit.ownView(member).record({
        actor: wechatActor(vault, caller.openid),
        action: 'read',
        purpose: 'membership',
        memberId: member._id,
        fields: [],
        success: true,
      })
      const { data } = await claims()
        .where({ memberId: member._id })
        .orderBy('submittedAt', 'desc')
        .limit(CLAIMS_SHOWN)
        .get()
      const docs = data as unknown as ReceiptClaimDoc[]
      return ok({
        claims: await Promise.all(docs.map(async (doc) => claimView(doc, await storeName(doc.storeId)))),
        stores: await openStores(deps),
      })
    },
  }
}
