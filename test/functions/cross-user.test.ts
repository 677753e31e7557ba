/**
 * Walks EVERY action of EVERY function as another WeChat user, with identity fields forged in
 * the event and in its data, and shows that none reads or changes the victim's data (L-17).
 * Actions are enumerated from the routers, so a new action is walked without editing this file.
 */
import { createMain } from '../../cloudfunctions/member/index'
import { DEMO_CARDS } from '../../database/seed'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import type { PlateView } from '../../src/domain/plate/model'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

const MEMBER_ACTIONS = createMain().actions

// The walk makes many members; the default 5 s is tight on a busy 2-core machine.
jest.setTimeout(30_000)

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const VICTIM_NAME = '欧阳娜娜'
const VICTIM_PHONE = VALID_FORM.phone
const VICTIM_PLATE = '沪AD12345'
const VICTIM_ID = '110105199005170011'
const VICTIM_ADDRESS = '上海市徐汇区漕溪北路1号'

interface Victim {
  openid: string
  memberId: string
  memberNo: string
  plateId: string
}

async function makeVictim(): Promise<Victim> {
  const openid = shopper()
  const memberId = await env.member(openid, { ...VALID_FORM, name: VICTIM_NAME })
  await env.grant(openid, 'parking')
  await env.grant(openid, 'idNumber')
  await env.grant(openid, 'marketing')
  const [plate] = dataOf<{ plates: PlateView[] }>(
    await env.call(openid, 'bindPlate', { plate: VICTIM_PLATE }),
  ).plates
  await env.call(openid, 'updateProfile', { address: VICTIM_ADDRESS, idNumber: VICTIM_ID })
  const card = DEMO_CARDS[1]
  env.clock.advance(61_000)
  await env.bindCard(openid, card)
  const profile = dataOf<{ profile: { memberNo: string } }>(await env.call(openid, 'profile')).profile
  return { openid, memberId, memberNo: profile.memberNo, plateId: plate.id }
}

/** Everything stored about the victim except the audit log (reads are appended there). */
async function victimState(memberId: string): Promise<string> {
  const all = JSON.parse(await env.dump()) as Record<string, Record<string, unknown>[]>
  const mine = Object.entries(all)
    .filter(([name]) => name !== 'audit_log' && name !== 'sms_codes' && name !== 'sms_quota')
    .map(([name, docs]) => [name, docs.filter((d) => JSON.stringify(d).includes(memberId))])
  return JSON.stringify(mine)
}

/** Data for any action, full of the victim's identity and identifiers. */
function forged(v: Victim): Record<string, unknown> {
  const identity = {
    openid: v.openid,
    OPENID: v.openid,
    openId: v.openid,
    memberId: v.memberId,
    _id: v.memberId,
  }
  return {
    ...identity,
    userInfo: { openId: v.openid, appId: 'wx0000000000000000' },
    memberNo: v.memberNo,
    id: v.plateId,
    plate: VICTIM_PLATE,
    phone: VICTIM_PHONE,
    smsCode: '123456',
    phoneCode: 'forged-code',
    cardNo: DEMO_CARDS[1].cardNo,
    purpose: 'parking',
    granted: false,
    confirm: true,
    noticeVersion: NOTICE_VERSION,
    address: 'forged',
    email: 'forged@example.com',
    idNumber: null,
    guardianName: '张大山',
    relation: 'father',
    name: '张三',
    storeId: VALID_FORM.storeId,
  }
}

const SECRETS = [VICTIM_NAME, '欧阳', VICTIM_PHONE, VICTIM_PLATE, VICTIM_ID, VICTIM_ADDRESS]

describe.each([
  ['a member', true],
  ['someone who is not a member', false],
])('[L-17] every member action called by %s with forged identity fields', (_who, attackerJoins) => {
  it.each(MEMBER_ACTIONS.map((a) => [a]))('%s neither reads nor changes the victim', async (action) => {
    const victim = await makeVictim()
    const attacker = shopper()
    if (attackerJoins) await env.member(attacker, { ...VALID_FORM, phone: '13900000077' })
    const before = await victimState(victim.memberId)
    const data = forged(victim)

    const answer = await env.cloud.invoke('member', { action, data, ...data }, { OPENID: attacker })
    const text = JSON.stringify(answer)
    for (const secret of SECRETS) expect([action, text.includes(secret)]).toEqual([action, false])
    expect(text).not.toContain(victim.memberNo)
    expect(text).not.toContain(victim.memberId)
    expect(await victimState(victim.memberId)).toBe(before)
    // And the victim's own view is intact.
    expect(await env.call(victim.openid, 'profile')).toMatchObject({
      data: { profile: { name: VICTIM_NAME, phone: VICTIM_PHONE, idNumber: VICTIM_ID } },
    })
  })
})

describe('[L-17][L-10] the wxevents function called by another user', () => {
  it.each([
    ['cancellation', { Event: 'user_authorization_cancellation' }],
    ['plate revocation', { Event: 'user_authorization_revoke', RevokeInfo: '1' }],
    ['phone revocation', { Event: 'user_authorization_revoke', RevokeInfo: '8' }],
  ])('refuses a %s naming the victim', async (_case, packet) => {
    const victim = await makeVictim()
    const before = await victimState(victim.memberId)
    // No forged userInfo here: the check under test is the caller's OPENID against the packet's.
    const { userInfo: _userInfo, ...fields } = forged(victim)
    const event = { ...fields, ...packet, OpenID: victim.openid, FromUserName: victim.openid }
    for (const SOURCE of ['wx_client', 'wx_devtools', 'wx_unknown', 'h5'])
      expect(await env.cloud.invoke('wxevents', event, { OPENID: shopper(), SOURCE })).toEqual({
        outcome: 'refused',
      })
    expect(await victimState(victim.memberId)).toBe(before)
  })
})

it('walks every action of the member function (the list comes from its router)', () => {
  expect(MEMBER_ACTIONS).toEqual(
    expect.arrayContaining([
      'home',
      'join',
      'profile',
      'bindPlate',
      'setConsent',
      'exportData',
      'deleteAccount',
      'bindCard',
    ]),
  )
  expect(MEMBER_ACTIONS.length).toBe(35)
})
