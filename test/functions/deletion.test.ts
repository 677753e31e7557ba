import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { createMain as createWxEventsMain } from '../../cloudfunctions/wxevents/index'
import { DEMO_CARDS } from '../../database/seed'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
let dir: string | undefined
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => {
  env.cloud.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

const NAME = '欧阳娜娜'
const PLATE = '沪AD12345'

/** A member with everything: profile fields, a plate, the ID number, a bound card. */
async function fullMember(openid: string): Promise<string> {
  const memberId = await env.member(openid, { ...VALID_FORM, name: NAME })
  await env.grant(openid, 'parking')
  await env.grant(openid, 'idNumber')
  await env.call(openid, 'bindPlate', { plate: PLATE })
  await env.call(openid, 'updateProfile', {
    address: '上海市徐汇区漕溪北路1号',
    idNumber: '110105199005170011',
  })
  const card = DEMO_CARDS[0]
  env.clock.advance(61_000)
  const bound = await env.bindCard(openid, card)
  if (!bound.ok) throw new Error(`bindCard failed: ${bound.code}`)
  return memberId
}

/** Every document that still names the member id, in any collection. */
async function mentions(memberId: string): Promise<string[]> {
  const all = JSON.parse(await env.dump()) as Record<string, unknown[]>
  return Object.entries(all).flatMap(([name, docs]) =>
    docs.filter((d) => JSON.stringify(d).includes(memberId)).map(() => name),
  )
}

describe('member.deleteAccount', () => {
  it('[7.2][L-9] needs the explicit confirmation flag', async () => {
    const openid = shopper()
    await env.member(openid)
    for (const data of [{}, { confirm: 'true' }, { confirm: 1 }])
      expect(await env.call(openid, 'deleteAccount', data)).toMatchObject({ code: 'CONFIRMATION_REQUIRED' })
    expect(await env.counts()).toMatchObject({ members: 1 })
  })

  it('[7.2][L-9][3.8] deletes identity and plates, destroys the data key, releases claims, keeps only anonymous evidence', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    const receiptsBefore = (await env.all('consent_receipts')).length
    const ledgerBefore = (await env.all('points_ledger')).length

    expect(await env.call(openid, 'deleteAccount', { confirm: true })).toEqual({
      ok: true,
      data: { deleted: true },
    })

    expect(await env.counts()).toMatchObject({ members: 0, identities: 0, identity_index: 0 })
    // Receipts stay as evidence (one more: the end of the basic consent), re-keyed to one random id.
    const receipts = await env.all('consent_receipts')
    expect(receipts).toHaveLength(receiptsBefore + 1)
    const anonymous = new Set(receipts.map((r) => r.memberId))
    expect(anonymous.size).toBe(1)
    expect([...anonymous][0]).toMatch(/^anon-[0-9a-f]{32}$/)
    expect(receipts).toContainEqual(expect.objectContaining({ purpose: 'membership', granted: false }))
    // The ledger stays for accounting, anonymised; the card is cancelled.
    const ledger = await env.all('points_ledger')
    expect(ledger).toHaveLength(ledgerBefore)
    expect(
      ledger.filter((e) => e.memberId !== undefined).every((e) => String(e.memberId).startsWith('anon-')),
    ).toBe(true)
    const card = (await env.all('cards')).find(
      (c) => c._id === env.vault.blindIndex('card', DEMO_CARDS[0].cardNo),
    )
    expect(card).toMatchObject({ status: 'cancelled' })
    expect(card).not.toHaveProperty('memberId')
    expect(card).not.toHaveProperty('fields')
    // Nothing but the (append-only, MAC-protected) audit log still names the member id.
    expect(new Set(await mentions(memberId))).toEqual(new Set(['audit_log']))
  })

  it('[7.2][5.1] leaves no way to find the member by phone or plate; phone, plate and WeChat user are free again', async () => {
    const openid = shopper()
    await fullMember(openid)
    await env.call(openid, 'deleteAccount', { confirm: true })
    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null } })

    env.clock.advance(61_000)
    const again = await env.member(openid)
    expect(again).toMatch(/^[0-9a-f]{32}$/)
    await env.grant(openid, 'parking')
    expect(await env.call(openid, 'bindPlate', { plate: PLATE })).toMatchObject({ ok: true })
    expect(await env.call(openid, 'profile')).toMatchObject({
      data: { profile: { name: '张三', card: null } },
    })
    expect(again).not.toBe(await env.memberIdOf(shopper()))
  })

  it('[7.2][3.8][5.3] leaves no plaintext and no data key of the member in the SQLite files of either environment', async () => {
    env.cloud.close()
    dir = mkdtempSync(path.join(tmpdir(), 'mm-deletion-'))
    env = await createTestEnv({ dataDir: dir })
    // local-cloud's stores zero freed pages (secure_delete): without it the removed wrapped key
    // would stay in the key environment's file as free-page residue.
    for (const name of env.cloud.envs())
      expect(env.cloud.sqliteOf(name).pragma('secure_delete', { simple: true })).toBe(1)
    const openid = shopper()
    const cardKeyId = `card:${env.vault.blindIndex('card', DEMO_CARDS[0].cardNo)}`
    const cardWrapped = (
      (await env.keyDb.collection('member_keys').doc(cardKeyId).get()).data?.wrappedKey as {
        ct: string
      }
    ).ct
    const memberId = await fullMember(openid)
    const [key] = (await env.all('member_keys')).filter((k) => k._id === memberId)
    const wrapped = (key.wrappedKey as { ct: string }).ct

    await env.call(openid, 'deleteAccount', { confirm: true })
    env.cloud.close()

    // Both databases (main and key environment) with their write-ahead logs.
    expect(readdirSync(dir)).toEqual(
      expect.arrayContaining(['local-cloud.sqlite', 'local-cloud-keys.sqlite']),
    )
    const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(path.join(dir as string, f))))
    const found = [
      NAME,
      '欧阳',
      VALID_FORM.phone,
      PLATE,
      '漕溪北路',
      '110105199005170011',
      DEMO_CARDS[0].phone,
    ].filter((secret) => bytes.includes(Buffer.from(secret, 'utf8')))
    expect(found).toEqual([])
    // The wrapped data keys (the member's, and the bound card's) are gone from the files too (no
    // stale page keeps them): crypto-shredding.
    expect(bytes.includes(Buffer.from(wrapped, 'utf8'))).toBe(false)
    expect(bytes.includes(Buffer.from(cardWrapped, 'utf8'))).toBe(false)
    env = await createTestEnv()
  })

  it("[7.2] removes the SMS codes and counts of the member's phone and of their requests, and no others", async () => {
    const openid = shopper()
    await env.member(openid)
    // A wrong card check of the member, a code a stranger asked for the member's phone, and
    // someone else's records that must stay.
    expect(
      await env.call(openid, 'sendCardCode', { cardNo: '6299999999999999', phone: VALID_FORM.phone }),
    ).toMatchObject({
      code: 'CARD_UNKNOWN',
    })
    const stranger = shopper()
    await env.sendCode(stranger)
    const other = shopper()
    await env.sendCode(other, '13911112222')
    const phoneIndex = env.vault.blindIndex('phone', VALID_FORM.phone)
    const requester = env.vault.blindIndex('openid', openid)
    const about = async () =>
      [...(await env.all('sms_codes')), ...(await env.all('sms_quota'))].filter((doc) => {
        const text = JSON.stringify(doc)
        return text.includes(phoneIndex) || text.includes(requester)
      })
    expect((await about()).length).toBeGreaterThanOrEqual(6)

    expect(await env.call(openid, 'deleteAccount', { confirm: true })).toMatchObject({ ok: true })
    expect(await about()).toEqual([])
    // The other user's code and counts (user, pair, phone) stay, and the stranger's own count.
    const others = [
      env.vault.blindIndex('openid', other),
      env.vault.blindIndex('phone', '13911112222'),
      env.vault.blindIndex('openid', stranger),
    ]
    const left = [...(await env.all('sms_codes')), ...(await env.all('sms_quota'))]
    expect(left).toHaveLength(5)
    for (const doc of left) expect(others.some((index) => JSON.stringify(doc).includes(index))).toBe(true)
  })

  it('[7.2] can be run again after a deletion that died half-way', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    // Died after removing the member record, before the claims.
    await env.db.collection('members').doc(memberId).remove()
    expect(await env.call(openid, 'deleteAccount', { confirm: true })).toMatchObject({ ok: true })
    expect(await env.counts()).toMatchObject({ identities: 0, identity_index: 0 })
  })
})

