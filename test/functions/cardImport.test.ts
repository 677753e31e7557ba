/**
 * Importing pre-issued service-desk cards from a CSV file (4.2.2.1): the dry run, the import in
 * resumable batches, encrypted fields with their blind index, the audit, and binding an
 * imported card.
 */
import { DEMO_CARDS, DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { CardImportResult } from '../../src/domain/contracts/cardImport'
import type { ImportRow } from '../../src/domain/cardImport/model'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { createTestEnv, dataOf, shopper, type TestEnv } from './support'
import { addAdmin as addStaffAdmin, staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staffCall = staffCallOf(() => env)

const { manager, counter } = DEMO_PERSONAS
const store = DEMO_STORES.xuhui

/** Card `i` of a made-up file: distinct numbers, phones and names. */
function row(i: number, change: Partial<ImportRow> = {}): ImportRow {
  return {
    row: i + 1,
    cardNo: `63000000${String(i).padStart(8, '0')}`,
    phone: `1360${String(i).padStart(7, '0')}`,
    name: `测试${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉'[Math.floor(i / 10) % 10]}`,
    tier: i % 3 === 0 ? 'VIP' : '普通',
    points: String(i * 10),
    ...change,
  }
}

const rows = (n: number, from = 1) => Array.from({ length: n }, (_, k) => row(from + k))

const dryRun = async (data: unknown, who: string = manager) =>
  dataOf<CardImportResult>(await staffCall(who, 'dryRunCardImport', data))
const importBatch = async (data: unknown, who: string = manager) =>
  dataOf<CardImportResult>(await staffCall(who, 'importCards', data))

const addAdmin = () => addStaffAdmin(env)

describe('the dry run', () => {
  it.each([
    ['a bad card number', { cardNo: '12345' }, 'CARD_NO_INVALID'],
    ['a bad phone', { phone: '23800000000' }, 'PHONE_INVALID'],
    ['a bad tier', { tier: '黑卡' }, 'CARD_IMPORT_TIER_INVALID'],
    ['bad points', { points: '-1' }, 'CARD_IMPORT_POINTS_INVALID'],
    ['a card number twice in the batch', { cardNo: row(1).cardNo }, 'CARD_IMPORT_DUPLICATE'],
    ['a card that exists', { cardNo: DEMO_CARDS[0].cardNo }, 'CARD_IMPORT_EXISTS'],
    ['a card that is cancelled', { cardNo: DEMO_CARDS[2].cardNo }, 'CARD_CANCELLED'],
  ])('answers %s as a row problem and writes nothing', async (_what, change, code) => {
    const before = await env.dump()
    const answer = await dryRun({ storeId: store, rows: [row(1), row(2, change), row(3)] })
    expect(answer).toEqual({
      rows: 3,
      imported: 2,
      alreadyImported: 0,
      problems: [
        { row: 3, cardNo: expect.stringMatching(/^\d{0,4}\**\d{0,4}$/), code, message: expect.any(String) },
      ],
    })
    expect(await env.dump()).toBe(before)
  })

  it('answers a card bound to a member as bound', async () => {
    const openid = shopper()
    const card = DEMO_CARDS[0]
    expect(
      await env.bindCard(openid, card, { noticeVersion: NOTICE_VERSION, ageDeclared: true }),
    ).toMatchObject({
      ok: true,
    })
    const answer = await dryRun({ storeId: store, rows: [row(1, { cardNo: card.cardNo })] })
    expect(answer.problems.map((p) => p.code)).toEqual(['CARD_ALREADY_BOUND'])
  })

  it('refuses an unknown store and more rows than a batch holds', async () => {
    const admin = await addAdmin()
    expect(
      await staffCall(admin, 'dryRunCardImport', { storeId: 'store-nowhere', rows: rows(1) }),
    ).toMatchObject({
      ok: false,
      code: 'STORE_UNKNOWN',
    })
    expect(await staffCall(manager, 'dryRunCardImport', { storeId: store, rows: rows(501) })).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
    })
  })
})

describe('who may import', () => {
  it("[5.3] refuses a manager another store's import and counter staff any, writing nothing", async () => {
    const before = await env.dump()
    for (const action of ['dryRunCardImport', 'importCards']) {
      expect(await staffCall(manager, action, { storeId: DEMO_STORES.pudong, rows: rows(2) })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      })
      expect(await staffCall(counter, action, { storeId: store, rows: rows(2) })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      })
    }
    expect(await env.dump()).toBe(before)
  })

  it('lets an admin import for any store', async () => {
    const admin = await addAdmin()
    expect(await importBatch({ storeId: DEMO_STORES.pudong, rows: rows(2) }, admin)).toMatchObject({
      imported: 2,
    })
  })
})

