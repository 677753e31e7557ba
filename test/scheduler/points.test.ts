/**
 * The points jobs: expiry in resumable pages, and the reconciliation of every balance with the
 * ledger — which must report a balance that disagrees.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { manualClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { createLedger, type EntrySource, type Ledger } from '../../cloudfunctions/common/points/ledger'
import { createPointsExpiry, createPointsReconciliation } from '../../cloudfunctions/scheduler/points'
import { manifest } from '../../database/manifest'
import { DEMO_CARDS, DEMO_STORES } from '../../database/seed'
import { parseWire } from '../../local-cloud/codec'
import { createLocalCloud } from '../../local-cloud/runtime'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

const STORE = DEMO_STORES.xuhui
const ACTOR = 'staff:s-1'

let env: TestEnv
let ledger: Ledger
beforeEach(async () => {
  env = await createTestEnv()
  ledger = createLedger({ db: env.db, clock: env.clock, policy: DEFAULT_LOT_POLICY })
  registerScheduler(env)
})
afterEach(() => env.cloud.close())

const pos = (ref: string): EntrySource => ({ kind: 'pos', ref })
/** Points available at once (no hold) for a member, from one receipt. */
const earnNow = (memberId: string, ref: string, points: number) =>
  ledger.earn({ memberId, source: pos(ref), points, storeId: STORE, actor: ACTOR, immediate: true })
const points = async (memberId: string) =>
  Number((await env.db.collection('members').doc(memberId).get()).data?.points)

describe('expiry', () => {
  it('writes off what each member’s expired lots still hold, once, across runs cut short', async () => {
    const members: string[] = []
    for (const phone of ['13800000001', '13800000002', '13800000003'])
      members.push(await env.member(shopper(), { ...VALID_FORM, phone }))
    for (const [i, memberId] of members.entries()) {
      await earnNow(memberId, `a${i}`, 100)
      await earnNow(memberId, `b${i}`, 50)
    }
    await ledger.spend({
      memberId: members[0],
      source: { kind: 'redemption', ref: 'x' },
      points: 120,
      storeId: STORE,
      actor: ACTOR,
    })
    // 2024-06-15 → 31 December 2025, China time; the next day nothing is left.
    env.clock.set('2026-01-01T00:00:00Z')
    // The first run dies after one member, as a function timeout would stop it.
    let calls = 0
    const dying: Ledger = {
      ...ledger,
      expireDue: async (memberId, actor) => {
        calls += 1
        if (calls > 1) throw new Error('function timed out')
        return ledger.expireDue(memberId, actor)
      },
    }
    await expect(
      createPointsExpiry({ db: env.db, clock: env.clock, ledger: dying }).run({ pageSize: 2 }),
    ).rejects.toThrow()
    const expiry = createPointsExpiry({ db: env.db, clock: env.clock, ledger })
    const rest = await expiry.run({ pageSize: 2 })
    expect(rest.complete).toBe(true)
    const entries = (await env.all('points_ledger')).filter((e) => e.kind === 'expire')
    expect(entries).toHaveLength(3) // one per member: both lots expire on the same day
    expect(entries.reduce((sum, e) => sum - Number(e.delta), 0)).toBe(30 + 300)
    for (const memberId of members)
      expect((await env.db.collection('members').doc(memberId).get()).data?.lotsExpireAt).toBeUndefined()
    for (const memberId of members) expect(await points(memberId)).toBe(0)
    expect((await expiry.run()).expired).toBe(0)
  })

  it('pages through the due members by the expiry index, passing over a member with nothing due', async () => {
    const members: string[] = []
    for (const phone of ['13800000001', '13800000002', '13800000003', '13800000004'])
      members.push(await env.member(shopper(), { ...VALID_FORM, phone }))
    for (const [i, memberId] of members.entries()) await earnNow(memberId, `p${i}`, 10)
    // A member whose first expiry is past but whose lots hold nothing: it stays in the range.
    await env.db
      .collection('members')
      .doc(members[1])
      .update({ data: { lots: [], lotsExpireAt: new Date('2025-12-31T15:59:59.999Z') } })
    env.clock.set('2026-01-01T00:00:00Z')
    const plans: string[] = []
    const stop = env.cloud.onWire((action, params) => {
      if (action !== 'database.getDocument' || params.collectionName !== 'members') return
      if (params.queryType === 'DOC') return
      const query = parseWire(String(params.query)) as Record<string, unknown>
      plans.push(env.cloud.explain('members', query).join(' '))
    })
    const run = await createPointsExpiry({ db: env.db, clock: env.clock, ledger }).run({ pageSize: 1 })
    stop()
    expect(run).toMatchObject({ expired: 3, points: 30, complete: true })
    expect(plans.length).toBeGreaterThan(3)
    for (const plan of plans) {
      expect(plan).toMatch(/USING (COVERING )?INDEX ix_\S*__lots_expire/)
      // Not a walk of the members by `_id` (the collection's own key) beside it.
      expect(plan).not.toMatch(/sqlite_autoindex/)
    }
  })

  it('runs from the daily points trigger', async () => {
    const memberId = await env.member(shopper())
    await earnNow(memberId, 't', 10)
    env.clock.set('2026-01-01T00:00:00Z')
    const answer = await tick(env, 'points')
    expect(answer.data.jobs.expirePoints).toMatchObject({ expired: 1, points: 10, complete: true })
    expect(answer.data.jobs.reconcilePoints).toMatchObject({ findings: 0, complete: true })
  })
})

