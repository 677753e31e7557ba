/**
 * 小票积分 (issue #11): the member submits a covered receipt photo; the counter or manager of the
 * store reviews it; points follow once through the receipt's ledger source; the photo is deleted
 * by either decision, by the 30-day close and by the account's deletion.
 */
import { randomBytes } from 'node:crypto'
import { staffDocId } from '../../cloudfunctions/common/staff'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { ReviewAnswer } from '../../src/domain/contracts/receipts'
import type { ReceiptClaimView, ReceiptQueueItem } from '../../src/domain/receipt/model'
import { registerScheduler, tick } from '../scheduler/support'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'
import { BIRTHDAY_RULES, publishMultipliers, staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
  // A Thursday in China; the receipts below are of the Tuesday before (the demo member day).
  env.clock.set('2024-06-20T02:00:00.000Z')
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)
const COUNTER = DEMO_PERSONAS.counter
const MANAGER = DEMO_PERSONAS.manager
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

let phones = 0
async function joined(): Promise<{ openid: string; memberId: string; phone: string }> {
  const openid = shopper()
  phones += 1
  const phone = `1391000${String(1000 + phones)}`
  await env.join(openid, { ...VALID_FORM, phone })
  return { openid, memberId: (await env.memberIdOf(openid)) as string, phone }
}

/** What the page does: uploads the covered photo from the member's phone. */
function upload(openid: string, content: Buffer = Buffer.concat([PNG_MAGIC, randomBytes(64)])): string {
  const name = randomBytes(12).toString('hex')
  return env.cloud.storage.upload(`receipts/${name}.png`, content, openid).fileID
}

const receipt = (fileId: string, extra: Record<string, unknown> = {}) => ({
  storeId: DEMO_STORES.xuhui,
  receiptNo: 'r-1001',
  amountFen: 12_800,
  date: '2024-06-18',
  fileId,
  ...extra,
})

const submit = (openid: string, data: Record<string, unknown>) => env.call(openid, 'submitReceipt', data)
const claims = () => env.all('receipt_claims')
const stored = (fileId: string) => env.cloud.storage.stat(fileId) !== undefined

async function submitted(openid: string, extra: Record<string, unknown> = {}) {
  const fileId = upload(openid)
  const answer = await submit(openid, receipt(fileId, extra))
  return { fileId, claim: dataOf<{ claim: ReceiptClaimView }>(answer).claim }
}

const review = (openid: string, claimId: string, decision: 'approve' | 'reject', reason?: string) =>
  staffCall(openid, 'reviewReceipt', { claimId, decision, ...(reason ? { reason } : {}) })

describe('member.submitReceipt', () => {
  it('keeps a pending claim with the photo, the receipt number only as a hash and sealed', async () => {
    const { openid, memberId } = await joined()
    const { fileId, claim } = await submitted(openid)
    expect(claim).toMatchObject({
      status: 'pending',
      statusLabel: '审核中',
      amount: '128.00',
      date: '2024-06-18',
    })
    const [doc] = await claims()
    expect(doc).toMatchObject({
      memberId,
      storeId: DEMO_STORES.xuhui,
      amountFen: 12_800,
      fileId,
      status: 'pending',
    })
    expect(doc.imageHash).toMatch(/^[0-9a-f]{64}$/)
    expect(await env.dump()).not.toContain('R-1001')
    const mine = dataOf<{ claims: ReceiptClaimView[] }>(await env.call(openid, 'myReceipts'))
    expect(mine.claims.map((c) => c.id)).toEqual([claim.id])
  })

  it('refuses the same store, receipt number, amount and date again, and deletes the second photo', async () => {
    const { openid } = await joined()
    await submitted(openid)
    const other = await joined()
    const second = upload(other.openid)
    expect(await submit(other.openid, receipt(second))).toMatchObject({
      ok: false,
      code: 'RECEIPT_CLAIM_DUPLICATE',
    })
    expect(stored(second)).toBe(false)
    expect(await claims()).toHaveLength(1)
  })

  it('refuses the same image under other receipt details (image hash), keeping the first claim’s photo', async () => {
    const { openid } = await joined()
    const image = Buffer.concat([PNG_MAGIC, randomBytes(64)])
    const first = upload(openid, image)
    dataOf(await submit(openid, receipt(first)))
    const again = upload(openid, image)
    expect(await submit(openid, receipt(again, { receiptNo: 'R-9999' }))).toMatchObject({
      ok: false,
      code: 'RECEIPT_PHOTO_DUPLICATE',
    })
    expect(stored(again)).toBe(false)
    expect(stored(first)).toBe(true)
    // Naming the first claim's photo for another receipt never deletes it.
    expect((await submit(openid, receipt(first, { receiptNo: 'R-8888' }))).ok).toBe(false)
    expect(stored(first)).toBe(true)
  })

  it('makes one claim of two identical submissions at once; a retry answers the first claim', async () => {
    const { openid } = await joined()
    const fileId = upload(openid)
    const answers = await Promise.all([submit(openid, receipt(fileId)), submit(openid, receipt(fileId))])
    expect(answers.every((a) => a.ok)).toBe(true)
    const ids = answers.map((a) => dataOf<{ claim: ReceiptClaimView }>(a).claim.id)
    expect(new Set(ids).size).toBe(1)
    expect(answers.map((a) => dataOf<{ repeated: boolean }>(a).repeated).sort()).toEqual([false, true])
    // Two uploads of the same photo at once: one claim, the other photo deleted.
    const image = Buffer.concat([PNG_MAGIC, randomBytes(64)])
    const [a, b] = [upload(openid, image), upload(openid, image)]
    const racing = await Promise.all([
      submit(openid, receipt(a, { receiptNo: 'R-2002' })),
      submit(openid, receipt(b, { receiptNo: 'R-2002' })),
    ])
    expect(racing.filter((r) => r.ok)).toHaveLength(1)
    expect(await claims()).toHaveLength(2)
    expect([stored(a), stored(b)].filter(Boolean)).toHaveLength(1)
  })

  it('refuses receipts older than 30 days, and more than 10 pending claims, deleting the photo', async () => {
    const { openid } = await joined()
    const old = upload(openid)
    expect(await submit(openid, receipt(old, { date: '2024-05-01' }))).toMatchObject({
      ok: false,
      code: 'RECEIPT_DATE_INVALID',
    })
    expect(stored(old)).toBe(false)
    for (let i = 0; i < 10; i += 1) await submitted(openid, { receiptNo: `R-30${i}` })
    const eleventh = upload(openid)
    expect(await submit(openid, receipt(eleventh, { receiptNo: 'R-311' }))).toMatchObject({
      ok: false,
      code: 'RECEIPT_PENDING_LIMIT',
    })
    expect(stored(eleventh)).toBe(false)
  })
})