describe('the import', () => {
  it('[5.1] stores name, phone and card number encrypted, the phone by its blind index only', async () => {
    const batch = rows(20)
    const answer = await importBatch({ storeId: store, rows: batch })
    expect(answer).toEqual({ rows: 20, imported: 20, alreadyImported: 0, problems: [] })

    const dump = await env.dump()
    for (const r of batch) {
      expect(dump).not.toContain(r.phone)
      expect(dump).not.toContain(r.name)
      expect(dump).not.toContain(r.cardNo)
    }
    const id = env.vault.blindIndex('card', batch[2].cardNo)
    const card = (await env.db.collection('cards').doc(id).get()).data as Record<string, unknown>
    expect(card).toMatchObject({
      status: 'issued',
      storeId: store,
      tier: 'vip',
      points: 30,
      phoneIndex: env.vault.blindIndex('phone', batch[2].phone),
    })
    const cipher = await env.keys().cipher({ kind: 'card', id }, card)
    const fields = card.fields as Record<string, never>
    expect(cipher?.decrypt('name', fields.name)).toBe(batch[2].name)
    expect(cipher?.decrypt('phone', fields.phone)).toBe(batch[2].phone)
    expect(cipher?.decrypt('cardNo', fields.cardNo)).toBe(batch[2].cardNo)
    // The opening points are a ledger entry of the card.
    const ledger = (await env.db.collection('points_ledger').doc(`card-open:${id}`).get()).data
    expect(ledger).toMatchObject({ cardId: id, delta: 30, reason: 'card_opening' })
  })

  it('imports a batch sent again nothing twice and reports those rows as imported already', async () => {
    const first = rows(10)
    expect(await importBatch({ storeId: store, rows: first })).toMatchObject({ imported: 10 })
    const counts = await env.counts()
    // The resumed run sends the batch again, then the next one.
    expect(await importBatch({ storeId: store, rows: first })).toEqual({
      rows: 10,
      imported: 0,
      alreadyImported: 10,
      problems: [],
    })
    expect(await env.counts()).toEqual({
      ...counts,
      audit_log: counts.audit_log + 1,
      audit_chains: counts.audit_chains,
    })
    expect(await importBatch({ storeId: store, rows: [...first.slice(5), ...rows(5, 11)] })).toMatchObject({
      imported: 5,
      alreadyImported: 5,
    })
    // The dry run of a file imported already says so too.
    expect(await dryRun({ storeId: store, rows: first })).toMatchObject({ imported: 0, alreadyImported: 10 })
  })

  it('finishes a batch a run cut short after its keys and points, reusing them', async () => {
    const batch = rows(4)
    await importBatch({ storeId: store, rows: batch.slice(0, 2) })
    // As if the call had stopped before adding its cards: keys and ledger entries stay.
    const ids = batch.slice(0, 2).map((r) => env.vault.blindIndex('card', r.cardNo))
    for (const id of ids) await env.db.collection('cards').doc(id).remove()
    const keysBefore = (await env.all('member_keys')).length
    expect(await importBatch({ storeId: store, rows: batch })).toMatchObject({
      imported: 4,
      alreadyImported: 0,
    })
    expect((await env.all('member_keys')).length).toBe(keysBefore + 2)
    const card = (await env.db.collection('cards').doc(ids[0]).get()).data as Record<string, unknown>
    const cipher = await env.keys().cipher({ kind: 'card', id: ids[0] }, card)
    expect(cipher?.decrypt('name', (card.fields as Record<string, never>).name)).toBe(batch[0].name)
  })

  it('imports the good rows of a batch and answers the others', async () => {
    const answer = await importBatch({
      storeId: store,
      rows: [row(1), row(2, { phone: '123' }), row(3, { cardNo: DEMO_CARDS[1].cardNo })],
    })
    expect(answer.imported).toBe(1)
    expect(answer.problems.map((p) => [p.row, p.code])).toEqual([
      [3, 'PHONE_INVALID'],
      [4, 'CARD_IMPORT_EXISTS'],
    ])
  })

  it('audits each batch: who, which store, counts, and no personal data', async () => {
    const batch = rows(3)
    await importBatch({ storeId: store, rows: [...batch, row(9, { tier: 'x' })] })
    const entries = (await env.all('audit_log')).filter((e) => String(e.memberId).startsWith('cardImport:'))
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      actor: expect.stringMatching(/^staff:/),
      action: 'create',
      purpose: 'staffAdmin',
      memberId: `cardImport:${store}:rows=4,imported=3,alreadyImported=0,rejected=1`,
    })
    const text = JSON.stringify(entries)
    for (const r of batch) for (const value of [r.cardNo, r.phone, r.name]) expect(text).not.toContain(value)
  })
})

describe('binding an imported card', () => {
  it('makes its holder a member with the opening points as a ledger and the card’s tier', async () => {
    const card = row(7, { points: '888', tier: 'VVIP' })
    await importBatch({ storeId: store, rows: [card] })
    const openid = shopper()
    const bound = dataOf<{ member: { points: number; tier: string }; pointsMoved: number }>(
      await env.bindCard(openid, card, { noticeVersion: NOTICE_VERSION, ageDeclared: true }),
    )
    expect(bound.pointsMoved).toBe(888)
    expect(bound.member.points).toBe(888)
    expect(bound.member.tier).toBe('vvip')
    const id = env.vault.blindIndex('card', card.cardNo)
    const ledger = (await env.all('points_ledger')).filter((e) => String(e._id).endsWith(id))
    expect(ledger.map((e) => [String(e._id).split(':')[0], e.delta]).sort()).toEqual([
      ['card-in', 888],
      ['card-open', 888],
      ['card-out', -888],
    ])
  })
})