describe('WeChat authorisation events (wxevents)', () => {
  const push = (context: { OPENID?: string; SOURCE?: string }) =>
    createWxEventsMain({ clock: env.clock, getContext: () => context })

  it('[L-10] user_authorization_revoke with RevokeInfo 1 deletes the plates and withdraws parking', async () => {
    const openid = shopper()
    await env.member(openid)
    await env.grant(openid, 'parking')
    await env.call(openid, 'bindPlate', { plate: PLATE })
    const main = push({ SOURCE: 'wx_unknown' })
    expect(
      await main({
        Event: 'user_authorization_revoke',
        OpenID: openid,
        AppID: 'wx0000000000000000',
        RevokeInfo: '1',
      }),
    ).toEqual({ outcome: 'plates-deleted' })
    expect((await env.all('identity_index')).filter((c) => c.kind === 'plate')).toHaveLength(0)
    expect(await env.call(openid, 'plates')).toMatchObject({ code: 'PURPOSE_CONSENT_REQUIRED' })
    const receipts = await env.all('consent_receipts')
    expect(receipts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ purpose: 'parking', granted: false, channel: 'wechat' }),
      ]),
    )
  })

  it('[L-10] user_authorization_revoke with RevokeInfo 8 deletes the phone and its claim', async () => {
    const openid = shopper()
    await env.member(openid)
    expect(
      await push({ OPENID: openid })({ Event: 'user_authorization_revoke', OpenID: openid, RevokeInfo: '8' }),
    ).toEqual({
      outcome: 'phone-deleted',
    })
    const [identity] = await env.all('identities')
    expect(identity.fields).not.toHaveProperty('phone')
    expect(identity).not.toHaveProperty('phoneIndex')
    expect((await env.all('identity_index')).filter((c) => c.kind === 'phone')).toHaveLength(0)
    expect(await env.call(openid, 'profile')).toMatchObject({ data: { profile: { phone: '' } } })
  })

  it('[L-10][7.2] user_authorization_cancellation deletes the account', async () => {
    const openid = shopper()
    await fullMember(openid)
    expect(await push({})({ Event: 'user_authorization_cancellation', OpenID: openid })).toEqual({
      outcome: 'account-deleted',
    })
    expect(await env.counts()).toMatchObject({ members: 0, identities: 0, identity_index: 0 })
  })

  it('[L-17][L-10] refuses a shopper who calls it to delete someone else', async () => {
    const victim = shopper()
    await fullMember(victim)
    const attacker = shopper()
    const before = await env.counts()
    const packet = { Event: 'user_authorization_cancellation', OpenID: victim }
    // From the mini-program: the platform injects userInfo (and OPENID is the attacker).
    expect(await env.cloud.invoke('wxevents', packet, { OPENID: attacker })).toEqual({ outcome: 'refused' })
    expect(
      await env.cloud.invoke(
        'wxevents',
        { ...packet, FromUserName: victim },
        { OPENID: attacker, SOURCE: 'wx_devtools' },
      ),
    ).toEqual({
      outcome: 'refused',
    })
    // Any context naming another user, or an HTTP-shaped event, is refused too.
    expect(await push({ OPENID: attacker, SOURCE: 'wx_unknown' })(packet)).toEqual({ outcome: 'refused' })
    expect(await push({ SOURCE: 'wx_http' })(packet)).toEqual({ outcome: 'refused' })
    expect(await push({})({ ...packet, httpMethod: 'POST', headers: {} })).toEqual({ outcome: 'refused' })
    expect(await env.counts()).toEqual(before)
    expect(await env.call(victim, 'home')).toMatchObject({ data: { member: { name: '欧***' } } })
  })

  it('[L-10] ignores other events and answers no-member for an unknown user', async () => {
    expect(await push({})({ Event: 'user_info_modified', OpenID: shopper() })).toEqual({ outcome: 'ignored' })
    expect(await push({})({ Event: 'user_authorization_cancellation', OpenID: shopper() })).toEqual({
      outcome: 'no-member',
    })
    expect(await push({})({ Event: 'user_authorization_cancellation' })).toEqual({ outcome: 'ignored' })
    void NOTICE_VERSION
    void dataOf
  })
})