describe('staff.receiptQueue and staff.reviewReceipt', () => {
  it('shows the store’s pending claims with a short-lived photo URL and the member masked', async () => {
    const { openid } = await joined()
    const { fileId, claim } = await submitted(openid)
    const queue = dataOf<{ items: ReceiptQueueItem[]; pending: number }>(
      await staffCall(COUNTER, 'receiptQueue', {}),
    )
    expect(queue.pending).toBe(1)
    const [item] = queue.items
    expect(item).toMatchObject({ id: claim.id, receiptNo: 'R-1001', amount: '128.00', date: '2024-06-18' })
    expect(item.member).toMatch(/^普通会员 · 会员号 \*+\d{4}$/)
    expect(JSON.stringify(item)).not.toContain(VALID_FORM.name)
    expect(env.cloud.storage.readTemp(item.photoUrl)?.equals(env.cloud.storage.read(fileId) as Buffer)).toBe(
      true,
    )
    expect(item.points).toBeGreaterThan(0)
  })

  it('approval earns the points once through the receipt source and deletes the photo', async () => {
    const { openid, memberId } = await joined()
    const { fileId, claim } = await submitted(openid)
    const [item] = dataOf<{ items: ReceiptQueueItem[] }>(await staffCall(COUNTER, 'receiptQueue', {})).items
    const approved = dataOf<ReviewAnswer>(await review(COUNTER, claim.id, 'approve'))
    expect(approved).toMatchObject({ status: 'approved', points: item.points, repeated: false })
    const entries = (await env.all('points_ledger')).filter((e) => e.memberId === memberId)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      _id: `earn:receipt:${DEMO_STORES.xuhui}:R-1001`,
      delta: item.points,
      reason: 'receipt-photo',
    })
    expect(stored(fileId)).toBe(false)
    const [doc] = await claims()
    expect(doc).toMatchObject({
      status: 'approved',
      points: item.points,
      reviewer: 'staff:staff-demo-counter',
    })
    expect(doc).not.toHaveProperty('fileId')
    expect(doc).not.toHaveProperty('sealedReceiptNo')
    // A retry answers the decision; another decision is refused; no second entry.
    expect(dataOf<ReviewAnswer>(await review(MANAGER, claim.id, 'approve')).repeated).toBe(true)
    expect(await review(MANAGER, claim.id, 'reject', 'blurry')).toMatchObject({
      code: 'RECEIPT_CLAIM_DECIDED',
    })
    expect((await env.all('points_ledger')).filter((e) => e.memberId === memberId)).toHaveLength(1)
    const mine = dataOf<{ claims: ReceiptClaimView[] }>(await env.call(openid, 'myReceipts'))
    expect(mine.claims[0]).toMatchObject({ status: 'approved', points: item.points })
  })

  it('[6.4.1] scores a receipt of the member’s birthday with the birthday multiplier, shown in the queue', async () => {
    env.clock.set('2025-05-17T01:00:00.000Z')
    const { openid, memberId } = await joined()
    await publishMultipliers(env, [BIRTHDAY_RULES.day])
    const { claim } = await submitted(openid, { date: '2025-05-17' })
    const [item] = dataOf<{ items: ReceiptQueueItem[] }>(await staffCall(COUNTER, 'receiptQueue', {})).items
    expect(item.points).toBe(256)
    expect(dataOf<ReviewAnswer>(await review(COUNTER, claim.id, 'approve'))).toMatchObject({ points: 256 })
    const [entry] = (await env.all('points_ledger')).filter((e) => e.memberId === memberId)
    expect(entry).toMatchObject({ delta: 256, purchase: { birthday: { day: true, month: true } } })
  })

  it('refuses to approve a receipt the counter already scored; the reviewer rejects it as 重复提交', async () => {
    const { openid, memberId } = await joined()
    const { fileId, claim } = await submitted(openid, { receiptNo: 'R-5005' })
    dataOf(await staffCall(COUNTER, 'awardPoints', { ref: memberId, receiptNo: 'R-5005', amountFen: 12_800 }))
    expect(await review(COUNTER, claim.id, 'approve')).toMatchObject({
      ok: false,
      code: 'RECEIPT_ALREADY_SCORED',
    })
    expect(stored(fileId)).toBe(true)
    expect(dataOf<ReviewAnswer>(await review(COUNTER, claim.id, 'reject', 'duplicate'))).toMatchObject({
      status: 'rejected',
      reason: '重复提交',
    })
    expect(stored(fileId)).toBe(false)
    expect((await env.all('points_ledger')).filter((e) => e.memberId === memberId)).toHaveLength(1)
  })

  it('rejection needs a reason from the list, deletes the photo, and the member reads the reason', async () => {
    const { openid } = await joined()
    const { fileId, claim } = await submitted(openid)
    expect(await review(COUNTER, claim.id, 'reject')).toMatchObject({ code: 'RECEIPT_REASON_REQUIRED' })
    expect(await review(COUNTER, claim.id, 'reject', 'because')).toMatchObject({
      code: 'RECEIPT_REASON_REQUIRED',
    })
    expect(stored(fileId)).toBe(true)
    dataOf(await review(COUNTER, claim.id, 'reject', 'blurry'))
    expect(stored(fileId)).toBe(false)
    const [doc] = await claims()
    expect(doc).not.toHaveProperty('fileId')
    const mine = dataOf<{ claims: ReceiptClaimView[] }>(await env.call(openid, 'myReceipts'))
    expect(mine.claims[0]).toMatchObject({
      status: 'rejected',
      statusLabel: '未通过',
      reason: '模糊不清',
      points: null,
    })
  })

  it('staff of another store neither see nor decide the claim', async () => {
    const { openid } = await joined()
    const { claim } = await submitted(openid)
    const other = shopper()
    await env.db.collection('staff').add({
      data: {
        _id: staffDocId(env.vault, other),
        staffId: 'staff-test-pudong',
        role: 'counter',
        storeIds: [DEMO_STORES.pudong],
        displayName: '浦东店导购',
        status: 'active',
        createdAt: new Date(env.clock.now()),
      },
    })
    expect(dataOf<{ items: unknown[] }>(await staffCall(other, 'receiptQueue', {})).items).toEqual([])
    expect(await review(other, claim.id, 'approve')).toMatchObject({ code: 'RECEIPT_CLAIM_UNKNOWN' })
  })
})

