/**
 * Birthday multipliers (6.4.1): scored from the keyed birthday marks on the member record — the
 * birth date itself stays encrypted — at the counter, on refunds, and for every member whose
 * birth date is set, changed, cleared, consented to by a guardian or erased.
 */
import { DEMO_PERSONAS } from '../../database/seed'
import type { AwardAnswer, RefundAnswer, ScoredPurchase } from '../../src/domain/contracts/points'
import type { MultiplierRule } from '../../src/domain/points/earning'
import type { HistoryEntry } from '../../src/domain/points/model'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'
import { BIRTHDAY_RULES, publishMultipliers, staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)
const COUNTER = DEMO_PERSONAS.counter

const { day: BIRTHDAY, month: BIRTH_MONTH } = BIRTHDAY_RULES

/** 10:00 in China on `day`. */
const tenAm = (day: string) => `${day}T02:00:00.000Z`

/** Rules with these multipliers only (no member day), in force from now on. */
const publish = (multipliers: MultiplierRule[]) => publishMultipliers(env, multipliers)

let phones = 0
async function join(form: Record<string, unknown> = VALID_FORM) {
  const openid = shopper()
  phones += 1
  const phone = `1390000${String(3000 + phones)}`
  const answer = await env.join(openid, { ...form, phone })
  if (!answer.ok) throw new Error(`join failed: ${answer.code}`)
  return { openid, phone, memberId: (await env.memberIdOf(openid)) as string }
}

const { birthDate: _given, ...NO_BIRTH_DATE } = VALID_FORM

const award = async (ref: string, receiptNo: string, amountFen = 10_000) =>
  dataOf<AwardAnswer>(await staffCall(COUNTER, 'awardPoints', { ref, receiptNo, amountFen }))

const lineOf = (answer: { lines: Array<{ label: string; detail: string; points: number }> }) =>
  answer.lines.map((line) => [line.label, line.detail, line.points])

const recordOf = async (memberId: string) =>
  (await env.all('members')).find((doc) => doc._id === memberId) as Record<string, unknown> | undefined

const marksOf = async (memberId: string) => (await recordOf(memberId))?.birthdayMarks

describe('birthday multipliers at the counter', () => {
  it('[6.4.1] doubles a purchase on the birthday, not the day before, and 积分明细 says why', async () => {
    env.clock.set(tenAm('2025-05-16'))
    const { openid, memberId } = await join()
    await publish([BIRTHDAY])
    expect(await award(memberId, 'B1')).toMatchObject({ points: 100 })

    env.clock.set(tenAm('2025-05-17'))
    const preview = dataOf<ScoredPurchase>(
      await staffCall(COUNTER, 'previewPurchase', { ref: memberId, amountFen: 10_000 }),
    )
    expect(lineOf(preview)).toEqual([
      ['基础', '1 分/元', 100],
      ['生日', '2 倍', 100],
    ])
    const awarded = await award(memberId, 'B2')
    expect(awarded).toMatchObject({ points: 200, lines: preview.lines })

    const history = dataOf<{ entries: HistoryEntry[] }>(await env.call(openid, 'pointsHistory', {}))
    expect(history.entries[0].lines).toEqual(['基础 1 分/元 +100', '生日 2 倍 +100'])
  })

  it('[6.4.1] applies a birth-month multiplier on any day of the month, not in the next', async () => {
    env.clock.set(tenAm('2025-05-01'))
    const { memberId } = await join()
    await publish([BIRTH_MONTH])
    expect(lineOf(await award(memberId, 'M1'))).toEqual([
      ['基础', '1 分/元', 100],
      ['生日月', '1.5 倍', 50],
    ])
    env.clock.set(tenAm('2025-05-31'))
    expect(await award(memberId, 'M2')).toMatchObject({ points: 150 })
    env.clock.set(tenAm('2025-06-01'))
    expect(await award(memberId, 'M3')).toMatchObject({ points: 100 })
  })

  it('[6.4.1] never gives a birthday multiplier to a member without a birth date', async () => {
    env.clock.set(tenAm('2025-05-16'))
    const given = await join()
    const { memberId } = await join({ ...NO_BIRTH_DATE, ageDeclared: true })
    await publish([BIRTHDAY, BIRTH_MONTH])
    env.clock.set(tenAm('2025-05-17'))
    expect(await award(given.memberId, 'N1')).toMatchObject({ points: 200 })
    expect(await award(memberId, 'N2')).toMatchObject({ points: 100 })
    expect(await recordOf(memberId)).not.toHaveProperty('birthdayMarks')
  })

  it('celebrates a 29 February birthday on 28 February of a year without a 29th', async () => {
    env.clock.set(tenAm('2027-02-27'))
    const { memberId } = await join({ ...VALID_FORM, birthDate: '2000-02-29' })
    await publish([BIRTHDAY])
    expect(await award(memberId, 'F1')).toMatchObject({ points: 100 })
    env.clock.set(tenAm('2027-02-28'))
    expect(await award(memberId, 'F2')).toMatchObject({ points: 200 })
    env.clock.set(tenAm('2027-03-01'))
    expect(await award(memberId, 'F3')).toMatchObject({ points: 100 })
  })

  it('[6.4.1] takes back what a birthday purchase earned when it is refunded, whenever the refund comes', async () => {
    env.clock.set(tenAm('2025-05-16'))
    const { memberId } = await join()
    await publish([BIRTHDAY])
    env.clock.set(tenAm('2025-05-17'))
    expect(await award(memberId, 'R1')).toMatchObject({ points: 200 })
    env.clock.set(tenAm('2025-05-20'))
    const refund = (refundRef: string, refundFen: number) =>
      staffCall(COUNTER, 'refundPurchase', { receiptNo: 'R1', refundRef, refundFen })
    expect(dataOf<RefundAnswer>(await refund('RF1', 5_000))).toMatchObject({ points: 100 })
    expect(dataOf<RefundAnswer>(await refund('RF2', 5_000))).toMatchObject({ points: 100 })
    expect((await recordOf(memberId))?.points).toBe(0)
  })
})