describe('reconciliation', () => {
  it('finds every balance equal to its entries and lots, cards bound with points included', async () => {
    const a = await env.member(shopper())
    await ledger.earn({ memberId: a, source: pos('r1'), points: 80, storeId: STORE, actor: ACTOR })
    await ledger.reverse({
      memberId: a,
      earnSource: pos('r1'),
      refundRef: 'f',
      points: 30,
      actor: ACTOR,
      refundPolicy: 'negative',
    })
    const carded = shopper()
    expect(
      await env.bindCard(carded, DEMO_CARDS[0], { noticeVersion: NOTICE_VERSION, ageDeclared: true }),
    ).toMatchObject({ ok: true })
    const run = await createPointsReconciliation({ db: env.db, clock: env.clock }).run({ pageSize: 1 })
    expect(run).toMatchObject({ findings: [], complete: true })
    expect(run.checked).toBeGreaterThanOrEqual(2)
  })

  it('reads each member’s entries through the member index, not a walk of the whole ledger', async () => {
    const a = await env.member(shopper())
    await ledger.earn({ memberId: a, source: pos('r1'), points: 80, storeId: STORE, actor: ACTOR })
    const plans: string[] = []
    const stop = env.cloud.onWire((action, params) => {
      if (action !== 'database.getDocument' || params.collectionName !== 'points_ledger') return
      const query = parseWire(String(params.query)) as Record<string, unknown>
      plans.push(env.cloud.explain('points_ledger', query).join(' '))
    })
    const finding = await createPointsReconciliation({ db: env.db, clock: env.clock }).check(
      (await env.db.collection('members').doc(a).get()).data as { _id: string },
    )
    stop()
    expect(finding).toBeUndefined()
    expect(plans).toHaveLength(1)
    expect(plans[0]).toMatch(/USING (COVERING )?INDEX ix_\S*__member_time/)
  })

  it('reports a balance that was changed behind the ledger’s back', async () => {
    const memberId = await env.member(shopper())
    await earnNow(memberId, 'r2', 40)
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { points: 45 } })
    const run = await createPointsReconciliation({ db: env.db, clock: env.clock }).run()
    expect(run.findings).toEqual([{ memberId, balance: 45, entries: 40, lots: 40 }])
  })

  it('reports a lot that holds points the entries do not account for', async () => {
    const memberId = await env.member(shopper())
    await earnNow(memberId, 'r3', 40)
    const { data } = await env.db.collection('members').doc(memberId).get()
    const [lot] = (data?.lots ?? []) as { expiresAt: string }[]
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { lots: env.db.command.set([{ expiresAt: lot.expiresAt, points: 60 }]) } })
    const run = await createPointsReconciliation({ db: env.db, clock: env.clock }).run()
    expect(run.findings).toEqual([{ memberId, balance: 40, entries: 40, lots: 60 }])
  })

  it('reports lots whose expiries disagree with what the entries put in and drew', async () => {
    const memberId = await env.member(shopper())
    await earnNow(memberId, 'r4', 40)
    await env.db
      .collection('members')
      .doc(memberId)
      .update({ data: { lots: env.db.command.set([{ expiresAt: '2030-12-31T15:59:59.999Z', points: 40 }]) } })
    const run = await createPointsReconciliation({ db: env.db, clock: env.clock }).run()
    expect(run.findings).toEqual([
      expect.objectContaining({ memberId, problem: expect.stringMatching(/^lots expiring .* disagree$/) }),
    ])
  })

  it('[5.5] reports an entry altered behind the ledger’s back, and the newest entries removed', async () => {
    const altered = await env.member(shopper())
    const cut = await env.member(shopper(), { ...VALID_FORM, phone: '13800000009' })
    for (const memberId of [altered, cut]) {
      await earnNow(memberId, `s1-${memberId}`, 40)
      await earnNow(memberId, `s2-${memberId}`, 0)
    }
    // Whose counter awarded the points, rewritten; and the last entry (0 points) removed whole.
    await env.db
      .collection('points_ledger')
      .doc(`earn:pos:s1-${altered}`)
      .update({ data: { actor: 'staff:someone-else' } })
    await env.db.collection('points_ledger').doc(`earn:pos:s2-${cut}`).remove()
    const run = await createPointsReconciliation({ db: env.db, clock: env.clock }).run()
    expect(run.findings).toEqual(
      expect.arrayContaining([
        { memberId: altered, balance: 40, entries: 40, lots: 40, problem: 'entry 1 altered' },
        { memberId: cut, balance: 40, entries: 40, lots: 40, problem: 'entries after 1 missing' },
      ]),
    )
    expect(run.findings).toHaveLength(2)
  })
})

