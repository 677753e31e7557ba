import { AUDIT_RETENTION_MS } from '../../cloudfunctions/common/audit'
import type { IdentityDoc } from '../../cloudfunctions/common/identity'
import { createLedger } from '../../cloudfunctions/common/points/ledger'
import { DEMO_STORES } from '../../database/seed'
import type { MemberHome } from '../../src/domain/member/model'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { INVENTORY } from '../../src/domain/identity/inventory'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { createTestEnv, dataOf, shopper, START, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

describe('member.joinForm', () => {
  it('[4.1.2][L-1] answers the versioned notice with the controller from settings', async () => {
    const answer = await env.call(shopper(), 'joinForm')
    expect(answer).toMatchObject({
      ok: true,
      data: {
        notice: {
          version: NOTICE_VERSION,
          title: '会员个人信息处理规则',
          controller: { name: '星湖购物中心', contactPhone: '021-5000-0000' },
        },
      },
    })
    const { notice } = dataOf<{ notice: { sections: { fields: { key: string }[] }[] } }>(answer)
    expect(notice.sections.flatMap((s) => s.fields.map((f) => f.key)).sort()).toEqual(
      INVENTORY.map((f) => f.key).sort(),
    )
  })

  it('[4.2.1.1] offers the open stores only, in their order', async () => {
    const answer = await env.call(shopper(), 'joinForm')
    expect(answer).toMatchObject({
      ok: true,
      data: {
        stores: [
          { id: DEMO_STORES.xuhui, name: '星湖购物中心·徐汇店', city: '上海市' },
          { id: DEMO_STORES.pudong, name: '星湖购物中心·浦东店', city: '上海市' },
        ],
      },
    })
  })

  it('[4.1.2] follows the controller as configured in settings', async () => {
    await env.db
      .collection('settings')
      .doc('controller')
      .update({ data: { name: '月湾百货', contactEmail: 'dpo@yuewan.example.com' } })
    const answer = await env.call(shopper(), 'joinForm')
    expect(answer).toMatchObject({ data: { notice: { controller: { name: '月湾百货' } } } })
    expect(JSON.stringify(answer)).toContain('dpo@yuewan.example.com')
  })
})

describe('stores, kept by the function instance', () => {
  it('reads the stores at most once a minute; a store closed meanwhile is gone after that minute', async () => {
    let reads = 0
    env.cloud.onWire((action, params) => {
      if (action === 'database.getDocument' && params.collectionName === 'stores') reads++
    })
    const openid = shopper()
    await env.join(openid)
    await env.call(openid, 'home')
    await env.call(shopper(), 'joinForm')
    expect(reads).toBe(1)
    await env.db
      .collection('stores')
      .doc(DEMO_STORES.pudong)
      .update({ data: { status: 'closed' } })
    const listed = async () =>
      dataOf<{ stores: { id: string }[] }>(await env.call(shopper(), 'joinForm')).stores.map((s) => s.id)
    expect(await listed()).toContain(DEMO_STORES.pudong)
    env.clock.advance(60_000)
    expect(await listed()).toEqual([DEMO_STORES.xuhui])
    expect(reads).toBe(2)
    const form = { ...VALID_FORM, phone: '13900000001', storeId: DEMO_STORES.pudong }
    expect(await env.join(shopper(), form)).toMatchObject({ ok: false, code: 'STORE_UNKNOWN' })
  })
})

describe('member.home', () => {
  it('[4.2.1.1] answers null for someone who is not a member', async () => {
    expect(await env.call(shopper(), 'home')).toEqual({ ok: true, data: { member: null } })
  })

  it('[L-7] shows the member masked name and phone', async () => {
    const openid = shopper()
    await env.join(openid)
    env.clock.advance(3600_000)
    const answer = await env.call(openid, 'home')
    expect(answer).toEqual({
      ok: true,
      data: {
        member: {
          memberNo: '800000000011',
          tier: 'normal',
          tierLabel: '普通会员',
          points: 0,
          available: 0,
          pending: 0,
          name: '张*',
          phone: '138****5678',
          store: { id: DEMO_STORES.xuhui, name: '星湖购物中心·徐汇店', city: '上海市' },
          joinedAt: START,
          status: 'active',
          hasCard: false,
        },
      },
    })
    expect(JSON.stringify(answer)).not.toMatch(/张三|13812345678/)
  })

  it("[L-14] counts the member's own views once per China day: the day's first view writes once, later views nothing", async () => {
    const openid = shopper()
    await env.join(openid)
    const [joined] = await env.all('members')
    const entries = (await env.all('audit_log')).length
    let writes = 0
    env.cloud.onWire((action) => {
      if (['database.insertDocument', 'database.modifyDocument', 'database.removeDocument'].includes(action))
        writes++
    })
    // Five views a minute apart; answers the writes each of them made.
    const viewsOfDay = async () => {
      const perView: number[] = []
      for (let i = 0; i < 5; i++) {
        const before = writes
        expect(await env.call(openid, 'home')).toMatchObject({ ok: true, data: { member: { name: '张*' } } })
        perView.push(writes - before)
        env.clock.advance(60_000)
      }
      return perView
    }
    env.clock.advance(60_000)
    expect(await viewsOfDay()).toEqual([1, 0, 0, 0, 0])
    // 23:50 to 23:54 in Shanghai is still the same day; midnight starts the next one.
    env.clock.advance(13 * 3600_000 + 44 * 60_000)
    expect(await viewsOfDay()).toEqual([0, 0, 0, 0, 0])
    env.clock.advance(3600_000)
    expect(await viewsOfDay()).toEqual([1, 0, 0, 0, 0])
    const [member] = await env.all('members')
    expect(member).toEqual({ ...joined, viewDays: ['2024-06-15', '2024-06-16'] })
    // No entry per view: the day in the member record is the count.
    expect(await env.all('audit_log')).toHaveLength(entries)
  })

  it("[L-14] still audits a member's own view that fails as an entry", async () => {
    const openid = shopper()
    await env.join(openid)
    const [identity] = (await env.all('identities')) as unknown as IdentityDoc[]
    await env.db
      .collection('identities')
      .doc(identity._id)
      .update({ data: { fields: { name: identity.fields.phone } } })
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    expect(await env.call(openid, 'home')).toMatchObject({ ok: false, code: 'INTERNAL' })
    errors.mockRestore()
    const reads = (await env.all('audit_log')).filter((entry) => entry.action === 'read')
    expect(reads).toEqual([
      expect.objectContaining({
        action: 'read',
        purpose: 'membership',
        fields: ['name', 'phone', 'cardNo'],
        success: false,
      }),
    ])
    const [member] = await env.all('members')
    expect(member).not.toHaveProperty('viewDays')
  })

  it('[7.1] keeps the counted days of own views for the audit retention only', async () => {
    const openid = shopper()
    await env.join(openid)
    await env.call(openid, 'home')
    env.clock.advance(400 * 24 * 3600_000)
    await env.call(openid, 'home')
    env.clock.advance(AUDIT_RETENTION_MS - 200 * 24 * 3600_000)
    await env.call(openid, 'home')
    const [member] = await env.all('members')
    expect(member.viewDays).toEqual(['2025-07-20', '2028-01-01'])
  })

  it('[6.1.1] reads nothing personal for a member whose basic consent is not granted', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { 'consents.membership.granted': false } })
    const entries = (await env.all('audit_log')).length
    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null } })
    expect(await env.all('audit_log')).toHaveLength(entries)
    const [member] = await env.all('members')
    expect(member).not.toHaveProperty('viewDays')
  })

  it('[5.5] makes audit entries tamper-evident', async () => {
    const openid = shopper()
    await env.join(openid)
    await env.call(openid, 'home')
    const audit = env.audit()
    const log = await env.all('audit_log')
    expect(log.length).toBeGreaterThan(0)
    for (const entry of log) expect(audit.verify(entry)).toBe(true)
    const forged = { ...log[log.length - 1], fields: ['name'] }
    expect(audit.verify(forged)).toBe(false)
    const backdated = { ...log[0], at: new Date(0) }
    expect(audit.verify(backdated)).toBe(false)
  })

  it('[5.5] fails closed and audits the failure when the identity does not authenticate', async () => {
    const openid = shopper()
    await env.join(openid)
    const [identity] = (await env.all('identities')) as unknown as IdentityDoc[]
    // Another member's phone ciphertext copied into this member: it must not decrypt.
    const other = env.vault.createMemberKey('someone-else').cipher.encrypt('phone', '13999999999')
    await env.db
      .collection('identities')
      .doc(identity._id)
      .update({ data: { fields: { phone: other } } })
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined)
    expect(await env.call(openid, 'home')).toMatchObject({ ok: false, code: 'INTERNAL' })
    expect(JSON.stringify(errors.mock.calls)).not.toMatch(/13999999999|13812345678|张三/)
    errors.mockRestore()
    const reads = (await env.all('audit_log')).filter((entry) => entry.action === 'read')
    expect(reads).toEqual([expect.objectContaining({ success: false, memberId: identity._id })])
  })

  it('shows no member once the identity is gone (crypto-shredded)', async () => {
    const openid = shopper()
    await env.join(openid)
    const [identity] = await env.all('identities')
    await env.db.collection('identities').doc(identity._id).remove()
    expect(await env.call(openid, 'home')).toEqual({ ok: true, data: { member: null } })
  })
})

