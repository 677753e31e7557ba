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

  it('[7.2] asks for a code sent to the phone on file: without it, or with a wrong one, nothing is deleted', async () => {
    const openid = shopper()
    await env.member(openid)
    const before = await env.counts()
    expect(await env.call(openid, 'deleteAccount', { confirm: true })).toMatchObject({
      code: 'SMS_CODE_REQUIRED',
      field: 'smsCode',
    })
    // The code goes to the member's own phone: the request names none.
    expect(await env.call(openid, 'sendDeleteCode', { phone: '13900000001' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    const code = await env.codeVia(openid, 'sendDeleteCode', {}, VALID_FORM.phone)
    const wrong = code === '000000' ? '111111' : '000000'
    expect(await env.call(openid, 'deleteAccount', { confirm: true, smsCode: wrong })).toMatchObject({
      code: 'SMS_CODE_WRONG',
    })
    // A code for another purpose to the same phone does not pass either.
    const other = shopper()
    env.clock.advance(61_000)
    const joinCode = await env.sendCode(other, VALID_FORM.phone)
    expect(await env.call(openid, 'deleteAccount', { confirm: true, smsCode: joinCode })).toMatchObject({
      ok: false,
    })
    expect(await env.counts()).toMatchObject({ members: before.members, identities: before.identities })
    expect(await env.call(openid, 'deleteAccount', { confirm: true, smsCode: code })).toEqual({
      ok: true,
      data: { deleted: true },
    })
    expect(await env.counts()).toMatchObject({ members: 0, identities: 0 })
  })

  it('[7.2] takes WeChat’s phone code instead, only for the number on file', async () => {
    const openid = shopper()
    await env.member(openid)
    env.cloud.setPhoneNumber('13900000010', 'wx-other')
    expect(await env.call(openid, 'deleteAccount', { confirm: true, phoneCode: 'wx-other' })).toMatchObject({
      code: 'PHONE_MISMATCH',
    })
    expect(await env.counts()).toMatchObject({ members: 1 })
    env.cloud.setPhoneNumber(VALID_FORM.phone, 'wx-own')
    expect(await env.call(openid, 'deleteAccount', { confirm: true, phoneCode: 'wx-own' })).toMatchObject({
      ok: true,
    })
    expect(await env.counts()).toMatchObject({ members: 0 })
  })

  it('[7.2] a member without a phone on file (revoked through WeChat) confirms only', async () => {
    const openid = shopper()
    await env.member(openid)
    const main = createWxEventsMain({ clock: env.clock, getContext: () => ({ OPENID: openid }) })
    await main({ Event: 'user_authorization_revoke', OpenID: openid, RevokeInfo: '8' })
    expect(await env.call(openid, 'sendDeleteCode')).toMatchObject({ code: 'PHONE_NOT_ON_FILE' })
    expect(await env.call(openid, 'deleteAccount', { confirm: true })).toMatchObject({ ok: true })
    expect(await env.counts()).toMatchObject({ members: 0 })
  })

  it('[7.2][L-9][3.8] deletes identity and plates, destroys the data key, releases claims, keeps only anonymous evidence', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    const receiptsBefore = (await env.all('consent_receipts')).length
    const ledgerBefore = (await env.all('points_ledger')).length

    expect(await env.deleteAccount(openid)).toEqual({ ok: true, data: { deleted: true } })

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
    // Nothing kept names the member id, the audit log included (its entries are re-keyed).
    expect(await mentions(memberId)).toEqual([])
  })

  it('[7.2][3.8] leaves no link from the card to its history, the person or a later registration', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    const cardId = env.vault.blindIndex('card', DEMO_CARDS[0].cardNo)
    const cardEntries = (await env.all('points_ledger')).filter(
      (e) => e.cardId === cardId || e.memberId === memberId,
    )
    // The card's history, its transfer out and the transfer into the member.
    expect(cardEntries.map((e) => e._id)).toEqual(
      expect.arrayContaining([`card-out:${cardId}`, `card-in:${cardId}`]),
    )
    expect(cardEntries.length).toBeGreaterThanOrEqual(DEMO_CARDS[0].history.length + 2)
    const sum = (entries: Array<Record<string, unknown>>) => entries.reduce((n, e) => n + Number(e.delta), 0)

    await env.deleteAccount(openid)

    const all = JSON.parse(await env.dump()) as Record<string, Array<Record<string, unknown>>>
    // The card document is a bare tombstone: its id is all that is left of it.
    expect(all.cards.find((c) => c._id === cardId)).toEqual({ _id: cardId, status: 'cancelled' })
    const naming = (value: string) =>
      Object.entries(all).flatMap(([name, docs]) =>
        docs
          .filter((d) => !(name === 'cards' && d._id === cardId))
          .filter((d) => JSON.stringify(d).includes(value))
          .map((d) => `${name}/${String(d._id)}`),
      )
    expect(naming(cardId)).toEqual([])
    expect(naming(memberId).filter((where) => !where.startsWith('audit_log/'))).toEqual([])
    // The entries stay for the accounts, under the anonymous id of the member's receipts.
    const [receipt] = await env.all('consent_receipts')
    const anonymous = receipt.memberId as string
    const kept = (await env.all('points_ledger')).filter((e) => e.memberId === anonymous)
    expect(kept).toHaveLength(cardEntries.length)
    expect(sum(kept)).toBe(sum(cardEntries))
    expect(kept.every((e) => !('cardId' in e))).toBe(true)

    // The same WeChat user joins again: the card stays cancelled, nothing new meets the old rows.
    env.clock.advance(61_000)
    const again = await env.member(openid)
    const { cardNo, phone } = DEMO_CARDS[0]
    expect(await env.call(openid, 'sendCardCode', { cardNo, phone })).toMatchObject({
      code: 'CARD_CANCELLED',
    })
    const oldIds = new Set(kept.flatMap((e) => [e._id, e.memberId]))
    const fresh = JSON.parse(await env.dump()) as Record<string, Array<Record<string, unknown>>>
    const newDocs = Object.values(fresh)
      .flat()
      .filter((d) => JSON.stringify(d).includes(again))
    expect(newDocs.length).toBeGreaterThan(0)
    expect(newDocs.filter((d) => [...oldIds].some((id) => JSON.stringify(d).includes(String(id))))).toEqual(
      [],
    )
    expect(oldIds.has(again)).toBe(false)
  })

  it('[7.2] moves each card ledger entry once when a deletion dies between two moves and is run again', async () => {
    const openid = shopper()
    const memberId = await fullMember(openid)
    const cardId = env.vault.blindIndex('card', DEMO_CARDS[0].cardNo)
    const before = await env.all('points_ledger')
    const total = (entries: Array<Record<string, unknown>>) =>
      entries.reduce((n, e) => n + Number(e.delta), 0)
    // The function stops (a timeout, a lost instance) right after the second move committed.
    let commits = 0
    const stop = env.cloud.onTransactionStep(({ action }) => {
      if (action === 'database.commitTransaction' && ++commits === 2) throw new Error('instance lost')
    })
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: false })
    stop()
    const halfway = await env.all('points_ledger')
    expect(halfway).toHaveLength(before.length)
    expect(halfway.filter((e) => e.cardId === cardId).length).toBeGreaterThan(0)
    env.clock.advance(61_000)
    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })

    const after = await env.all('points_ledger')
    expect(after).toHaveLength(before.length)
    expect(total(after)).toBe(total(before))
    expect(
      after.filter((e) => JSON.stringify(e).includes(cardId) || JSON.stringify(e).includes(memberId)),
    ).toEqual([])
    expect((await env.all('cards')).find((c) => c._id === cardId)).toEqual({
      _id: cardId,
      status: 'cancelled',
    })
  })

  it('[7.2][5.1] leaves no way to find the member by phone or plate; phone, plate and WeChat user are free again', async () => {
    const openid = shopper()
    await fullMember(openid)
    await env.deleteAccount(openid)
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

  it('[7.2][3.8][5.3] leaves no plaintext, ciphertext or data key of the member in any file of the data directory, while it is open and after', async () => {
    env.cloud.close()
    dir = mkdtempSync(path.join(tmpdir(), 'mm-deletion-'))
    const dataDir = dir
    env = await createTestEnv({ dataDir })
    // local-cloud's stores zero freed pages (secure_delete): without it the removed wrapped key
    // would stay in the key environment's file as free-page residue.
    for (const name of env.cloud.envs())
      expect(env.cloud.sqliteOf(name).pragma('secure_delete', { simple: true })).toBe(1)
    const openid = shopper()
    const cardId = env.vault.blindIndex('card', DEMO_CARDS[0].cardNo)
    const ciphertexts = (docs: unknown[]) => JSON.stringify(docs).match(/(?<="ct":")[^"]+/g) ?? []
    const card = (await env.all('cards')).filter((c) => c._id === cardId)
    const cardKey = (await env.all('member_keys')).filter((k) => k._id === `card:${cardId}`)
    const memberId = await fullMember(openid)
    const identity = (await env.all('identities')).filter((d) => d._id === memberId)
    const key = (await env.all('member_keys')).filter((k) => k._id === memberId)
    const secrets: Record<string, string[]> = {
      plaintext: [
        NAME,
        '欧阳',
        VALID_FORM.phone,
        PLATE,
        '漕溪北路',
        '110105199005170011',
        DEMO_CARDS[0].phone,
      ],
      // The identity's fields and the card's own copy (before binding), each field's ciphertext.
      ciphertext: [...ciphertexts(identity), ...ciphertexts(card)],
      // The wrapped data keys, the member's and the bound card's: crypto-shredding.
      'wrapped key': [...ciphertexts(key), ...ciphertexts(cardKey)],
    }
    expect(secrets.ciphertext.length).toBeGreaterThanOrEqual(6)
    expect(secrets['wrapped key']).toHaveLength(2)
    /** The secrets still found in the data directory's files, the write-ahead logs included. */
    const leftOver = () => {
      const bytes = Buffer.concat(readdirSync(dataDir).map((f) => readFileSync(path.join(dataDir, f))))
      return Object.entries(secrets).flatMap(([what, values]) =>
        values
          .filter((value) => bytes.includes(Buffer.from(value, 'utf8')))
          .map((value) => `${what} ${value}`),
      )
    }
    // Before the deletion the files hold them (the test can see what it looks for).
    expect(leftOver()).toContain(`wrapped key ${ciphertexts(key)[0]}`)

    await env.deleteAccount(openid)

    // While the databases are open, as a copy of the directory or a kill -9 would find them.
    expect(readdirSync(dataDir)).toEqual(
      expect.arrayContaining([
        'local-cloud.sqlite',
        'local-cloud.sqlite-wal',
        'local-cloud.sqlite-shm',
        'local-cloud-keys.sqlite',
        'local-cloud-keys.sqlite-wal',
        'local-cloud-keys.sqlite-shm',
      ]),
    )
    expect(leftOver()).toEqual([])
    env.cloud.close()
    expect(leftOver()).toEqual([])
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

    expect(await env.deleteAccount(openid)).toMatchObject({ ok: true })
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
    const smsCode = await env.codeVia(openid, 'sendDeleteCode', {}, VALID_FORM.phone)
    // Died after removing the member record, before the claims.
    await env.db.collection('members').doc(memberId).remove()
    expect(await env.call(openid, 'deleteAccount', { confirm: true, smsCode })).toMatchObject({ ok: true })
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
