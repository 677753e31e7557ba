/**
 * The audit log's chains and their verification (5.5, L-14): an untouched log is intact, also
 * when many writers append at once; a removed, edited or cut-off entry is named; the retention
 * sweep's removals are not; the scheduler's `audit` trigger and `npm run audit:verify` report it.
 */
import { randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { AUDIT_RETENTION_MS, createAuditLog, type AuditEvent } from '../../cloudfunctions/common/audit'
import { auditSignerFromEnv, createAuditChain } from '../../cloudfunctions/common/chain'
import { manualClock } from '../../cloudfunctions/common/clock'
import { asDb, COLLECTIONS, DB_OPTIONS, type Doc } from '../../cloudfunctions/common/db'
import { VaultConfigError } from '../../cloudfunctions/common/vault'
import { createAuditVerification } from '../../cloudfunctions/scheduler/integrity'
import { createSweeps, retentionSweep, type RetentionSweep } from '../../cloudfunctions/scheduler/sweeps'
import { manifest } from '../../database/manifest'
import { createLocalCloud } from '../../local-cloud/runtime'
import { createTestEnv, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

const DAY = 24 * 3600_000

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const event = (memberId: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  actor: 'staff:s1',
  action: 'read',
  purpose: 'membership',
  memberId,
  fields: ['name'],
  success: true,
  ...extra,
})

const verify = (pageSize?: number) =>
  createAuditVerification({ db: env.db, signer: env.signer, clock: env.clock }).run({ fresh: true, pageSize })

/** The entries of the log in chain order. */
async function entries(): Promise<Doc[]> {
  return (await env.all('audit_log')).sort((a, b) => (a._id < b._id ? -1 : 1))
}

/** Three instances write at once, each concurrent call on a chain of its own (and a batch too). */
async function busyLog(): Promise<void> {
  const logs = [env.audit(), env.audit(), env.audit()]
  await Promise.all(
    logs.flatMap((log, i) =>
      Array.from({ length: 8 }, (_, j) => log.record(event(`m${(i * 8 + j) % 5}`, { success: j % 3 !== 0 }))),
    ),
  )
  const batch = logs[0].batch()
  for (let i = 0; i < 4; i++) await batch.record(event('m1', { action: 'update', fields: ['phone'] }))
  await batch.flush()
}

describe('audit log: chains', () => {
  it('[5.5][L-14] finds an untouched log intact, written by concurrent writers on several chains', async () => {
    await busyLog()
    const all = await entries()
    expect(all).toHaveLength(28)
    const chains = new Set(all.map((e) => e.chain)).size
    // Concurrent calls never share a chain: no fork, no waiting; a later call reuses an idle one.
    expect(chains).toBeGreaterThanOrEqual(3)
    expect(chains).toBeLessThanOrEqual(24)
    const run = await verify(5)
    expect(run).toMatchObject({ done: true, first: null, pass: { checked: 28, chains, problemCount: 0 } })
  })

  it('[5.5][L-14] names an entry deleted from the middle of a chain', async () => {
    await busyLog()
    const victim = (await entries())[4]
    await env.db.collection(COLLECTIONS.auditLog).doc(victim._id).remove()
    expect((await verify()).first).toMatchObject({ kind: 'missing', where: `audit_log/${victim._id}` })
  })

  it.each([
    ['purpose', { purpose: 'marketing' }],
    ['success', { success: false }],
    ['member id', { memberId: 'm-other' }],
    ['time', { at: new Date(Date.parse('2020-01-01')) }],
  ])('[5.5][L-14] names an entry whose %s was edited', async (_what, change) => {
    await busyLog()
    const victim = (await entries()).find((e) => e.success === true) as Doc
    await env.db.collection(COLLECTIONS.auditLog).doc(victim._id).update({ data: change })
    const run = await verify()
    expect(run.first).toEqual({
      kind: 'broken',
      where: `audit_log/${victim._id}`,
      detail: expect.any(String),
    })
    expect(run.pass.problemCount).toBe(1)
  })

  it('[5.5][L-14] names the tail cut off a chain: its head names more entries', async () => {
    await busyLog()
    const all = await entries()
    const chain = all[0].chain
    const last = all.filter((e) => e.chain === chain).pop() as Doc
    await env.db.collection(COLLECTIONS.auditLog).doc(last._id).remove()
    expect((await verify()).first).toMatchObject({ kind: 'missing', where: `audit_log/${last._id}` })
  })

  it('[5.5][L-14] names a whole chain removed with its head', async () => {
    await busyLog()
    const chain = (await entries())[0].chain as string
    await env.db.collection(COLLECTIONS.auditLog).where({ chain }).remove()
    await env.db.collection(COLLECTIONS.auditChains).doc(chain).remove()
    expect((await verify()).first).toMatchObject({ kind: 'missing', where: `audit_chains/${chain}` })
  })

  it('[5.5] does not count the retention sweep’s removal of a chain’s oldest entries as tampering', async () => {
    const log = env.audit()
    for (let i = 0; i < 3; i++) await log.record(event('m1'))
    // A chain of which everything ages out: only its head will be left.
    await env.audit().record(event('m2'))
    env.clock.advance(AUDIT_RETENTION_MS + DAY)
    for (let i = 0; i < 3; i++) await log.record(event('m1'))
    const sweeps = createSweeps({
      db: env.db,
      keyDb: () => env.keyDb,
      clock: env.clock,
      eraseMember: () => {
        throw new Error('no member to erase')
      },
    })
    expect(await sweeps.run(retentionSweep('auditLog') as RetentionSweep)).toEqual({
      removed: 4,
      complete: true,
    })
    expect((await verify()).first).toBeNull()

    // A young entry removed is still named.
    const young = (await entries())[1]
    await env.db.collection(COLLECTIONS.auditLog).doc(young._id).remove()
    expect((await verify()).first).toMatchObject({ kind: 'missing', where: `audit_log/${young._id}` })
  })

  it('[5.5] signs with the audit signing key, apart from the index key', async () => {
    await env.audit().record(event('m1'))
    const other = createAuditLog({
      db: env.db,
      signer: auditSignerFromEnv({ AUDIT_SIGNING_KEY: randomBytes(32).toString('base64') }),
      clock: env.clock,
      chain: createAuditChain(),
    })
    const [entry] = await entries()
    expect(env.audit().verify(entry)).toBe(true)
    expect(other.verify(entry)).toBe(false)
    expect(() => auditSignerFromEnv({ ...process.env, AUDIT_SIGNING_KEY: process.env.PI_INDEX_KEY })).toThrow(
      VaultConfigError,
    )
    expect(() => auditSignerFromEnv({})).toThrow(/AUDIT_SIGNING_KEY is not set/)
  })
})

describe('audit log: verification by the scheduler', () => {
  it('[5.5][L-14] the audit trigger walks the log within its time budget, resumes, and names the first finding', async () => {
    for (let chain = 0; chain < 6; chain++) {
      const log = env.audit()
      for (let i = 0; i < 5; i++) await log.record(event(`m${chain}-${i}`))
    }
    const victim = (await entries())[22]
    await env.db
      .collection(COLLECTIONS.auditLog)
      .doc(victim._id)
      .update({ data: { fields: ['phone'] } })

    // Each page of entries costs a second of the (manual) clock: a run's 1.5 s budget (the default
    // 3 s time limit less the safety margin) covers two chains.
    const slow = env.clock
    env.cloud.onWire((action, params) => {
      if (
        action === 'database.getDocument' &&
        (params as { collectionName?: string }).collectionName === 'audit_log'
      )
        slow.advance(1000)
    })
    registerScheduler(env)
    const run = async () => (await tick(env, 'audit')).data.jobs.verifyAudit as Record<string, unknown>
    const runs = []
    for (let i = 0; i < 20; i++) {
      runs.push(await run())
      if (runs[runs.length - 1].done) break
    }
    expect(runs.length).toBeGreaterThan(1)
    expect(runs[runs.length - 1]).toMatchObject({
      done: true,
      first: { kind: 'broken', where: `audit_log/${victim._id}` },
      pass: { checked: 30, problemCount: 1 },
    })
  })
})

describe('npm run audit:verify', () => {
  const ROOT = path.resolve(__dirname, '../..')
  let dataDir: string
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'audit-verify-'))
  })
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

  test('should print the first broken entry and exit 1, and exit 0 on an intact log', async () => {
    const AUDIT_SIGNING_KEY = randomBytes(32).toString('base64')
    writeFileSync(path.join(dataDir, 'keys.json'), JSON.stringify({ AUDIT_SIGNING_KEY }))
    const cloud = createLocalCloud({ dataDir, manifest })
    const db = asDb(cloud.database(DB_OPTIONS))
    const log = createAuditLog({
      db,
      signer: auditSignerFromEnv({ AUDIT_SIGNING_KEY }),
      clock: manualClock(Date.now()),
    })
    for (let i = 0; i < 5; i++) await log.record(event(`m${i}`))
    cloud.close()
    const verifyCli = () => {
      const variables = { ...process.env }
      delete variables.AUDIT_SIGNING_KEY
      return spawnSync(
        process.execPath,
        [path.join(ROOT, 'scripts/audit-verify.mjs'), '--data-dir', dataDir],
        {
          cwd: ROOT,
          env: variables,
          encoding: 'utf8',
        },
      )
    }

    const clean = verifyCli()
    expect(clean.stderr).toBe('')
    expect(clean.status).toBe(0)
    expect(clean.stdout).toContain('5 entries in 1 chain checked')

    const again = createLocalCloud({ dataDir, manifest })
    await again.database().collection('audit_log').doc('c0000000001:0000000002').remove()
    again.close()
    const broken = verifyCli()
    expect(broken.status).toBe(1)
    expect(broken.stdout).toContain('missing audit_log/c0000000001:0000000002')
    expect(broken.stdout).not.toContain(AUDIT_SIGNING_KEY)
  }, 60_000)
})
