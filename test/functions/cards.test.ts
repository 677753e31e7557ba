import { ok } from '../../cloudfunctions/common/errors'
import type { SmsService } from '../../cloudfunctions/common/sms'
import { DEMO_CARDS } from '../../database/seed'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import type { BindCardData } from '../../src/domain/card/model'
import type { DataExport } from '../../src/domain/member/model'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const [WANG, LI, CANCELLED] = DEMO_CARDS

/** Accepts any code: for what happens after verification (the race for the card). */
const anyCode: SmsService = {
  send: async () => ok({ expiresIn: 300, resendAfter: 60 }),
  verify: async () => ok(null),
}
const cardId = (cardNo: string) => env.vault.blindIndex('card', cardNo)

/** The member function over a test environment, past the code check (for races after it). */
function cardActions(on: TestEnv = env) {
  const call = on.memberWith({ sms: anyCode })
  return {
    bindCard: (caller: { openid: string }, input: Record<string, unknown>) =>
      call(caller.openid, 'bindCard', input),
  }
}

const request = (card: { cardNo: string; phone: string }) => ({
  cardNo: card.cardNo,
  phone: card.phone,
  smsCode: '000000',
})

describe('binding a card as a shopper who is not a member yet', () => {
  it('[4.2.1.1][4.2.2.1][4.1.2] makes them the member of that card after accepting the notice, with a receipt', async () => {
    const openid = shopper()
    const answer = await env.bindCard(openid, WANG, { noticeVersion: NOTICE_VERSION, ageDeclared: true })
    const { member, pointsMoved } = dataOf<BindCardData>(answer)
    expect(pointsMoved).toBe(1280)
    expect(member).toMatchObject({
      name: '王*',
      phone: '137****0001',
      points: 1280,
      status: 'active',
      hasCard: true,
    })
    expect(member.store.id).toBe(WANG.storeId)
    expect(await env.all('consent_receipts')).toEqual([
      expect.objectContaining({
        purpose: 'membership',
        granted: true,
        noticeVersion: NOTICE_VERSION,
        ageDeclared: true,
      }),
    ])
    expect(await env.call(openid, 'profile')).toMatchObject({
      data: { profile: { name: '王芳', phone: WANG.phone, card: { cardNo: WANG.cardNo } } },
    })
  })

  it('[L-5] refuses to make a member of the card without the age declaration: a card has no birth date', async () => {
    const openid = shopper()
    const answer = await env.bindCard(openid, WANG, { noticeVersion: NOTICE_VERSION })
    expect(answer).toMatchObject({ ok: false, code: 'AGE_DECLARATION_REQUIRED', field: 'ageDeclared' })
    expect(await env.counts()).toMatchObject({ members: 0, identities: 0, consent_receipts: 0 })
    expect((await env.all('cards')).find((c) => c._id === cardId(WANG.cardNo))).toMatchObject({
      status: 'issued',
    })
  })

  it('[4.1.2] needs the notice first', async () => {
    const openid = shopper()
    const smsCode = await env.codeVia(
      openid,
      'sendCardCode',
      { cardNo: WANG.cardNo, phone: WANG.phone },
      WANG.phone,
    )
    expect(
      await env.call(openid, 'bindCard', { cardNo: WANG.cardNo, phone: WANG.phone, smsCode }),
    ).toMatchObject({
      code: 'CONSENT_REQUIRED',
    })
    expect(await env.counts()).toMatchObject({ members: 0 })
  })
})

