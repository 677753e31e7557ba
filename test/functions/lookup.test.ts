/**
 * The counter's member lookup: by the member number's last four digits within the staff
 * member's stores, masked, every read audited; full reveals of one field with a reason, 20 a
 * day.
 */
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { LookupAnswer, RevealAnswer } from '../../src/domain/contracts/lookup'
import { createTestEnv, dataOf, shopper, VALID_FORM, type Answer, type TestEnv } from './support'
import { staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)

const COUNTER = DEMO_PERSONAS.counter
const COUNTER_ACTOR = 'staff:staff-demo-counter'

/** Joins a shopper and answers their member id and number. */
async function joined(form: Record<string, unknown> = VALID_FORM) {
  const openid = shopper()
  const answer = await env.join(openid, form)
  const memberNo = dataOf<{ member: { memberNo: string } }>(answer).member.memberNo
  return { openid, memberNo, id: (await env.memberIdOf(openid)) as string, tail: memberNo.slice(-4) }
}

const lookup = async (openid: string, tail: string) =>
  dataOf<LookupAnswer>(await staffCall(openid, 'lookupMember', { tail }))

const readsOf = async (memberId: string) =>
  (await env.all('audit_log')).filter((e) => e.memberId === memberId && e.action === 'read')

describe('staff.lookupMember', () => {
  it('[L-7] answers the members of the store with those last digits, every identifier masked', async () => {
    const member = await joined()
    const found = await lookup(COUNTER, member.tail)
    expect(found.truncated).toBe(false)
    expect(found.revealsLeft).toBe(20)
    expect(found.members).toEqual([
      {
        ref: member.id,
        name: '张*',
        phone: '138****5678',
        memberNo: `********${member.tail}`,
        tier: 'normal',
        tierLabel: expect.any(String),
        points: 0,
        store: { id: DEMO_STORES.xuhui, name: expect.any(String) },
      },
    ])
    expect(JSON.stringify(found)).not.toContain('13812345678')
    expect(JSON.stringify(found)).not.toContain(member.memberNo)
  })

  it('[L-14] audits the read of each member shown, with the staff member and the purpose', async () => {
    const member = await joined()
    await lookup(COUNTER, member.tail)
    expect(await readsOf(member.id)).toEqual([
      expect.objectContaining({
        actor: COUNTER_ACTOR,
        action: 'read',
        purpose: 'membership',
        fields: ['name', 'phone'],
        success: true,
      }),
    ])
  })

  it('[5.3] does not find a member of another store', async () => {
    const mine = await joined()
    const other = await joined({ ...VALID_FORM, storeId: DEMO_STORES.pudong, phone: '13900001111' })
    // Both numbers end alike (as every 10,000th does): only the store's own member is found.
    await env.db
      .collection('members')
      .doc(other.id)
      .update({ data: { memberNoTail: mine.tail } })
    expect((await lookup(COUNTER, mine.tail)).members.map((m) => m.ref)).toEqual([mine.id])
    expect(await readsOf(other.id)).toEqual([])
  })

  it('does not show a child waiting for a guardian', async () => {
    const member = await joined()
    await env.db
      .collection('members')
      .doc(member.id)
      .update({ data: { status: 'guardian_pending' } })
    expect((await lookup(COUNTER, member.tail)).members).toEqual([])
    expect(await readsOf(member.id)).toEqual([])
  })

  it('refuses anything but four digits, and callers who are not counter staff or managers', async () => {
    for (const tail of ['123', '12345', 'abcd', ''])
      expect(await staffCall(COUNTER, 'lookupMember', { tail })).toMatchObject({
        ok: false,
        code: 'LOOKUP_TAIL_INVALID',
      })
    expect(await staffCall(shopper(), 'lookupMember', { tail: '1234' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })
})

describe('staff.revealField', () => {
  const reveal = (openid: string, data: Record<string, unknown>) => staffCall(openid, 'revealField', data)

  it('[L-7] shows one field in full for a reason from the list, audited with the reason', async () => {
    const member = await joined()
    const answer = dataOf<RevealAnswer>(
      await reveal(COUNTER, { ref: member.id, field: 'phone', reason: 'verifyIdentity' }),
    )
    expect(answer).toEqual({ field: 'phone', value: '13812345678', revealsLeft: 19 })
    const entries = await readsOf(member.id)
    expect(entries).toEqual([
      expect.objectContaining({
        actor: COUNTER_ACTOR,
        purpose: 'membership',
        fields: ['phone'],
        reason: 'verifyIdentity',
        success: true,
      }),
    ])
    // The reason is signed with the entry: changing it is detected.
    const audit = env.audit()
    expect(audit.verify(entries[0])).toBe(true)
    expect(audit.verify({ ...entries[0], reason: 'complaint' })).toBe(false)
  })

  it('[L-7] refuses a reveal without a reason or with one not on the list, and counts none', async () => {
    const member = await joined()
    for (const reason of [undefined, '', 'curious'])
      expect(await reveal(COUNTER, { ref: member.id, field: 'name', reason })).toMatchObject({
        ok: false,
        code: 'REVEAL_REASON_REQUIRED',
      })
    expect(await readsOf(member.id)).toEqual([])
    expect((await lookup(COUNTER, member.tail)).revealsLeft).toBe(20)
  })

  it('[L-7] allows 20 reveals a day and refuses the 21st until midnight', async () => {
    const member = await joined()
    for (let i = 0; i < 20; i++)
      expect(await reveal(COUNTER, { ref: member.id, field: 'name', reason: 'memberRequest' })).toMatchObject(
        {
          ok: true,
        },
      )
    const refused = (await reveal(COUNTER, {
      ref: member.id,
      field: 'name',
      reason: 'memberRequest',
    })) as Answer & {
      retryAfter: number
      message: string
    }
    expect(refused).toMatchObject({ ok: false, code: 'REVEAL_DAILY_LIMIT' })
    expect(refused.retryAfter).toBeGreaterThan(0)
    expect(refused.message).toContain('0点')
    expect((await readsOf(member.id)).length).toBe(20)
    // The next China day, the allowance is back.
    env.clock.advance(refused.retryAfter * 1000)
    expect(await reveal(COUNTER, { ref: member.id, field: 'name', reason: 'memberRequest' })).toMatchObject({
      ok: true,
      data: { value: '张三', revealsLeft: 19 },
    })
  })

  it('[5.3] reveals nothing of a member of another store', async () => {
    const other = await joined({ ...VALID_FORM, storeId: DEMO_STORES.pudong, phone: '13900001111' })
    expect(await reveal(COUNTER, { ref: other.id, field: 'phone', reason: 'complaint' })).toMatchObject({
      ok: false,
      code: 'LOOKUP_MEMBER_UNKNOWN',
    })
    expect(await readsOf(other.id)).toEqual([])
  })
})