describe('npm run points:reconcile', () => {
  const ROOT = path.resolve(__dirname, '../..')
  let dataDir: string
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'points-reconcile-'))
  })
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

  test('should name the member whose balance disagrees and exit 1, and exit 0 when all agree', async () => {
    const cloud = createLocalCloud({ dataDir, manifest })
    const db = asDb(cloud.database(DB_OPTIONS))
    await db.collection('members').add({ data: { _id: 'm-1', points: 0, status: 'active' } })
    const local = createLedger({ db, clock: manualClock(Date.now()), policy: DEFAULT_LOT_POLICY })
    await local.earn({ memberId: 'm-1', source: pos('cli'), points: 25, storeId: STORE, actor: ACTOR })
    cloud.close()
    const reconcile = () =>
      spawnSync(process.execPath, [path.join(ROOT, 'scripts/points-reconcile.mjs'), '--data-dir', dataDir], {
        cwd: ROOT,
        encoding: 'utf8',
        // The test's keys (the entries' MACs): the sandbox's environment, not the worker's.
        env: { ...process.env },
      })

    const clean = reconcile()
    expect(clean.stderr).toBe('')
    expect(clean.status).toBe(0)
    expect(clean.stdout).toContain('1 member checked')

    const again = createLocalCloud({ dataDir, manifest })
    await again
      .database()
      .collection('members')
      .doc('m-1')
      .update({ data: { points: 30 } })
    again.close()
    const broken = reconcile()
    expect(broken.status).toBe(1)
    expect(broken.stdout).toContain('m-1: balance 30, entries 25, lots 25')
  }, 60_000)
})