describe('binding a card as a member who joined online', () => {
  it('[4.2.2.1] moves the card’s points to the member as ledger entries, in one transaction with the balance', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    env.clock.advance(61_000)
    const { member, pointsMoved } = dataOf<BindCardData>(await env.bindCard(openid, LI))
    expect(pointsMoved).toBe(350)
    expect(member).toMatchObject({ points: 350, name: '张*', hasCard: true })
    expect(await env.call(openid, 'home')).toMatchObject({ data: { member: { hasCard: true } } })
    const ledger = await env.all('points_ledger')
    const id = cardId(LI.cardNo)
    expect(ledger).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ _id: `card-out:${id}`, cardId: id, delta: -350, reason: 'card_transfer' }),
        expect.objectContaining({ _id: `card-in:${id}`, memberId, delta: 350, reason: 'card_transfer' }),
      ]),
    )
    // The card: bound, no balance of its own, no copy of the identifiers any more.
    const card = (await env.all('cards')).find((c) => c._id === id)
    expect(card).toMatchObject({ status: 'bound', memberId, points: 0 })
    expect(card).not.toHaveProperty('fields')
    expect(card).not.toHaveProperty('wrappedKey')
    // Its data key is destroyed: no copy of the card's fields anywhere can be read again.
    expect((await env.all('member_keys')).map((k) => k._id)).not.toContain(`card:${id}`)
    // The card's history became the member's: it is in the data copy.
    const copy = dataOf<{ export: DataExport }>(await env.call(openid, 'exportData')).export
    expect(copy.pointsLedger.map((e) => e.delta).sort((a, b) => a - b)).toEqual([-350, 350, 350])
    expect(copy.card).toEqual({ cardNo: LI.cardNo, boundAt: expect.any(String) })
  })

  it('[4.2.2.1] a member holds one card: a second one is refused with MEMBER_HAS_CARD', async () => {
    const openid = shopper()
    await env.member(openid)
    env.clock.advance(61_000)
    await env.bindCard(openid, LI)
    expect(await env.call(openid, 'sendCardCode', { cardNo: WANG.cardNo, phone: WANG.phone })).toMatchObject({
      code: 'MEMBER_HAS_CARD',
    })
  })
})

describe('card errors', () => {
  it('[4.2.2.1] refuses a card bound elsewhere with CARD_ALREADY_BOUND', async () => {
    await env.bindCard(shopper(), WANG, { noticeVersion: NOTICE_VERSION, ageDeclared: true })
    const other = shopper()
    await env.member(other, { ...VALID_FORM, phone: '13900000001' })
    expect(await env.call(other, 'sendCardCode', { cardNo: WANG.cardNo, phone: WANG.phone })).toMatchObject({
      code: 'CARD_ALREADY_BOUND',
      field: 'cardNo',
    })
  })

  it('[4.2.2.1] binds a card once when 10 shoppers race past the code check at the same time', async () => {
    const openids = Array.from({ length: 10 }, () => shopper())
    for (const [i, openid] of openids.entries())
      await env.member(openid, { ...VALID_FORM, phone: `1390000001${i}` })
    const cards = cardActions()
    const answers = await Promise.all(openids.map((openid) => cards.bindCard({ openid }, request(LI))))
    expect(answers.filter((x) => x.ok)).toHaveLength(1)
    expect(answers.filter((x) => !x.ok && x.code === 'CARD_ALREADY_BOUND')).toHaveLength(9)
    const members = await env.all('members')
    expect(members.reduce((sum, m) => sum + Number(m.points), 0)).toBe(350)
    expect((await env.all('points_ledger')).filter((e) => e.reason === 'card_transfer')).toHaveLength(2)
  })

  it.each<[string, Record<string, unknown>, string, string | undefined]>([
    ['a malformed number', { cardNo: '12ab', phone: WANG.phone }, 'CARD_NO_INVALID', 'cardNo'],
    ['an unknown number', { cardNo: '6200000000009999', phone: WANG.phone }, 'CARD_UNKNOWN', 'cardNo'],
    ['the wrong phone', { cardNo: WANG.cardNo, phone: '13900000000' }, 'CARD_PHONE_MISMATCH', 'phone'],
    ['a cancelled card', { cardNo: CANCELLED.cardNo, phone: CANCELLED.phone }, 'CARD_CANCELLED', 'cardNo'],
    ['no phone', { cardNo: WANG.cardNo }, 'PHONE_REQUIRED', 'phone'],
  ])('[4.2.2.1] refuses %s with %s and sends no SMS', async (_case, data, code, field) => {
    expect(await env.call(shopper(), 'sendCardCode', data)).toMatchObject({ ok: false, code, field })
    expect(env.cloud.outbox.list({ kind: 'sms' })).toHaveLength(0)
  })

  it('[4.2.2.1] checks the code: a wrong one binds nothing', async () => {
    const openid = shopper()
    const code = await env.codeVia(
      openid,
      'sendCardCode',
      { cardNo: WANG.cardNo, phone: WANG.phone },
      WANG.phone,
    )
    const wrong = code === '000000' ? '111111' : '000000'
    const answer = await env.call(openid, 'bindCard', {
      cardNo: WANG.cardNo,
      phone: WANG.phone,
      smsCode: wrong,
      noticeVersion: NOTICE_VERSION,
      ageDeclared: true,
    })
    expect(answer).toMatchObject({ code: 'SMS_CODE_WRONG' })
    expect(await env.counts()).toMatchObject({ members: 0 })
    expect((await env.all('cards')).find((c) => c._id === cardId(WANG.cardNo))).toMatchObject({
      status: 'issued',
    })
  })
})

