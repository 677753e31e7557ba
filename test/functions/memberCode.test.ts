/**
 * The member code at the till (issue #11): the member's secret, issued once and rotated on
 * request; the counter's lookup by a scanned code — current or just turned, never a stale
 * screenshot or a replay — answered masked and audited; the code gone with the account.
 */
import { createMemberCodes, nodeHmacSha1 } from '../../cloudfunctions/common/points/memberCode'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { MemberCodeSecret } from '../../src/domain/contracts/memberCode'
import type { LookedUpMember } from '../../src/domain/contracts/lookup'
import { hexToBytes, memberCodeToken } from '../../src/domain/points/memberCode'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'
import { staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)
const COUNTER = DEMO_PERSONAS.counter

async function joined(form: Record<string, unknown> = VALID_FORM) {
  const openid = shopper()
  const memberId = await env.member(openid, form)
  return { openid, memberId }
}

const secretOf = async (openid: string, action = 'memberCodeSecret') =>
  dataOf<MemberCodeSecret>(await env.call(openid, action))

/** The token the member's phone shows at `at` (ms). */
const tokenAt = (code: MemberCodeSecret, at = env.clock.now()) =>
  memberCodeToken(code.codeId, nodeHmacSha1, hexToBytes(code.secret), at)

const scan = (code: string, openid: string = COUNTER) => staffCall(openid, 'lookupByCode', { code })

describe('member.memberCodeSecret / rotateMemberCode', () => {
  it('issues a 20-byte secret and a random code id once, and answers the same one after', async () => {
    const { openid, memberId } = await joined()
    const first = await secretOf(openid)
    expect(first).toEqual({
      codeId: expect.stringMatching(/^[0-9A-Z]{8}$/),
      secret: expect.stringMatching(/^[0-9a-f]{40}$/),
      digits: 8,
      stepSeconds: 30,
    })
    expect(await secretOf(openid)).toEqual(first)
    const docs = await env.all('member_codes')
    expect(docs).toHaveLength(1)
    // At rest: neither the code id nor the secret in clear, the id only as a keyed hash.
    const stored = JSON.stringify(docs)
    expect(stored).not.toContain(first.secret)
    expect(stored).not.toContain(first.codeId)
    expect(docs[0]).toMatchObject({ memberId })
  })

  it('rotates to a new code: the old one stops resolving', async () => {
    const { openid, memberId } = await joined()
    const old = await secretOf(openid)
    const oldToken = tokenAt(old)
    const rotated = await secretOf(openid, 'rotateMemberCode')
    expect(rotated.codeId).not.toBe(old.codeId)
    expect(rotated.secret).not.toBe(old.secret)
    expect(await secretOf(openid)).toEqual(rotated)
    expect(await scan(oldToken)).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' })
    expect(dataOf<{ member: LookedUpMember }>(await scan(tokenAt(rotated))).member.ref).toBe(memberId)
    expect(await env.all('member_codes')).toHaveLength(1)
  })

  it('[L-14] records the member reading their code as an own view, and a rotation as a change', async () => {
    const { openid, memberId } = await joined()
    await secretOf(openid)
    const record = (await env.all('members')).find((m) => m._id === memberId)
    expect(record?.viewDays).toHaveLength(1)
    await secretOf(openid, 'rotateMemberCode')
    expect(
      (await env.all('audit_log')).filter((e) => e.memberId === memberId && e.action === 'update'),
    ).toEqual([expect.objectContaining({ purpose: 'membership', fields: ['memberCode'], success: true })])
  })

  it('is for members only', async () => {
    expect(await env.call(shopper(), 'memberCodeSecret')).toMatchObject({ ok: false })
    expect(await env.all('member_codes')).toHaveLength(0)
  })
})