describe('closing and deleting', () => {
  it('closes claims pending over 30 days as 超期未审核 and deletes their photos', async () => {
    registerScheduler(env)
    const { openid } = await joined()
    const { fileId } = await submitted(openid)
    env.clock.set('2024-07-19T02:00:00.000Z')
    await tick(env, 'sweep')
    expect((await claims())[0].status).toBe('pending')
    env.clock.set('2024-07-21T02:00:00.000Z')
    const answer = await tick(env, 'sweep')
    expect(answer.data.jobs.closeReceiptClaims).toMatchObject({ closed: 1, complete: true })
    expect(stored(fileId)).toBe(false)
    const mine = dataOf<{ claims: ReceiptClaimView[] }>(await env.call(openid, 'myReceipts'))
    expect(mine.claims[0]).toMatchObject({ status: 'rejected', reason: '超期未审核' })
  })

  it('[7.2] deleting the account deletes pending claims and their photos; decided claims are unlinked', async () => {
    const { openid, memberId, phone } = await joined()
    const pending = await submitted(openid)
    const decided = await submitted(openid, { receiptNo: 'R-7007' })
    dataOf(await review(COUNTER, decided.claim.id, 'approve'))
    const copy = dataOf<{ export: { other: Record<string, Array<Record<string, unknown>>> } }>(
      await env.call(openid, 'exportData'),
    )
    expect(copy.export.other.receipt_claims).toHaveLength(2)
    for (const claim of copy.export.other.receipt_claims) {
      expect(claim).not.toHaveProperty('fileId')
      expect(claim).not.toHaveProperty('sealedReceiptNo')
    }
    dataOf(await env.deleteAccount(openid, phone))
    expect(stored(pending.fileId)).toBe(false)
    const left = await claims()
    expect(left.map((c) => c._id)).toEqual([decided.claim.id])
    expect(left[0].memberId).not.toBe(memberId)
    expect(left[0].memberId).toMatch(/^anon-/)
  })
})