/**
 * What a binding race of one member for two cards leaves, whoever won: the member holds one card
 * with its points (ledger and balance agree), the other card is untouched and unclaimed.
 */
async function expectOneCardBound(
  on: TestEnv,
  memberId: string,
  answers: Array<{ ok: boolean; code?: string }>,
) {
  expect(answers.map((a) => (a.ok ? 'ok' : a.code)).sort()).toEqual(['MEMBER_HAS_CARD', 'ok'])
  const id = (cardNo: string) => on.vault.blindIndex('card', cardNo)
  const [member] = await on.all('members')
  const bound = [WANG, LI].find((card) => id(card.cardNo) === member.cardId)
  const other = [WANG, LI].find((card) => card !== bound)
  if (!bound || !other) throw new Error(`the member holds no demo card: ${String(member.cardId)}`)
  const points = { [WANG.cardNo]: 1280, [LI.cardNo]: 350 }
  expect(member.points).toBe(points[bound.cardNo])
  const cards = await on.all('cards')
  expect(cards.find((c) => c._id === id(bound.cardNo))).toMatchObject({
    status: 'bound',
    memberId,
    points: 0,
  })
  expect(cards.find((c) => c._id === id(other.cardNo))).toMatchObject({
    status: 'issued',
    points: points[other.cardNo],
  })
  const transfers = (await on.all('points_ledger')).filter((e) => e.reason === 'card_transfer')
  expect(transfers.map((e) => e._id).sort()).toEqual([
    `card-in:${id(bound.cardNo)}`,
    `card-out:${id(bound.cardNo)}`,
  ])
  const claims = await on.all('identity_index')
  expect(claims.find((c) => c._id === `card:${id(bound.cardNo)}`)).toMatchObject({ memberId })
  // No claim on the other card: no sweep would ever remove one held by a live member.
  expect(claims.map((c) => c._id)).not.toContain(`card:${id(other.cardNo)}`)
}