describe('staff.lookupByCode', () => {
  it('[L-7] answers the member of the scanned code masked, as lookupMember shows them', async () => {
    const { openid, memberId } = await joined()
    const found = dataOf<{ member: LookedUpMember }>(await scan(tokenAt(await secretOf(openid))))
    expect(found.member).toEqual({
      ref: memberId,
      name: '张*',
      phone: '138****5678',
      memberNo: expect.stringMatching(/^\*{8}\d{4}$/),
      tier: 'normal',
      tierLabel: expect.any(String),
      points: 0,
      store: { id: DEMO_STORES.xuhui, name: expect.any(String) },
    })
    expect(JSON.stringify(found)).not.toContain(VALID_FORM.phone)
  })

  it('[L-14] audits the read under the staff member and the purpose', async () => {
    const { openid, memberId } = await joined()
    await scan(tokenAt(await secretOf(openid)))
    expect(
      (await env.all('audit_log')).filter((e) => e.memberId === memberId && e.action === 'read'),
    ).toEqual([
      expect.objectContaining({
        actor: 'staff:staff-demo-counter',
        purpose: 'membership',
        fields: ['name', 'phone'],
        success: true,
      }),
    ])
  })

  it('accepts the code of the step before (it just turned), refuses an older one as expired', async () => {
    const { openid } = await joined()
    const code = await secretOf(openid)
    const shown = tokenAt(code)
    env.clock.advance(30_000)
    expect(await scan(shown)).toMatchObject({ ok: true })
    const screenshot = tokenAt(code)
    env.clock.advance(60_000)
    expect(await scan(screenshot)).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' })
  })

  it('refuses a code scanned twice for the same action (a replay)', async () => {
    const { openid } = await joined()
    const token = tokenAt(await secretOf(openid))
    expect(await scan(token)).toMatchObject({ ok: true })
    expect(await scan(token)).toMatchObject({ ok: false, code: 'MEMBER_CODE_USED' })
    // The next step's code is fresh.
    env.clock.advance(30_000)
    expect(await scan(tokenAt(await secretOf(openid)))).toMatchObject({ ok: true })
  })

  it('lets the same code serve another staff action once (a lookup, then points)', async () => {
    const { openid, memberId } = await joined()
    const token = tokenAt(await secretOf(openid))
    expect(await scan(token)).toMatchObject({ ok: true })
    const codes = createMemberCodes({ db: env.db, vault: env.vault, keys: env.keys(), clock: env.clock })
    expect(await codes.resolve(token, env.clock.now(), 'earn')).toEqual({ ok: true, data: { memberId } })
    expect(await codes.resolve(token, env.clock.now(), 'earn')).toMatchObject({
      ok: false,
      code: 'MEMBER_CODE_USED',
    })
  })

  it('resolves each member’s code to that member only', async () => {
    const a = await joined()
    const b = await joined({ ...VALID_FORM, phone: '13900001111' })
    const codeA = await secretOf(a.openid)
    const codeB = await secretOf(b.openid)
    expect(dataOf<{ member: LookedUpMember }>(await scan(tokenAt(codeB))).member.ref).toBe(b.memberId)
    expect(dataOf<{ member: LookedUpMember }>(await scan(tokenAt(codeA))).member.ref).toBe(a.memberId)
    // A's code id with B's digits names nobody.
    const forged = tokenAt(codeA).slice(0, 10) + tokenAt(codeB).slice(10)
    env.clock.advance(30_000)
    expect(await scan(forged)).toMatchObject({ ok: false })
  })

  it('refuses wrong digits and what is not a member code', async () => {
    const { openid } = await joined()
    const token = tokenAt(await secretOf(openid))
    const wrong = token.slice(0, 10) + String((Number(token.slice(10)) + 1) % 1e8).padStart(8, '0')
    expect(await scan(wrong)).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' })
    expect(await scan('hello')).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' })
  })

  it('[5.3] does not show a member of another store', async () => {
    const { openid } = await joined({ ...VALID_FORM, storeId: DEMO_STORES.pudong })
    expect(await scan(tokenAt(await secretOf(openid)))).toMatchObject({
      ok: false,
      code: 'LOOKUP_MEMBER_UNKNOWN',
    })
  })

  it('is counter work: a shopper cannot scan', async () => {
    const { openid } = await joined()
    expect(await scan(tokenAt(await secretOf(openid)), shopper())).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })
})

describe('deletion', () => {
  it('[7.2] removes the member’s code with the account: the code resolves no more', async () => {
    const { openid } = await joined()
    const token = tokenAt(await secretOf(openid))
    expect(await env.all('member_codes')).toHaveLength(1)
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
    expect(await env.all('member_codes')).toHaveLength(0)
    expect(await scan(token)).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' })
  })
})