describe('the birthday in the ledger', () => {
  it('is recorded with an earn only when the rules have a birthday multiplier', async () => {
    env.clock.set(tenAm('2025-05-17'))
    const { memberId } = await join()
    expect(await award(memberId, 'L1')).toMatchObject({ points: 100 })
    await publish([BIRTH_MONTH])
    expect(await award(memberId, 'L2')).toMatchObject({ points: 150 })
    const entries = (await env.all('points_ledger')).filter((entry) => entry.memberId === memberId)
    const purchaseOf = (receiptNo: string) =>
      entries.find((entry) => entry._id.endsWith(`:${receiptNo}`))?.purchase
    expect(purchaseOf('L1')).not.toHaveProperty('birthday')
    expect(purchaseOf('L2')).toMatchObject({ birthday: { day: true, month: true } })
  })
})

describe('birthday marks on the member record', () => {
  it('[5.1] keeps keyed hashes bound to the member, never the birth date in clear', async () => {
    const first = await join()
    const second = await join()
    const marks = (await marksOf(first.memberId)) as { day: string; month: string }
    expect(marks).toEqual({
      day: expect.stringMatching(/^[0-9a-f]{64}$/),
      month: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    // Two members born the same day do not share marks.
    const other = (await marksOf(second.memberId)) as { day: string; month: string }
    expect(other.day).not.toBe(marks.day)
    expect(other.month).not.toBe(marks.month)
    expect(JSON.stringify(await env.all('members'))).not.toMatch(/05-17|1990/)
  })

  it('[6.4.1][7.2] moves with a corrected birth date and goes when it is removed', async () => {
    env.clock.set(tenAm('2025-05-16'))
    const { openid, memberId } = await join()
    await publish([BIRTHDAY])
    const before = await marksOf(memberId)
    dataOf(await env.call(openid, 'updateProfile', { birthDate: '1990-08-01' }))
    expect(await marksOf(memberId)).not.toEqual(before)
    env.clock.set(tenAm('2025-05-17'))
    expect(await award(memberId, 'C1')).toMatchObject({ points: 100 })
    env.clock.set(tenAm('2025-08-01'))
    expect(await award(memberId, 'C2')).toMatchObject({ points: 200 })

    dataOf(await env.call(openid, 'updateProfile', { birthDate: null }))
    expect(await recordOf(memberId)).not.toHaveProperty('birthdayMarks')
    env.clock.advance(86_400_000 * 365)
    expect(await award(memberId, 'C3')).toMatchObject({ points: 100 })
  })

  it('[L-5] are made for a child only once a guardian has consented', async () => {
    const { openid, memberId } = await join({ ...VALID_FORM, birthDate: '2014-01-01' })
    expect(await recordOf(memberId)).not.toHaveProperty('birthdayMarks')
    env.clock.advance(61_000)
    const code = await env.codeVia(openid, 'sendGuardianCode', { phone: '13900000020' }, '13900000020')
    const consented = await env.call(openid, 'recordGuardianConsent', {
      guardianName: '张大山',
      relation: 'father',
      phone: '13900000020',
      smsCode: code,
      noticeVersion: VALID_FORM.noticeVersion,
    })
    expect(consented).toMatchObject({ ok: true })
    expect(await marksOf(memberId)).toEqual({ day: expect.any(String), month: expect.any(String) })
  })

  it('[7.2] go with the member record when the account is deleted', async () => {
    const { openid, phone, memberId } = await join()
    const marks = (await marksOf(memberId)) as { day: string; month: string }
    expect(marks.day).toMatch(/^[0-9a-f]{64}$/)
    expect(await env.deleteAccount(openid, phone)).toMatchObject({ ok: true })
    const dump = await env.dump()
    expect(dump).not.toContain(marks.day)
    expect(dump).not.toContain(marks.month)
  })
})