describe('one member binding two cards at once (transactions fail at once on a conflict, as on CloudBase)', () => {
  it('[4.2.2.1] binds one card and refuses the other with MEMBER_HAS_CARD, which another shopper may then bind', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    env.clock.advance(61_000)
    const cards = cardActions()
    const answers = await Promise.all([
      cards.bindCard({ openid }, request(LI)),
      cards.bindCard({ openid }, request(WANG)),
    ])
    await expectOneCardBound(env, memberId, answers)
    const loser = answers[0].ok ? WANG : LI
    const other = shopper()
    await env.member(other, { ...VALID_FORM, phone: '13900000001' })
    expect(await cardActions().bindCard({ openid: other }, request(loser))).toMatchObject({ ok: true })
  })

  it('binds one card whichever step of the transfer’s transaction the competing binding runs between', async () => {
    const stepsOf = async (on: TestEnv, openid: string): Promise<string[]> => {
      const steps: string[] = []
      let target: string | undefined
      const stop = on.cloud.onTransactionStep((step) => {
        target ??= step.transactionId
        if (step.transactionId === target) steps.push(`${step.action} ${step.collection ?? ''}`.trim())
      })
      await cardActions(on).bindCard({ openid }, request(LI))
      stop()
      return steps
    }
    const dry = await createTestEnv()
    const dryOpenid = shopper()
    await dry.member(dryOpenid)
    const steps = await stepsOf(dry, dryOpenid).finally(() => dry.cloud.close())
    expect(steps).toEqual([
      'database.startTransaction',
      'database.getDocument cards',
      'database.getDocument members',
      'database.modifyDocument cards',
      'database.modifyDocument members',
      'database.insertDocument points_ledger',
      'database.insertDocument points_ledger',
      'database.commitTransaction',
    ])
    for (const [at, step] of steps.entries()) {
      const local = await createTestEnv()
      try {
        const openid = shopper()
        const memberId = await local.member(openid)
        local.clock.advance(61_000)
        const cards = cardActions(local)
        let first: string | undefined
        let seen = 0
        let competing: Promise<{ ok: boolean; code?: string }> | undefined
        local.cloud.onTransactionStep(async ({ transactionId }) => {
          first ??= transactionId
          if (transactionId !== first || seen++ !== at) return
          competing = cards.bindCard({ openid }, request(WANG))
          await competing
        })
        const answer = await cards.bindCard({ openid }, request(LI))
        if (!competing) throw new Error(`no competing binding after ${step}`)
        const answers = [answer, await competing]
        expect([step, answers.some((a) => !a.ok && a.code === 'INTERNAL')]).toEqual([step, false])
        await expectOneCardBound(local, memberId, answers)
      } finally {
        local.cloud.close()
      }
    }
  }, 30_000)
})

describe('guessing card numbers or phones', () => {
  it('[4.2.2.1] allows 10 wrong card checks a day per WeChat user, then refuses even a right one', async () => {
    const openid = shopper()
    for (let i = 0; i < 5; i++)
      expect(
        await env.call(openid, 'sendCardCode', { cardNo: WANG.cardNo, phone: `1390000000${i}` }),
      ).toMatchObject({
        code: 'CARD_PHONE_MISMATCH',
      })
    for (let i = 0; i < 5; i++)
      expect(
        await env.call(openid, 'sendCardCode', { cardNo: `620000000000990${i}`, phone: WANG.phone }),
      ).toMatchObject({ code: 'CARD_UNKNOWN' })
    expect(await env.call(openid, 'sendCardCode', { cardNo: WANG.cardNo, phone: WANG.phone })).toMatchObject({
      code: 'CARD_TRIES_LIMIT',
    })
    expect(env.cloud.outbox.list({ kind: 'sms' })).toHaveLength(0)
    // Another WeChat user is not affected; the next day in China the count starts again.
    expect(
      await env.call(shopper(), 'sendCardCode', { cardNo: WANG.cardNo, phone: WANG.phone }),
    ).toMatchObject({
      ok: true,
    })
    env.clock.set('2024-06-15T16:00:00.000Z')
    env.clock.advance(61_000)
    expect(await env.call(openid, 'sendCardCode', { cardNo: LI.cardNo, phone: LI.phone })).toMatchObject({
      ok: true,
    })
  })

  it('[4.2.2.1] answers at most 10 wrong checks to 30 simultaneous guesses, then says when to retry', async () => {
    const openid = shopper()
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        env.call(openid, 'sendCardCode', {
          cardNo: `62000000009${String(i).padStart(5, '0')}`,
          phone: WANG.phone,
        }),
      ),
    )
    const told = answers.filter((a) => !a.ok && a.code === 'CARD_UNKNOWN')
    expect(told.length).toBeLessThanOrEqual(10)
    const refused = answers.filter((a) => !a.ok && a.code === 'CARD_TRIES_LIMIT')
    expect(told.length + refused.length).toBe(30)
    expect(refused[0]).toMatchObject({ retryAfter: 14 * 3600 })
  })
})