describe('member.home: the balance', () => {
  const ledgerOf = () => createLedger({ db: env.db, clock: env.clock, policy: DEFAULT_LOT_POLICY })
  const STORE = DEMO_STORES.xuhui
  const home = async (openid: string) => dataOf<{ member: MemberHome }>(await env.call(openid, 'home')).member

  it('shows the points that can be spent and those still held, not the raw total', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const ledger = ledgerOf()
    await ledger.earn({
      memberId,
      source: { kind: 'pos', ref: `${STORE}:R-1` },
      points: 300,
      storeId: STORE,
      actor: 'staff:s-1',
      immediate: true,
    })
    await ledger.earn({
      memberId,
      source: { kind: 'pos', ref: `${STORE}:R-2` },
      points: 128,
      storeId: STORE,
      actor: 'staff:s-1',
    })
    expect(await home(openid)).toMatchObject({ points: 428, available: 300, pending: 128 })
    env.clock.advance(8 * 86_400_000)
    expect(await home(openid)).toMatchObject({ available: 428, pending: 0 })
  })

  it('shows a negative balance when a refund takes back points already spent', async () => {
    const openid = shopper()
    const memberId = await env.member(openid)
    const ledger = ledgerOf()
    const earnSource = { kind: 'pos' as const, ref: `${STORE}:R-3` }
    await ledger.earn({
      memberId,
      source: earnSource,
      points: 100,
      storeId: STORE,
      actor: 'staff:s-1',
      immediate: true,
    })
    await ledger.spend({
      memberId,
      source: { kind: 'redemption', ref: 'r-1' },
      points: 80,
      storeId: STORE,
      actor: 'staff:s-1',
    })
    await ledger.reverse({
      memberId,
      earnSource,
      refundRef: 'F-1',
      points: 100,
      actor: 'staff:s-1',
      refundPolicy: 'negative',
    })
    expect(await home(openid)).toMatchObject({ available: -80, pending: 0 })
  })
})
