import { createCallerCache } from '../../cloudfunctions/common/members/callers'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

type Call = (openid: string, action: string, data?: unknown) => ReturnType<TestEnv['call']>

/** Document reads per collection (both environments) from now on. */
function readsPerCollection(): () => Record<string, number> {
  let reads: Record<string, number> = {}
  env.cloud.onWire((action, params) => {
    if (action !== 'database.getDocument') return
    const name = String(params.collectionName)
    reads[name] = (reads[name] ?? 0) + 1
  })
  return () => {
    const seen = reads
    reads = {}
    return seen
  }
}

/** Cancels the account through `call` (WeChat's phone code for the number on file). */
async function deleteVia(call: Call, openid: string): Promise<void> {
  env.cloud.setPhoneNumber(VALID_FORM.phone, 'wx-own')
  expect(await call(openid, 'deleteAccount', { confirm: true, phoneCode: 'wx-own' })).toEqual({
    ok: true,
    data: { deleted: true },
  })
}

const memberNoOf = (answer: Awaited<ReturnType<TestEnv['call']>>) =>
  dataOf<{ member: { memberNo: string } | null }>(answer).member?.memberNo

describe('the caller’s member, remembered by the function instance', () => {
  it('reads only the member record for a caller the instance has seen; another instance reads the claim first', async () => {
    const openid = shopper()
    await env.member(openid)
    await env.call(openid, 'home')
    const reads = readsPerCollection()
    expect(await env.call(openid, 'pointsHistory')).toMatchObject({ ok: true })
    const warm = reads()
    expect(warm.members).toBe(1)
    expect(warm.identity_index).toBeUndefined()
    const other = env.memberWith({})
    expect(await other(openid, 'pointsHistory')).toMatchObject({ ok: true })
    expect(reads()).toMatchObject({ identity_index: 1, members: 1 })
  })

  it('reads only the member record at the first view of a member who joined on the same instance', async () => {
    const openid = shopper()
    await env.member(openid)
    const reads = readsPerCollection()
    expect(await env.call(openid, 'home')).toMatchObject({ data: { member: { status: 'active' } } })
    const first = reads()
    expect(first.members).toBe(1)
    expect(first.identity_index).toBeUndefined()
  })

  it('answers the new member of a caller who was deleted and joined again on another instance', async () => {
    const openid = shopper()
    const first = await env.member(openid)
    expect(await env.call(openid, 'home')).toMatchObject({ data: { member: { status: 'active' } } })
    const other = env.memberWith({})
    await deleteVia(other, openid)
    env.clock.advance(61_000)
    expect(await other(openid, 'sendJoinCode', { phone: VALID_FORM.phone })).toMatchObject({ ok: true })
    const joined = await other(openid, 'join', { ...VALID_FORM, smsCode: env.lastCode(VALID_FORM.phone) })
    const second = await env.memberIdOf(openid)
    expect(second).not.toBe(first)

    const reads = readsPerCollection()
    const home = await env.call(openid, 'home')
    expect(memberNoOf(home)).toBe(memberNoOf(joined))
    // The remembered member is gone: the claim is read again and names the new one.
    expect(reads()).toMatchObject({ members: 2, identity_index: 1 })
    expect(memberNoOf(await env.call(openid, 'home'))).toBe(memberNoOf(joined))
    expect(reads()).toMatchObject({ members: 1 })
    expect(reads().identity_index).toBeUndefined()
  })

  it('treats a remembered caller whose account was deleted elsewhere as a non-member, reading nothing of the erased member', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.call(openid, 'profile')
    await deleteVia(env.memberWith({}), openid)
    const audit = (await env.all('audit_log')).length

    const reads = readsPerCollection()
    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null } })
    expect(await env.call(openid, 'profile')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' })
    expect(await env.call(openid, 'exportData')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' })
    // Each call asks the claim again (the entry was dropped) and finds none; no identity, no key,
    // no consent or ledger of the erased member is read, and nothing is audited.
    expect(reads()).toEqual({ members: 1, identity_index: 3 })
    expect(await env.all('audit_log')).toHaveLength(audit)
    expect(await env.dump()).not.toContain(memberId)
  })

  it('goes back to the claim when the remembered member record is gone though the claim is not (a deletion died half-way), and the deletion can be run again', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.call(openid, 'home')
    await env.db.collection('members').doc(memberId).remove()

    const reads = readsPerCollection()
    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null } })
    // The record read under the remembered id is not read again for the same id from the claim.
    expect(reads()).toEqual({ members: 1, identity_index: 1 })
    await deleteVia(env.call, openid)
    expect(await env.memberIdOf(openid)).toBeNull()
    expect(await env.counts()).toMatchObject({ identities: 0 })
  })

  it('keeps answering a member waiting for a guardian from the remembered id', async () => {
    const openid = shopper()
    await env.member(openid, { ...VALID_FORM, birthDate: '2014-01-01' })
    expect(await env.call(openid, 'home')).toMatchObject({ data: { member: { status: 'guardian_pending' } } })
    const reads = readsPerCollection()
    expect(await env.call(openid, 'home')).toMatchObject({ data: { member: { status: 'guardian_pending' } } })
    expect(reads().identity_index).toBeUndefined()
  })
})

describe('the caller cache', () => {
  it('forgets the least recently seen caller beyond its capacity', () => {
    const cache = createCallerCache(2)
    cache.set('openid:a', 'm-a')
    cache.set('openid:b', 'm-b')
    expect(cache.get('openid:a')).toBe('m-a')
    cache.set('openid:c', 'm-c')
    expect(cache.get('openid:b')).toBeUndefined()
    expect(cache.get('openid:a')).toBe('m-a')
    expect(cache.get('openid:c')).toBe('m-c')
    cache.delete('openid:a')
    expect(cache.get('openid:a')).toBeUndefined()
  })
})
